/**
 * What a session needs from, and tells, the code around it: its options,
 * the events it reports to the socket that owns it, and the reader of the
 * opening handshake. (The registry told when it is gone, `SessionTracker`,
 * is beside `Session` itself, which it names.)
 *
 * Event methods are keyed by symbols so that `WebSocket` can implement them
 * itself: its public interface stays exactly the web's (it has its own
 * `close` and `ping`), and a server with many idle sockets does not pay for
 * a callback object and its closures per connection.
 *
 * @example
 * ```ts
 * import { ON_CLOSE, ON_MESSAGE, type SessionEvents } from "./contract.ts";
 * const events: SessionEvents = {
 *   [ON_MESSAGE]: (data) => console.log(data),
 *   [ON_CLOSE]: (code, reason, wasClean) => console.log(code, reason, wasClean),
 * };
 * ```
 * @module
 */

import type { WebSocketError } from "../protocol/errors.ts";
import { reportListenerError } from "./report.ts";
import type { ConnectionLimits } from "../protocol/connection.ts";

/** Key of {@link SessionEvents}: a whole message. */
export const ON_MESSAGE: unique symbol = Symbol("wasmws.message");
/** Key of {@link SessionEvents}: a ping arrived (already answered). */
export const ON_PING: unique symbol = Symbol("wasmws.ping");
/** Key of {@link SessionEvents}: a pong arrived. */
export const ON_PONG: unique symbol = Symbol("wasmws.pong");
/** Key of {@link SessionEvents}: the peer's close frame arrived. */
export const ON_CLOSING: unique symbol = Symbol("wasmws.closing");
/** Key of {@link SessionEvents}: the connection failed. */
export const ON_ERROR: unique symbol = Symbol("wasmws.error");
/** Key of {@link SessionEvents}: the connection is closed. */
export const ON_CLOSE: unique symbol = Symbol("wasmws.close");

/**
 * Key of {@link SessionEvents}: true when the owner needs no microtask
 * checkpoint between events (a handler object, not the WHATWG event loop).
 */
export const AT_ONCE: unique symbol = Symbol("wasmws.atOnce");

/**
 * Key of {@link SessionEvents}: true when the owner takes a binary message
 * as a `Uint8Array` that may be a view of a larger buffer (a handler object;
 * WHATWG `MessageEvent`s need an `ArrayBuffer` of exactly the message).
 */
export const TAKES_VIEWS: unique symbol = Symbol("wasmws.takesViews");

/**
 * What the session tells its owner, one call per event, in order, each after
 * the previous one's microtasks (unless the owner says {@link AT_ONCE}).
 */
export interface SessionEvents {
  /** Deliver events back to back, without a microtask checkpoint between them. */
  readonly [AT_ONCE]?: boolean;
  /** Binary messages may be views of a larger buffer the session was given. */
  readonly [TAKES_VIEWS]?: boolean;
  /** A whole message; a promise returned waits for its microtasks before the next event, even {@link AT_ONCE}. */
  [ON_MESSAGE]?(data: string | Uint8Array): unknown;
  /** A ping arrived (already answered). */
  [ON_PING]?(payload: Uint8Array): void;
  /** A pong arrived; `rtt` in ms when it answers one of our pings. */
  [ON_PONG]?(payload: Uint8Array, rtt: number | undefined): void;
  /** The peer's close frame arrived: the closing handshake started or finished. */
  [ON_CLOSING]?(code: number, reason: string): void;
  /** The connection failed (protocol violation, timeout, buffer full); called right before the close. */
  [ON_ERROR]?(error: WebSocketError | Error): void;
  /** The connection is closed; nothing follows. */
  [ON_CLOSE]?(code: number, reason: string, wasClean: boolean): void;
}

/** Timers and limits of one session. */
export interface SessionOptions {
  /** Message limits. */
  limits?: ConnectionLimits;
  /** After our close frame (or the peer's), wait this long for the transport to close, then destroy it. Default 5000 ms. */
  closeTimeout?: number;
  /** Ping after this long without input and fail after as long again without any; 0 turns it off (default). */
  idleTimeout?: number;
  /** Bytes queued in the transport above which `onBufferFull` applies. Default 16 MiB. */
  highWaterMark?: number;
  /** Above the high-water mark: `"wait"` (default; use `drained()`) or `"close"` (fail with 1008). */
  onBufferFull?: "wait" | "close";
}

/** Receives transport bytes while the opening handshake runs (before `Session.open`). */
export interface HandshakeReader {
  /** Bytes of the HTTP head (and maybe of the first frames). */
  onData(bytes: Uint8Array): void;
  /** The transport ended or failed before the handshake finished. */
  onClosed(error?: Error): void;
  /** The transport's write queue emptied (a plain HTTP answer streams by it). */
  onDrain?(): void;
  /**
   * The peer sent FIN before the handshake finished. True when the reader
   * ends the transport itself (a plain HTTP answer still on its way);
   * otherwise the session ends it at once.
   */
  onPeerEnd?(): boolean;
}

/**
 * WHATWG "the WebSocket connection is closed": `error` (if it failed), then
 * `close`, in one task; a throwing error listener does not cost the close.
 *
 * @example
 * ```ts
 * reportClosed({ [ON_CLOSE]: (code) => console.log(code) }, undefined, 1000, "", true); // logs 1000
 * ```
 */
export function reportClosed(
  events: SessionEvents,
  failure: WebSocketError | Error | undefined,
  code: number,
  reason: string,
  wasClean: boolean,
): void {
  if (failure !== undefined) {
    try {
      events[ON_ERROR]?.(failure);
    } catch (listenerError) {
      reportListenerError(listenerError);
    }
  }
  events[ON_CLOSE]?.(code, reason, wasClean);
}
