/**
 * Bytes collected while nobody is ready to parse them yet (after an HTTP
 * head, before the application has accepted the upgrade or read a body).
 *
 * @example
 * ```ts
 * import { ByteQueue } from "./byte_queue.ts";
 * const queue = new ByteQueue();
 * queue.push(new Uint8Array([1, 2]));
 * queue.push(new Uint8Array([3]));
 * console.log(queue.take()); // Uint8Array [1, 2, 3]
 * ```
 * @module
 */

import { copyInto } from "./small_copy.ts";

/**
 * A FIFO of byte chunks with a wake-up for whoever waits for more.
 *
 * @example
 * ```ts
 * const queue = new ByteQueue();
 * queue.onData = () => console.log(queue.length);
 * queue.push(new Uint8Array(4)); // logs 4
 * ```
 */
export class ByteQueue {
  // Made at the first push after each take: an empty queue (an idle connection's) holds no array.
  #chunks: Uint8Array[] | undefined;
  #length = 0;
  /** Called after each non-empty push. */
  onData: (() => void) | undefined;

  /** Bytes held. */
  get length(): number {
    return this.#length;
  }

  /** Chunks held: more than one means {@link take} joins them. */
  get chunks(): number {
    return this.#chunks?.length ?? 0;
  }

  /** Append a chunk (kept by reference). */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    (this.#chunks ??= []).push(bytes);
    this.#length += bytes.length;
    this.onData?.();
  }

  /**
   * Everything held, as one array: the one chunk itself, or the chunks
   * joined into the start of `into` when it is long enough (a buffer the
   * caller reuses), else into a new array. The queue is empty afterwards.
   */
  take(into?: Uint8Array): Uint8Array {
    const chunks = this.#chunks;
    if (chunks === undefined) return new Uint8Array(0);
    let out = chunks[0];
    if (chunks.length > 1) {
      out = into !== undefined && into.length >= this.#length
        ? into.subarray(0, this.#length)
        : new Uint8Array(this.#length);
      let offset = 0;
      for (const chunk of chunks) {
        // A turn's small frames are joined here: a loop copies them faster than `set`.
        copyInto(out, offset, chunk);
        offset += chunk.length;
      }
    }
    this.#chunks = undefined;
    this.#length = 0;
    return out;
  }
}
