/**
 * Puts glibc's allocator where it would settle after the first large message,
 * before that message comes. Every message a connection receives is a fresh
 * array its owner keeps, so a busy server on Deno allocates and frees tens of
 * megabytes a second through `malloc`. With glibc's starting thresholds
 * (blocks of 128 KiB and up mapped, free memory over 128 KiB at the top of
 * the heap given back), what the collector frees in a batch goes back to the
 * kernel and is faulted in again, zeroed, for the next batch: at 64 KiB
 * messages that was two thirds of the server's CPU and 4–6 page faults per
 * message.
 *
 * glibc raises both thresholds itself when a mapped block larger than the
 * current threshold, and at most 32 MiB (`DEFAULT_MMAP_THRESHOLD_MAX`), is
 * freed: the mapping threshold to that block's size, the trim threshold to
 * twice it (mallopt(3), "dynamic mmap threshold"). Allocating one 16 MiB
 * buffer and dropping it does that once the collector frees it: from then on
 * the process keeps up to 32 MiB of freed memory for reuse. A process that
 * set `MALLOC_TRIM_THRESHOLD_` or `MALLOC_MMAP_THRESHOLD_` keeps its own
 * settings (glibc turns the dynamic adjustment off for it); other allocators
 * just map and unmap 16 MiB of untouched pages.
 *
 * @example
 * ```ts
 * import { warmAllocator } from "./allocator_warmup.ts";
 * warmAllocator(); // once per process; later calls do nothing
 * ```
 * @module
 */

/**
 * Under glibc's 32 MiB ceiling with room for the chunk header (a 32 MiB
 * buffer is over it and changes nothing); 8 MiB helped less at 64 KiB
 * messages, whose freed batches can exceed 16 MiB.
 */
const WARMUP_BYTES = 16 * 1024 * 1024;

let warmed = false;

/**
 * Allocates and drops one {@link WARMUP_BYTES} buffer, once per process. Its
 * pages are never touched, so it costs a map and an unmap.
 *
 * @example
 * ```ts
 * warmAllocator();
 * ```
 */
export function warmAllocator(): void {
  if (warmed) return;
  warmed = true;
  new ArrayBuffer(WARMUP_BYTES);
}
