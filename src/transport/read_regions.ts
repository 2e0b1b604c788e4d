/**
 * Where an adapter whose reads fill a buffer it names (`conn.read(view)` on
 * Deno) reads next, chosen from how much the last read brought:
 *
 * - quiet (under 2 KiB): a small buffer of the adapter's own, since a read
 *   pending on 64 KiB of codec memory costs about 14 KiB of RSS and a server
 *   holds many quiet connections;
 * - busy: the region the sink lends in codec memory (no copy);
 * - bulk (a read filled 64 KiB): a 256 KiB buffer of the adapter's own, the
 *   sink copying it into codec memory. Each read is an async op; a 1 MiB
 *   message took 16 of them through 64 KiB regions, and an in-process A/B on
 *   a Deno echo server measured 30% less CPU per 1 MiB message (16% at
 *   64 KiB) with the copy and 4 reads.
 *
 * The bulk buffer goes once the connection is quiet again, to a few spares
 * the process keeps: a connection echoing 1 MiB messages one at a time goes
 * quiet after each one, and a fresh 256 KiB buffer per message was 1.6% of
 * the server's time in its own allocation alone, more in page faults.
 *
 * @example
 * ```ts
 * import { ReadRegions } from "./read_regions.ts";
 * const regions = new ReadRegions();
 * regions.own(); // a 2 KiB buffer: the connection has been quiet
 * regions.landed(2048);
 * regions.own(); // undefined: read into the sink's lent region
 * ```
 * @module
 */

/** Reads shorter than this mean a quiet connection. */
export const QUIET_READ_SIZE = 2048;
/** A read this long (a whole lent region) means bulk data: the next read takes up to {@link BULK_READ_SIZE}. */
export const BULK_MIN = 64 * 1024;
/** The bulk buffer's size: a quarter of a 1 MiB message per read. */
export const BULK_READ_SIZE = 256 * 1024;
/** How many bulk buffers quiet connections leave for others (1 MiB). */
export const MAX_SPARES = 4;

// Shared by every connection: a buffer here is nobody's, its last bytes delivered.
const spares: Uint8Array[] = [];

/**
 * One connection's choice of read buffer.
 *
 * @example
 * ```ts
 * const regions = new ReadRegions();
 * regions.landed(65_536);
 * regions.own()?.length; // 262144
 * regions.landed(100);
 * regions.own()?.length; // 2048
 * ```
 */
export class ReadRegions {
  #quiet: Uint8Array | undefined;
  #bulk: Uint8Array | undefined;
  // Kept across a pause: a busy connection paused for backpressure is still busy when it resumes.
  #last = 0;

  /** The adapter's own buffer for the next read, or undefined to read into the sink's lent region. */
  own(): Uint8Array | undefined {
    const last = this.#last;
    if (last < QUIET_READ_SIZE) return this.#quiet ??= new Uint8Array(QUIET_READ_SIZE);
    if (last < BULK_MIN) return undefined;
    return this.#bulk ??= spares.pop() ?? new Uint8Array(BULK_READ_SIZE);
  }

  /**
   * The last read brought `n` bytes, and they were delivered: its buffer
   * may go to another connection now.
   */
  landed(n: number): void {
    this.#last = n;
    if (n >= QUIET_READ_SIZE || this.#bulk === undefined) return;
    if (spares.length < MAX_SPARES) spares.push(this.#bulk);
    this.#bulk = undefined;
  }
}
