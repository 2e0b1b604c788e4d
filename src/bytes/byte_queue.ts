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

  /** Append a chunk (kept by reference). */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    (this.#chunks ??= []).push(bytes);
    this.#length += bytes.length;
    this.onData?.();
  }

  /** Everything held, as one array; the queue is empty afterwards. */
  take(): Uint8Array {
    const chunks = this.#chunks;
    if (chunks === undefined) return new Uint8Array(0);
    const out = chunks.length === 1 ? chunks[0] : new Uint8Array(this.#length);
    if (chunks.length > 1) {
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
