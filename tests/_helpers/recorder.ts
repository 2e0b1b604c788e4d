// Test helper, not a test: a FrameSink that records what a decoder reports,
// and folds pieces into whole messages so two decoders can be compared.
import type { FrameError, FrameSink } from "../../src/codec/mod.ts";
import { frameErrorOf } from "../../src/codec/frame_errors.ts";

export type Recorded =
  | { kind: "message"; text: boolean; bytes: number[] }
  | { kind: "control"; opcode: number; bytes: number[] }
  | { kind: "error"; code: FrameError };

export class Recorder implements FrameSink {
  readonly events: Recorded[] = [];
  readonly pieces: Array<{ bytes: number[]; text: boolean; first: boolean; last: boolean; compressed?: boolean }> = [];
  #open: number[] | undefined;

  onData(
    view: Uint8Array,
    text: boolean,
    first: boolean,
    last: boolean,
    _remaining?: number,
    compressed?: boolean,
  ): void {
    this.pieces.push({ bytes: [...view], text, first, last, ...(compressed ? { compressed } : {}) });
    if (first) this.#open = [];
    if (this.#open === undefined) throw new Error("a piece arrived outside a message");
    for (const byte of view) this.#open.push(byte);
    if (last) {
      this.events.push({ kind: "message", text, bytes: this.#open });
      this.#open = undefined;
    }
  }

  onControl(opcode: number, payload: Uint8Array): void {
    this.events.push({ kind: "control", opcode, bytes: [...payload] });
  }

  onError(code: FrameError): void {
    this.events.push({ kind: "error", code });
  }

  /** The WASM error id of the code reported, or 0. */
  get errorId(): number {
    const last = this.events[this.events.length - 1];
    if (last?.kind !== "error") return 0;
    for (let id = 1; id < 256; id++) {
      try {
        if (frameErrorOf(id) === last.code) return id;
      } catch {
        // Not an id: the table has gaps only past its end.
      }
    }
    return -1;
  }
}
