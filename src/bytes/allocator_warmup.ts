/**
 * Puts glibc's allocator where it would settle after the first large message,
 * before that message comes. Every message a connection receives is a fresh
 * array its owner keeps, so a busy server on Deno or Node allocates and frees
 * tens of megabytes a second through `malloc` (Bun's arrays come from an
 * allocator of its own). With glibc's starting thresholds (blocks of 128 KiB
 * and up mapped on their own, free memory over 128 KiB at the top of the heap
 * given back), what the collector frees in a batch goes back to the kernel
 * and is faulted in again, zeroed, for the next batch: at 64 KiB messages on
 * Deno that was half to two thirds of the server's CPU and 4–11 page faults
 * per message.
 *
 * glibc raises both thresholds itself when a mapped block larger than the
 * current threshold, and at most 32 MiB on 64-bit systems
 * (`DEFAULT_MMAP_THRESHOLD_MAX`), is freed: the mapping threshold to that
 * block's size, the trim threshold to twice it (mallopt(3), "dynamic mmap
 * threshold"). Allocating one 30 MiB buffer and dropping it does that once
 * the collector frees it. The cost: blocks under 30 MiB then come from the
 * heap, where a freed one below a live one is not given back, and up to
 * 60 MiB free at the top of the heap is kept for reuse. A process that set
 * any of `MALLOC_TOP_PAD_`, `MALLOC_TRIM_THRESHOLD_`, `MALLOC_MMAP_THRESHOLD_`,
 * `MALLOC_MMAP_MAX_` (or their `GLIBC_TUNABLES`) keeps its own settings: glibc
 * turns the adjustment off for it. Other allocators (Bun's, musl's) just map
 * and unmap 30 MiB of untouched pages.
 *
 * @example
 * ```ts
 * import { warmAllocator } from "./allocator_warmup.ts";
 * warmAllocator(); // once per module instance (each worker its own); later calls do nothing
 * ```
 * @module
 */

/**
 * Under the 32 MiB ceiling once glibc rounds the block up to whole pages and
 * compares its size with a flag bit set (32 MiB less 4 KiB was over it): 2 MiB
 * below leaves room for pages of up to 2 MiB. Much smaller is not enough: a
 * busy server's collector frees 40–50 MiB of 64 KiB messages at a time, and
 * after a 16 MiB buffer (a 32 MiB trim threshold) those were still given back
 * and faulted in again.
 */
const WARMUP_BYTES = 30 * 1024 * 1024;

let warmed = false;

/**
 * Allocates and drops one 30 MiB buffer, the first time it is called. Its
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
  try {
    // Made for its side effect on the C allocator: nothing keeps it.
    new ArrayBuffer(WARMUP_BYTES);
  } catch {
    // A process short of address space runs as it would have without it.
  }
}
