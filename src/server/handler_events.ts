/**
 * A server connection's session events straight to the application's
 * handler object (`serve({ websocket: { open, message, close, ... } })`):
 * one plain call per event, no `Event` made, no listener dispatched. The
 * socket's state (`readyState`, what waits to be sent) is kept here as its
 * own listeners would have kept it.
 *
 * @example
 * ```ts
 * import { HandlerEvents } from "./handler_events.ts";
 * import { ServerFailures } from "./failures.ts";
 * import type { SocketCore } from "../websocket/socket_core.ts";
 * import type { Session } from "../session/session.ts";
 * declare const core: SocketCore;
 * declare const session: Session;
 * const events = new HandlerEvents(core, {
 *   handlers: { message: (ws, data) => ws.send(data) },
 *   failures: new ServerFailures(),
 *   highWaterMark: 16 * 1024 * 1024,
 * });
 * session.setEvents(events);
 * ```
 * @module
 */

import {
  AT_ONCE,
  ON_CLOSE,
  ON_CLOSING,
  ON_ERROR,
  ON_MESSAGE,
  ON_PING,
  ON_PONG,
  type SessionEvents,
  TAKES_VIEWS,
} from "../session/contract.ts";
import type { WebSocketError } from "../protocol/errors.ts";
import { asWebSocketError } from "../websocket/events.ts";
import type { SocketCore } from "../websocket/socket_core.ts";
import type { UpgradeInfo } from "../websocket/upgrade_info.ts";
import type { ServerWebSocket, WebSocketHandlers } from "./accept_options.ts";
import type { FailedHook, ServerFailures } from "./failures.ts";

/**
 * What the sockets of one server share beyond their own state: made once
 * per server, not per connection (idle connections are many).
 *
 * @example
 * ```ts
 * import { ServerFailures } from "./failures.ts";
 * const server: HandlerServer<undefined> = {
 *   handlers: { message: (ws, data) => ws.send(data) },
 *   failures: new ServerFailures(),
 *   highWaterMark: 16 * 1024 * 1024,
 * };
 * ```
 */
export interface HandlerServer<T> {
  /** The application's handler object. */
  readonly handlers: WebSocketHandlers<T>;
  /** Where a failing handler is counted and reported. */
  readonly failures: ServerFailures;
  /** `drain` is called once `bufferedAmount`, having reached this after a `send`, is back to zero. */
  readonly highWaterMark: number;
}

// A handler object runs no WHATWG event loop: events go back to back, as
// Bun.serve calls its handlers. Said by a base class's prototype: an own
// property would cost every connection a slot, and one added to
// HandlerEvents' prototype (or a getter of its own) made JavaScriptCore
// give every instance 16 bytes more (measured: 64 B rather than 48).
class AtOnce {
  get [AT_ONCE](): true {
    return true;
  }
  // Binary messages are handed on as they come: views of a read, when large.
  get [TAKES_VIEWS](): true {
    return true;
  }
}

/**
 * The session events of one accepted socket, turned into calls of its
 * server's handler object. It keeps only its socket and its server: the
 * session and the `ServerWebSocket` are the socket's.
 *
 * @example
 * ```ts
 * declare const events: HandlerEvents<undefined>;
 * events.open({ url: "ws://h/", headers: new Headers(), remoteAddress: undefined });
 * ```
 */
export class HandlerEvents<T> extends AtOnce implements SessionEvents {
  readonly #core: SocketCore;
  readonly #handlers: WebSocketHandlers<T>;
  readonly #server: HandlerServer<T>;
  // Made when first needed (a `drain` handler's wait, a message handler's
  // promise): four slots in all keep an idle socket's object at 48 bytes.
  #rare: { draining: boolean; messageFailed?: (error: unknown) => void } | undefined;

  /** Events of the socket behind `core` (its `target` is the `ServerWebSocket`, its session open) to `server`'s handlers. */
  constructor(core: SocketCore, server: HandlerServer<T>) {
    super();
    this.#core = core;
    // Read on every message: one load less than through the server.
    this.#handlers = server.handlers;
    this.#server = server;
    if (server.handlers.drain !== undefined) core.onSent = () => this.#sent();
  }

