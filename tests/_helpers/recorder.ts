// Test helper, not a test: a FrameSink that records what a decoder reports,
// and folds pieces into whole messages so two decoders can be compared.
import type { FrameSink } from "../../src/codec/mod.ts";

export type Recorded =
  | { kind: "message"; text: boolean; bytes: number[] }
  | { kind: "control"; opcode: number; bytes: number[] }
  | { kind: "error"; id: number };

export class Recorder implements FrameSink {
  readonly events: Recorded[] = [];
  readonly pieces: Array<{ bytes: number[]; text: boolean; first: boolean; last: boolean; compressed?: boolean }> = [];
  #open: number[] | undefined;

  data(
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

  control(opcode: number, payload: Uint8Array): void {
    this.events.push({ kind: "control", opcode, bytes: [...payload] });
  }

  error(id: number): void {
    this.events.push({ kind: "error", id });
  }

  /** The error id reported, or 0. */
  get errorId(): number {
    const last = this.events[this.events.length - 1];
    return last?.kind === "error" ? last.id : 0;
  }
}
