/**
 * How a session ends: the close code and reason it will report, the failure
 * that ended it, the timer that bounds the closing handshake, and whether the
 * transport is gone. These rules hold whatever the runtime or the role: the
 * first failure wins, a failure still sends a close frame when one can be
 * sent, and a peer that never closes its side cannot keep the socket open.
 *
 * @example
 * ```ts
 * import { SessionEnd } from "./end.ts";
 * const end = new SessionEnd({ end() {}, destroy: () => console.log("destroyed") }, { closeTimeout: 1000 });
 * end.closeReceived(1000, "done"); // the peer has 1 s to close the transport
 * end.finish(); // it did: the timer is cleared
 * console.log(end.code, end.reason, end.done); // 1000 "done" true
 * ```
 * @module
 */

import type { Connection } from "../protocol/connection.ts";
import type { WebSocketError } from "../protocol/errors.ts";
import type { SessionOptions } from "./contract.ts";
import type { Transport } from "../transport/types.ts";

/**
 * The end of one session. A session makes it only once something ends: idle
 * connections are many.
 *
 * @example
 * ```ts
 * import type { Connection } from "../protocol/connection.ts";
 * import { WebSocketError } from "../protocol/errors.ts";
 * declare const connection: Connection;
 * const end = new SessionEnd({ end() {}, destroy() {} }, {});
 * end.fail(new WebSocketError("WS_ERR_BUFFER_FULL"), connection); // sends a 1008 close frame
 * end.fail(new WebSocketError("WS_ERR_IDLE_TIMEOUT"), connection); // ignored: the first failure wins
 * ```
 */
export class SessionEnd {
  /** The code to report: 1006 until the peer's close frame says otherwise (RFC 6455 §7.1.5). */
  code = 1006;
  /** The reason the peer's close frame gave. */
  reason = "";
  /** Why the connection failed, if it did. */
  error: Error | undefined;
  readonly #transport: Pick<Transport, "end" | "destroy">;
  readonly #options: Pick<SessionOptions, "closeTimeout">;
  #done = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `transport` is ended or destroyed as the rules say; `options` gives the close timeout. */
  constructor(transport: Pick<Transport, "end" | "destroy">, options: Pick<SessionOptions, "closeTimeout">) {
    this.#transport = transport;
    this.#options = options;
  }

  /** The transport is gone. */
  get done(): boolean {
    return this.#done;
  }

  /** The peer's close frame arrived: report its code and reason, and wait only so long for the transport to close. */
  closeReceived(code: number, reason: string): void {
    this.code = code;
    this.reason = reason;
    this.arm();
  }

  /** Destroy the transport unless it closes within `closeTimeout` (default 5 s); only the first call counts. */
  arm(): void {
    if (this.#timer !== undefined || this.#done) return;
    this.#timer = setTimeout(() => this.#transport.destroy(), this.#options.closeTimeout ?? 5000);
  }

  /**
   * Fail with `error`, unless something failed already or the transport is
   * gone: with a close frame carrying the error's code where one can still be
   * sent, else by destroying the transport at once.
   */
  fail(error: WebSocketError, connection: Pick<Connection, "closeSent" | "close"> | undefined): void {
    if (this.#done || this.error !== undefined) return;
    this.error = error;
    if (error.closeCode !== 1006 && connection !== undefined && !connection.closeSent) {
      connection.close(error.closeCode, "");
      this.#transport.end();
      this.arm();
    } else {
      this.#transport.destroy();
    }
  }

  /** The transport is gone: stop the timer. False if this was known already. */
  finish(): boolean {
    if (this.#done) return false;
    this.#done = true;
    clearTimeout(this.#timer);
    return true;
  }
}
