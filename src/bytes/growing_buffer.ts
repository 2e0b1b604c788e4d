/**
 * A byte buffer that grows by doubling, so bytes arriving in many small
 * pieces (a handshake trickled a byte at a time, a message in tiny
 * fragments) cost amortized constant time each instead of a copy of
 * everything held so far.
 *
 * @example
 * ```ts
 * import { GrowingBuffer } from "./growing_buffer.ts";
 * const buffer = new GrowingBuffer();
 * buffer.append(new Uint8Array([1, 2]));
 * buffer.append(new Uint8Array([3]));
 * buffer.take(); // Uint8Array [1, 2, 3]
 * ```
 * @module
 */

import { allocUnfilled } from "./unfilled.ts";

const EMPTY = new Uint8Array(0);

/**
 * Bytes appended in pieces, read as one view.
 *
 * @example
 * ```ts
 * const buffer = new GrowingBuffer(16);
 * buffer.append(new TextEncoder().encode("GET / HTTP/1.1\r\n"));
 * buffer.view.length; // 16
 * ```
 */
export class GrowingBuffer {
  #bytes: Uint8Array;
  #length = 0;

  /** An empty buffer with room for `capacity` bytes before it first grows. */
  constructor(capacity = 0) {
    this.#bytes = capacity > 0 ? new Uint8Array(capacity) : EMPTY;
  }

  /** How many bytes are held. */
  get length(): number {
    return this.#length;
  }

  /** The bytes held (valid until the next append, reset or take). */
  get view(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  /** Copy `bytes` in at the end. */
  append(bytes: Uint8Array): void {
    const needed = this.#length + bytes.length;
    if (needed > this.#bytes.length) {
      // Not zeroed: only bytes appended are ever read, and take() hands out no more.
      const grown = allocUnfilled(Math.max(needed, this.#bytes.length * 2, 1024));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    this.#bytes.set(bytes, this.#length);
    this.#length = needed;
  }

  /** Drop everything, keeping room for `capacity` bytes. */
  reset(capacity = 0): void {
    // Not zeroed: a message buffer sized in advance is written over in full before take().
    this.#bytes = capacity > 0 ? allocUnfilled(capacity) : EMPTY;
    this.#length = 0;
  }

  /** Hand over what is held (the backing array itself when it is exactly full) and start empty. */
  take(): Uint8Array {
    const bytes = this.#bytes;
    const out = this.#length === bytes.length ? bytes : bytes.slice(0, this.#length);
    this.reset();
    return out;
  }
}
