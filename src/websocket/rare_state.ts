/**
 * The part of a socket's state that few sockets use, made on first use: a
 * slot each in `SocketCore` would cost every idle connection.
 *
 * @example
 * ```ts
 * import { RareState } from "./rare_state.ts";
 * const rare = new RareState();
 * rare.afterCloseBytes += 5; // send("hello") after close()
 * ```
 * @module
 */

import type { SendQueue } from "./send_order.ts";

/**
 * The state of the few sockets that queue behind a Blob, send after close,
 * connect as clients or have their sends watched.
 *
 * @example
 * ```ts
 * const rare = new RareState();
 * rare.abort = new AbortController(); // a client socket, still CONNECTING
 * rare.abort.abort(); // close() before it opened
 * ```
 */
export class RareState {
  /** Client only: aborts the connection attempt (close() while CONNECTING). */
  abort: AbortController | undefined;
  /** Sent after close (or refused by the session): counted in bufferedAmount. */
  afterCloseBytes = 0;
  /** Only a Blob, or a send() behind one, waits here. */
  queue: SendQueue | undefined;
  /** Called after each send that went straight to the session. */
  onSent: (() => void) | undefined;
}
