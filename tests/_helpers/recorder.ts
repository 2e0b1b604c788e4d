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
  // The open message's pieces, copied; made into one number[] at its end
  // (a push per byte made the differential suites spend most of their time here).
  #open: Uint8Array[] | undefined;

  onData(
    view: Uint8Array,
    text: boolean,
    first: boolean,
    last: boolean,
    _remaining?: number,
    compressed?: boolean,
  ): void {
    const copy = view.slice();
    this.pieces.push(piece(copy, text, first, last, compressed));
    if (first) this.#open = [];
    if (this.#open === undefined) throw new Error("a piece arrived outside a message");
    this.#open.push(copy);
    if (last) {
      this.events.push(message(text, joined(this.#open)));
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

type Piece = Recorder["pieces"][number];

// A piece whose bytes become a number[] only when a test reads them.
function piece(copy: Uint8Array, text: boolean, first: boolean, last: boolean, compressed?: boolean): Piece {
  let bytes: number[] | undefined;
  const made = {
    get bytes() {
      return bytes ??= Array.from(copy);
    },
    text,
    first,
    last,
  };
  return compressed ? Object.assign(made, { compressed }) : made;
}

// Not concat(...pieces): a message read a byte at a time has more pieces than a call has room for arguments.
function joined(pieces: Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0];
  const all = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    all.set(piece, at);
    at += piece.length;
  }
  return all;
}

const RAW = Symbol("raw");

// A message whose bytes become a number[] only when read; its raw bytes
// ride along unseen by deepEqual (not enumerable) for digest().
function message(text: boolean, raw: Uint8Array): Recorded {
  let bytes: number[] | undefined;
  const made = {
    kind: "message" as const,
    text,
    get bytes() {
      return bytes ??= Array.from(raw);
    },
  };
  return Object.defineProperty(made, RAW, { value: raw });
}

/**
 * What was reported, each payload as its length and an FNV-1a hash, so two
 * decoders' reports compare cheaply and a mismatch stays readable.
 */
export function digest(recorder: Recorder): unknown[] {
  return recorder.events.map((event) => {
    if (event.kind === "error") return event;
    const raw: Uint8Array = (event as { [RAW]?: Uint8Array })[RAW] ?? Uint8Array.from(event.bytes);
    let hash = 2166136261;
    for (let i = 0; i < raw.length; i++) hash = Math.imul(hash ^ raw[i], 16777619);
    return {
      kind: event.kind,
      ...(event.kind === "message" ? { text: event.text } : { opcode: event.opcode }),
      bytes: `${raw.length} bytes, hash ${hash >>> 0}`,
    };
  });
}
