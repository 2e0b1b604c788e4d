/**
 * How a session ends, on the transport and on the clock: our side of TCP
 * ends once the protocol says so; a failure goes out in a close frame when
 * one still can, else the transport is dropped; and once a close frame went
 * either way, a peer that never closes the transport cannot keep the socket
 * open. Once it is gone, the owner is told how the connection ended. What
 * the connection ended with (code, reason, the first failure) is
 * the connection's state, in `protocol/connection.ts`: the close handshake
 * lives in these two files.
 *
 * @example
 * ```ts
 * import { SessionEnd } from "./end.ts";
 * const end = new SessionEnd({ end() {}, destroy: () => console.log("destroyed") }, 1000);
 * end.arm(); // the peer has 1 s to close the transport
 * end.finish(); // it did: the timer is cleared
 * console.log(end.done); // true
 * ```
 * @module
 */

import type { Connection } from "../protocol/connection.ts";
import type { WebSocketError } from "../protocol/errors.ts";
import type { Transport } from "../transport/types.ts";
import { type Clock, systemClock } from "./clock.ts";
import { reportClosed, type SessionEvents } from "./contract.ts";
import type { EventQueue } from "./event_queue.ts";

/**
 * The end of one session: its closing timer, its failures, and whether its
 * transport is gone. A session makes it only once something ends: idle
 * connections are many.
 *
 * @example
 * ```ts
 * import type { Connection } from "../protocol/connection.ts";
 * import { WebSocketError } from "../protocol/errors.ts";
 * declare const connection: Connection;
 * const end = new SessionEnd({ end() {}, destroy() {} }, 5000);
 * end.fail(connection, new WebSocketError("WS_ERR_BUFFER_FULL")); // a 1008 close frame, then our FIN
 * end.fail(connection, new WebSocketError("WS_ERR_IDLE_TIMEOUT")); // ignored: the first failure wins
 * ```
 */
export class SessionEnd {
  readonly #transport: Pick<Transport, "end" | "destroy">;
  readonly #timeout: number;
  readonly #clock: Clock;
  #done = false;
  #timer: unknown;

  /** `transport` is destroyed when it outlives a close frame by `closeTimeout` ms, timed by `clock`. */
  constructor(transport: Pick<Transport, "end" | "destroy">, closeTimeout: number, clock: Clock = systemClock) {
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

  /** End our side of TCP (RFC 6455 §7.1.1), and wait only so long for the peer's. */
  endOurSide(): void {
    this.#transport.end();
    this.arm();
  }

  /**
   * A failure found on our side (a timeout, a full buffer): the connection
   * records it unless one came first, and sends its close frame when one can
   * still go out; our side then ends. With no close frame to carry it, the
   * transport is dropped at once. Nothing once the transport is gone.
   */
  fail(connection: Pick<Connection, "closeSent" | "fail"> | undefined, error: WebSocketError): void {
    if (this.#done) return;
    if (connection === undefined) return this.#transport.destroy();
    const sentBefore = connection.closeSent;
    if (!connection.fail(error)) return;
    if (!sentBefore && connection.closeSent) this.endOurSide();
    else this.#transport.destroy();
  }

  /**
   * The protocol error the connection recorded goes out now, in its close
   * frame (what came before it was delivered and answered), and our side ends.
   */
  failForProtocol(connection: Pick<Connection, "sendFailure">): void {
    if (this.#done) return;
    connection.sendFailure();
    this.endOurSide();
  }

  /** The transport is gone: stop the timer. False if this was known already. */
  finish(): boolean {
    if (this.#done) return false;
    this.#done = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    return true;
  }
}

/**
 * The transport under an open connection is gone: the connection learns it,
 * and after the events queued before, its decoder is freed and the owner
 * told how it ended (`error`, then `close`), reading the owner's events when
 * they are delivered.
 *
 * @example
 * ```ts
 * import type { Connection } from "../protocol/connection.ts";
 * import { EventQueue } from "./event_queue.ts";
 * import { ON_CLOSE } from "./contract.ts";
 * declare const connection: Connection;
 * const queue = new EventQueue();
 * reportEnd(connection, queue, { events: { [ON_CLOSE]: (code) => console.log(code) } });
 * ```
 */
export function reportEnd(
  connection: Pick<Connection, "transportClosed" | "dispose" | "result">,
  queue: EventQueue,
  owner: { readonly events: SessionEvents },
): void {
  connection.transportClosed();
  // Not now: the decoder may be inside the very call that closed us.
  queue.push(() => connection.dispose());
  queue.push(() => {
    const { code, reason, wasClean, error } = connection.result;
    reportClosed(owner.events, error, code, reason, wasClean);
  });
  void queue.flush();
}
