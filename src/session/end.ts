/**
 * The end of a session on the clock: once a close frame went either way (or
 * our side of TCP ended), a peer that never closes the transport cannot keep
 * the socket open. How the connection ended (code, reason, the first
 * failure) is the connection's state, in `protocol/connection.ts`.
 *
 * @example
 * ```ts
 * import { SessionEnd } from "./end.ts";
 * const end = new SessionEnd({ destroy: () => console.log("destroyed") }, 1000);
 * end.arm(); // the peer has 1 s to close the transport
 * end.finish(); // it did: the timer is cleared
 * console.log(end.done); // true
 * ```
 * @module
 */

import type { Transport } from "../transport/types.ts";
import { type Clock, systemClock } from "./clock.ts";

/**
 * The closing timer of one session, and whether its transport is gone. A
 * session makes it only once something ends: idle connections are many.
 *
 * @example
 * ```ts
 * const end = new SessionEnd({ destroy() {} }, 5000);
 * end.arm();
 * end.arm(); // only the first call counts
 * ```
 */
export class SessionEnd {
  readonly #transport: Pick<Transport, "destroy">;
  readonly #timeout: number;
  readonly #clock: Clock;
  #done = false;
  #timer: unknown;

  /** `transport` is destroyed when it outlives a close frame by `closeTimeout` ms, timed by `clock`. */
  constructor(transport: Pick<Transport, "destroy">, closeTimeout: number, clock: Clock = systemClock) {
    this.#transport = transport;
    this.#timeout = closeTimeout;
    this.#clock = clock;
  }

  /** The transport is gone. */
  get done(): boolean {
    return this.#done;
  }

  /** Destroy the transport unless it closes within the close timeout; only the first call counts. */
  arm(): void {
    if (this.#timer !== undefined || this.#done) return;
    this.#timer = this.#clock.setTimeout(() => this.#transport.destroy(), this.#timeout);
  }

  /** The transport is gone: stop the timer. False if this was known already. */
  finish(): boolean {
    if (this.#done) return false;
    this.#done = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    return true;
  }
}
