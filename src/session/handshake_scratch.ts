/**
 * Where the opening handshake is read on a transport that reads into lent
 * memory. Codec memory exists only once the connection does, so until then
 * reads go to a scratch region of 16 KiB, and the handshake reader gets a
 * copy of each. The read lent last may land after the switch to frames: its
 * bytes are the first frames', and the region is not needed again.
 *
 * @example
 * ```ts
 * import { HandshakeScratch } from "./handshake_scratch.ts";
 * const scratch = new HandshakeScratch();
 * const region = scratch.lend(); // the transport reads into it
 * region.set([72, 84]);
 * console.log(scratch.lent, scratch.landed(2)); // true Uint8Array(2) [ 72, 84 ]
 * ```
 * @module
 */

const HANDSHAKE_READ_SIZE = 16 * 1024;

/**
 * The scratch region and whether the transport's current read was lent it.
 * A session makes it on the first read before frames: transports with their
 * own buffers never need it.
 *
 * @example
 * ```ts
 * const scratch = new HandshakeScratch();
 * const region = scratch.lend(); // the transport reads into it
 * console.log(scratch.lent, region.length); // true 16384
 * ```
 */
export class HandshakeScratch {
  #region: Uint8Array | undefined;
  #lent = false;

  /** The transport's current read was lent the scratch region. */
  get lent(): boolean {
    return this.#lent;
  }

  /** The region for the next read (made on first use, then reused). */
  lend(): Uint8Array {
    this.#lent = true;
    return this.#region ??= new Uint8Array(HANDSHAKE_READ_SIZE);
  }

  /** A copy of the `n` bytes the lent read brought. */
  landed(n: number): Uint8Array {
    return this.#region!.slice(0, n);
  }
}
