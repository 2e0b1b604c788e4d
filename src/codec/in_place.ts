/**
 * Large binary messages kept where they were read. When a transport hands
 * the decoder a read it may keep (Bun makes a fresh buffer for each), a
 * message whose one frame lies whole in that read is unmasked back into it,
 * where its masked bytes were, and handed over as a view of it: no array is
 * made for it, and the garbage collector, which runs on bytes allocated,
 * runs half as often.
 *
 * A message must be large ({@link IN_PLACE_MIN}) and at least a quarter of
 * the read, so a kept message does not hold a much larger buffer alive.
 *
 * @example
 * ```ts
 * import { InPlaceReader } from "./in_place.ts";
 * const read = new Uint8Array(70_000);
 * const reader = new InPlaceReader(read);
 * reader.base = 0; // the read's offset of the region WASM parsed
 * ```
 * @module
 */

import * as abi from "./abi.ts";
import type { FrameSink } from "./mod.ts";

/**
 * Messages shorter than this are copied out as before: making an array of
 * their own costs little, and keeping them would hold their read.
 *
 * @example
 * ```ts
 * new Uint8Array(IN_PLACE_MIN).length; // 16384
 * ```
 */
export const IN_PLACE_MIN = 16 * 1024;

/**
 * One owned read being parsed, and the message gathered in it, if any.
 *
 * @example
 * ```ts
 * import type { FrameSink } from "./mod.ts";
 * declare const reader: InPlaceReader;
 * declare const memory: Uint8Array;
 * // a whole binary message of 20,000 bytes at WASM address 1024, region at 1000:
 * declare const sink: FrameSink;
 * reader.piece(sink, memory, 1024, 21_024, 1000, 3, 0, true); // the message, a view of the read
 * ```
 */
export class InPlaceReader {
  readonly #read: Uint8Array;
  /** The read's offset of the start of the region WASM is parsing now. */
  base = 0;
  // Where in the read the message being gathered starts, and where its bytes so far end.
  #start = -1;
  #next = 0;

  constructor(read: Uint8Array) {
    this.#read = read;
  }

  /**
   * Whether a piece of `length` bytes with `remaining` more in its frame
   * could be this reader's: the next piece of a message being gathered, or a
   * first one large enough. Cheaper than {@link piece} for the many that are not.
   */
  wants(first: boolean, length: number, remaining: number): boolean {
    return this.#start >= 0 || (first && length + remaining >= IN_PLACE_MIN);
  }

  /**
   * A data piece, not text and not compressed, unmasked at `[pointer, end)`
   * of WASM `memory` (parsed from the region at `region`). Returns the whole
   * message once its last piece came, `null` for a piece taken to gather,
   * or `undefined` when the piece is not this reader's (deliver it as usual).
   * `remaining` is what the frame still holds after it, `fin` whether the
   * frame ends its message; `sink` takes what was gathered should the
   * pieces ever not follow one another.
   */
  piece(
    sink: FrameSink,
    memory: Uint8Array,
    pointer: number,
    end: number,
    region: number,
    flags: number,
    remaining: number,
    fin: boolean,
  ): Uint8Array | null | undefined {
    const read = this.#read;
    const at = this.base + (pointer - region);
    if (this.#start < 0) {
      if ((flags & abi.PIECE_FIRST) === 0 || !fin) return undefined;
      const total = end - pointer + remaining;
      if (total < IN_PLACE_MIN || total * 4 < read.length || at + total > read.length) return undefined;
      this.#start = this.#next = at;
    }
    // The frame lies whole in the read, so its pieces follow one another. Were one ever
    // elsewhere, what was gathered goes on as a first piece and this one as usual.
    if (at !== this.#next) {
      this.finish(sink);
      return undefined;
    }
    read.set(memory.subarray(pointer, end), at);
    this.#next = at + (end - pointer);
    if ((flags & abi.PIECE_LAST) === 0) return null;
    const message = read.subarray(this.#start, this.#next);
    this.#start = -1;
    return message;
  }

  /**
   * A message still gathered (the read ended, or the decoder died, before
   * its end) goes to `sink` as a first piece, as it would have without this reader.
   */
  finish(sink: FrameSink): void {
    if (this.#start < 0) return;
    const start = this.#start;
    this.#start = -1;
    sink.onData(this.#read.subarray(start, this.#next), false, true, false, 0, false);
  }
}
