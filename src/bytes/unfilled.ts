/**
 * Large arrays that the caller fills completely, made without zeroing them
 * first where the runtime can (`Buffer.allocUnsafeSlow` on Bun and Node).
 * A received 64 KiB or 1 MiB message is written over in full right after it
 * is made, so zeroing it is wasted: on Bun, making a 1 MiB array and filling
 * it took 66 µs zeroed and 43 µs not (64 KiB: 5.5 and 2.8 µs).
 *
 * The array is a plain `Uint8Array` (not a `Buffer`, whose `slice` shares
 * bytes) over an `ArrayBuffer` of exactly its own length: whoever receives
 * it cannot reach bytes beyond it through `.buffer`, which is what makes
 * unzeroed memory safe to hand out once every byte was written.
 *
 * @example
 * ```ts
 * import { allocUnfilled } from "./unfilled.ts";
 * const message = allocUnfilled(65536);
 * message.fill(1); // every byte written before anyone else sees it
 * ```
 * @module
 */

/** Below this, a zeroed array costs about the same and the runtime's heap allocates it faster. */
export const UNFILLED_MIN = 16 * 1024;

type AllocUnsafeSlow = (size: number) => Uint8Array;

const allocUnsafeSlow = ownBufferAllocator();

/**
 * `size` bytes, not zeroed when `size` ≥ {@link UNFILLED_MIN} and the runtime
 * offers it: the caller must write every one of them before handing the
 * array (or its `.buffer`) to anyone.
 *
 * @example
 * ```ts
 * const copy = allocUnfilled(100_000);
 * copy.set(new Uint8Array(100_000));
 * ```
 */
export function allocUnfilled(size: number): Uint8Array {
  if (size < UNFILLED_MIN || allocUnsafeSlow === undefined) return new Uint8Array(size);
  const bytes = allocUnsafeSlow(size);
  return new Uint8Array(bytes.buffer, 0, size);
}

// Used only where it gives an ArrayBuffer of exactly the size asked for, at offset 0.
function ownBufferAllocator(): AllocUnsafeSlow | undefined {
  // Deno's `Buffer.allocUnsafeSlow` zeroes like `new Uint8Array` (its profile showed the same cost per
  // array), so it saves nothing, and touching `Buffer` loads Deno's Node compatibility layer.
  if ((globalThis as { Deno?: unknown }).Deno !== undefined) return undefined;
  const buffer = (globalThis as { Buffer?: { allocUnsafeSlow?: AllocUnsafeSlow } }).Buffer;
  const alloc = buffer?.allocUnsafeSlow?.bind(buffer);
  if (alloc === undefined) return undefined;
  try {
    const probe = alloc(UNFILLED_MIN + 1);
    return probe.byteOffset === 0 && probe.buffer.byteLength === UNFILLED_MIN + 1 ? alloc : undefined;
  } catch {
    return undefined;
  }
}
