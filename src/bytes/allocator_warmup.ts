/**
 * Puts glibc's allocator where it would settle after the first large message,
 * before that message comes. Every message a connection receives is a fresh
 * array its owner keeps, so a busy server on Deno or Node allocates and frees
 * tens of megabytes a second through `malloc` (Bun's arrays come from an
 * allocator of its own). With glibc's starting thresholds
 * (blocks of 128 KiB and up mapped, free memory over 128 KiB at the top of
 * the heap given back), what the collector frees in a batch goes back to the
 * kernel and is faulted in again, zeroed, for the next batch: at 64 KiB
 * messages that was two thirds of the server's CPU and 4–6 page faults per
 * message.
 *
 * glibc raises both thresholds itself when a mapped block larger than the
 * current threshold, and at most 32 MiB (`DEFAULT_MMAP_THRESHOLD_MAX`), is
 * freed: the mapping threshold to that block's size, the trim threshold to
 * twice it (mallopt(3), "dynamic mmap threshold"). Allocating one buffer just
 * under 32 MiB and dropping it does that once the collector frees it: from
 * then on the process keeps up to 64 MiB of freed memory for reuse, as it
 * would after its first message of that size. A process that set
 * `MALLOC_TRIM_THRESHOLD_` or `MALLOC_MMAP_THRESHOLD_` keeps its own settings
 * (glibc turns the dynamic adjustment off for it); other allocators just map
 * and unmap 32 MiB of untouched pages.
 *
 * @example
 * ```ts
 * import { warmAllocator } from "./allocator_warmup.ts";
 * warmAllocator(); // once per process; later calls do nothing
 * ```
 * @module
 */

/**
 * At most glibc's 32 MiB ceiling once the allocator's header and alignment
 * are added (32 MiB less 4 KiB was over it on Deno 2.9). Smaller is not
 * enough: a busy server's collector frees 40–50 MiB of 64 KiB messages at a
 * time, and with a 16 MiB buffer (a 32 MiB trim threshold) those were still
 * given back and faulted in again.
 */
const WARMUP_BYTES = 32 * 1024 * 1024 - 64 * 1024;

let warmed = false;

/**
 * Allocates and drops one buffer of just under 32 MiB, once per process. Its
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
    new ArrayBuffer(WARMUP_BYTES);
  } catch {
    // A process short of address space runs as it would have without it.
  }
}
