/**
 * Outgoing frames carved from shared slabs. V8 (Node, Deno) pays about
 * 0.8 µs for every new `ArrayBuffer` however small, more than encoding a
 * 1 KiB frame; small frames therefore take consecutive views of one 64 KiB
 * buffer, as Node's `Buffer.allocUnsafe` pool does. Every byte is handed out
 * once and never reused: a frame stays valid for as long as a transport
 * keeps it, and a slab is freed by the garbage collector after its last view.
 * Larger frames are lent from the frame pool, whose transports give them back.
 *
 * @example
 * ```ts
 * import { FrameSlab } from "./frame_slab.ts";
 * const slab = new FrameSlab();
 * const frame = slab.take(7); // 7 bytes to fill, a view of a shared buffer
 * frame.set([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]);
 * ```
 * @module
 */

import { framePool, MIN_POOLED } from "../bytes/frame_pool.ts";
import { copyOf } from "../bytes/small_copy.ts";

const SLAB_SIZE = 64 * 1024;

/**
 * A bump allocator over fresh slabs.
 *
 * @example
 * ```ts
 * const slab = new FrameSlab();
 * const a = slab.take(10), b = slab.take(10);
 * console.log(a.buffer === b.buffer); // true
 * ```
 */
export class FrameSlab {
  #slab = new Uint8Array(SLAB_SIZE);
  #offset = 0;
  readonly #freshBelow: number;

  /**
   * Frames shorter than `freshBelow` bytes get a fresh array of their own
   * instead: where the engine allocates small typed arrays in its own heap
   * (JavaScriptCore), that is cheaper than a view of a slab.
   */
  constructor(freshBelow = 0) {
    this.#freshBelow = freshBelow;
  }

  /** `size` bytes that no one else holds; the caller overwrites all of them. */
  take(size: number): Uint8Array {
    if (size < this.#freshBelow) return new Uint8Array(size);
    if (size >= MIN_POOLED) return framePool.take(size);
    if (this.#offset + size > SLAB_SIZE) {
      this.#slab = new Uint8Array(SLAB_SIZE);
      this.#offset = 0;
    }
    const view = this.#slab.subarray(this.#offset, this.#offset + size);
    // Keep views 8-byte aligned, so a DataView or a typed array over one stays cheap.
    this.#offset = (this.#offset + size + 7) & ~7;
    return view;
  }

  /** A frame holding a copy of `source[start, end)`. */
  copy(source: Uint8Array, start: number, end: number): Uint8Array {
    if (end - start < this.#freshBelow) return copyOf(source, start, end);
    const frame = this.take(end - start);
    frame.set(source.subarray(start, end));
    return frame;
  }
}