  get #ws(): ServerWebSocket<T> {
    return this.#core.target as ServerWebSocket<T>;
  }

  /** The connection is open: `open`, before any message is delivered. */
  open(request: UpgradeInfo): void {
    const open = this.#handlers.open;
    if (open !== undefined) this.#run("open", () => open.call(this.#handlers, this.#ws, request));
  }

  /** Session event: a whole message (dropped once the socket is closing, as its `message` events are). */
  [ON_MESSAGE](data: string | Uint8Array): void | Promise<unknown> {
    const message = this.#handlers.message;
    if (message === undefined || this.#core.readyState !== 1) return;
    // The hot path: no closure per message unless the handler returns a promise.
    try {
      const done = message.call(this.#handlers, this.#ws, data);
      // Returned so the session waits for its microtasks: a rejection stops the messages after it.
      if (done instanceof Promise) {
        const rare = this.#rare ??= { draining: false };
        return done.catch(rare.messageFailed ??= (error) => this.#fail("message", error));
      }
    } catch (error) {
      this.#fail("message", error);
    }
  }

  /** Session event: a ping (already answered). */
  [ON_PING](payload: Uint8Array): void {
    const ping = this.#handlers.ping;
    if (ping !== undefined) this.#run("ping", () => ping.call(this.#handlers, this.#ws, payload));
  }

  /** Session event: a pong, with the round-trip time when it answers our ping. */
  [ON_PONG](payload: Uint8Array, rtt: number | undefined): void {
    const pong = this.#handlers.pong;
    if (pong !== undefined) this.#run("pong", () => pong.call(this.#handlers, this.#ws, payload, rtt));
  }

  /** Session event: the peer's close frame arrived. */
  [ON_CLOSING](): void {
    this.#core[ON_CLOSING]();
  }

  /** Session event: the connection failed; `close` follows. */
  [ON_ERROR](failure: WebSocketError | Error): void {
    // As for the socket's own `error` event: CLOSED before the handler runs.
    this.#core.readyState = 3;
    const error = this.#handlers.error;
    if (error !== undefined) this.#run("error", () => error.call(this.#handlers, this.#ws, asWebSocketError(failure)));
  }

  /** Session event: the connection is closed; nothing follows. */
  [ON_CLOSE](code: number, reason: string, wasClean: boolean): void {
    this.#core.closed();
    const close = this.#handlers.close;
    if (close !== undefined) this.#run("close", () => close.call(this.#handlers, this.#ws, code, reason, wasClean));
  }

  // A handler that fails closes an open connection with 1011, as a failing `websocket` function does.
  #run(hook: FailedHook, call: () => unknown): void {
    try {
      const done = call();
      if (done instanceof Promise) done.catch((error) => this.#fail(hook, error));
    } catch (error) {
      this.#fail(hook, error);
    }
  }

  #fail(hook: FailedHook, error: unknown): void {
    this.#server.failures.handler(hook, error, this.#ws.remoteAddress);
    const session = this.#core.session;
    if (session === undefined || session.isClosed) return;
    // The socket stops delivering messages, as it would after its own close().
    if (this.#core.readyState === 1) this.#core.readyState = 2;
    session.close(1011, "");
  }

  #sent(): void {
    const core = this.#core;
    // At the mark, not only past it: a loop sending while under it stops there, and waits for this.
    const buffered = core.bufferedAmount;
    if (this.#rare?.draining === true || buffered < this.#server.highWaterMark || buffered === 0) return;
    const rare = this.#rare ??= { draining: false };
    rare.draining = true;
    void core.drained().then(() => {
      rare.draining = false;
      const drain = this.#handlers.drain;
      if (drain !== undefined && core.readyState === 1) this.#run("drain", () => drain.call(this.#handlers, this.#ws));
    });
  }
}
