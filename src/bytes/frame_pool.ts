/**
 * Buffers for large outgoing frames, lent out and taken back once a
 * transport has handed their bytes to the operating system. A fresh 64 KiB
 * `ArrayBuffer` per frame costs a zeroing `memset` and, worse, external
 * memory that drives V8's major garbage collections: an echo server on Node
 * ran 27% faster at 64 KiB with frames recycled.
 *
 * Ownership is counted, because a broadcast hands one frame to many
 * transports. Forgetting to give a frame back is harmless (the garbage
 * collector takes it); giving it back too early would let the next frame
 * overwrite bytes still queued, so only a transport that knows its bytes
 * left gives them back.
 *
 * @example
 * ```ts
 * import { FramePool } from "./frame_pool.ts";
 * const pool = new FramePool();
 * const frame = pool.take(70_000); // bytes to overwrite completely
 * pool.give(frame); // after the socket took them: the next take reuses the buffer
 * ```
 * @module
 */

/** Frames up to this size come from the shared slabs instead (see `FrameSlab`). */
export const MIN_POOLED = 8 * 1024 + 1;
// A frame header is at most 14 bytes: a buffer for 2^k payload bytes has room for it.
const HEADROOM = 16;
const MAX_CLASS = 22; // 4 MiB payloads; larger frames are rare and copying them dwarfs the allocation
const MAX_POOLED = (1 << MAX_CLASS) + HEADROOM;
// Room for two of the largest buffers, or many smaller ones, kept after a burst.
const MAX_IDLE_BYTES = 2 * MAX_POOLED;

/**
 * A pool of frame buffers in power-of-two size classes.
 *
 * @example
 * ```ts
 * const pool = new FramePool();
 * const frame = pool.take(20_000);
 * pool.retain(frame); // a second transport will send it too
 * pool.give(frame);
 * pool.give(frame); // the last owner: back in the pool
 * ```
 */
export class FramePool {
  // Owners per lent buffer; weak, so a frame that is never given back just goes.
  readonly #owners = new WeakMap<ArrayBuffer, number>();
  readonly #idle: ArrayBuffer[][] = [];
  #idleBytes = 0;
  readonly #maxIdleBytes: number;

  /** A pool keeping at most `maxIdleBytes` of unused buffers. */
  constructor(maxIdleBytes = MAX_IDLE_BYTES) {
    this.#maxIdleBytes = maxIdleBytes;
  }

  /** Bytes held in unused buffers. */
  get idleBytes(): number {
    return this.#idleBytes;
  }

  /**
   * `size` bytes with one owner, the caller. They may hold an earlier
   * frame's bytes: the caller overwrites every one of them.
   */
  take(size: number): Uint8Array {
    if (size > MAX_POOLED) return new Uint8Array(size);
    const k = classOf(size);
    const buffer = this.#idle[k]?.pop();
    if (buffer !== undefined) this.#idleBytes -= buffer.byteLength;
    const frame = new Uint8Array(buffer ?? new ArrayBuffer((1 << k) + HEADROOM), 0, size);
    this.#owners.set(frame.buffer as ArrayBuffer, 1);
    return frame;
  }

  /** One more owner for a lent frame (no effect on other bytes). */
  retain(bytes: Uint8Array): void {
    const owners = this.#owners.get(bytes.buffer as ArrayBuffer);
    if (owners !== undefined) this.#owners.set(bytes.buffer as ArrayBuffer, owners + 1);
  }

  /**
   * Whether `bytes`, a whole frame as it was taken, is a lent one, so its
   * writer should give it back. Frames below {@link MIN_POOLED} bytes never
   * come from here (see `FrameSlab`), and the length is checked first:
   * asking a small array for its buffer costs on JavaScriptCore. (Deno's
   * transport also borrows buffers of any size to join frames in, and gives
   * them back itself: they never come here.)
   */
  lent(bytes: Uint8Array): boolean {
    return bytes.length >= MIN_POOLED && this.#owners.has(bytes.buffer as ArrayBuffer);
  }

  /**
   * One owner is done with the frame `bytes` lie in (any part of it); the
   * last one returns the buffer. Bytes from anywhere else are ignored.
   */
  give(bytes: Uint8Array): void {
    const buffer = bytes.buffer as ArrayBuffer;
    const owners = this.#owners.get(buffer);
    if (owners === undefined) return;
    if (owners > 1) {
      this.#owners.set(buffer, owners - 1);
      return;
    }
    this.#owners.delete(buffer);
    if (this.#idleBytes + buffer.byteLength > this.#maxIdleBytes) return;
    this.#idleBytes += buffer.byteLength;
    (this.#idle[classOf(buffer.byteLength)] ??= []).push(buffer);
  }
}

/** The smallest k with 2^k + HEADROOM >= size (for sizes up to 2^31). */
function classOf(size: number): number {
  return size <= HEADROOM + 1 ? 0 : 32 - Math.clz32(size - HEADROOM - 1);
}

/**
 * The process's pool: encoders take from it, transports give back to it.
 *
 * @example
 * ```ts
 * import { framePool } from "./frame_pool.ts";
 * const frame = framePool.take(65_540);
 * framePool.give(frame);
 * ```
 */
export const framePool: FramePool = new FramePool();
