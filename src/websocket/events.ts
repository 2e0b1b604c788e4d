/**
 * The events a WebSocket dispatches, typed, and the `error` event: a plain
 * `Event` as in browsers (not an `ErrorEvent`), which still carries the
 * failure (`error`, a `WebSocketError` with a stable `code`) for code that
 * wants to know why.
 *
 * @example
 * ```ts
 * import { WebSocket } from "./websocket.ts";
 * const ws = new WebSocket("ws://127.0.0.1:8080");
 * ws.addEventListener("error", (event) => console.log(event.error.message));
 * ws.addEventListener("close", (event) => console.log(event.code, event.wasClean));
 * ```
 * @module
 */

import { WebSocketError } from "../protocol/errors.ts";
import type { CloseEvent } from "./close_event.ts";

/** `ping` and `pong` events carry the payload and, for a pong answering our ping, the round-trip time. */
export interface PingPongEvent extends Event {
  /** The control frame's payload. */
  readonly data: Uint8Array;
  /** Milliseconds since the matching `ping()` (pong events only; undefined when unsolicited). */
  readonly rtt?: number;
}

/**
 * The `error` event: a plain `Event`, with the failure kept on it. `error`
 * is always a `WebSocketError`, so its stable `code` is there to branch on.
 *
 * @example
 * ```ts
 * import { WebSocket } from "./websocket.ts";
 * const ws = new WebSocket("ws://127.0.0.1:8080");
 * ws.onerror = (event) => console.log(event.error.code, event.error.closeCode);
 * ```
 */
export interface WebSocketErrorEvent extends Event {
  /** What failed, with `code` (and `details` of a refused handshake); a transport's own error is its `cause`. */
  readonly error: WebSocketError;
  /** The failure's message. */
  readonly message: string;
}

/** The `error` event's shape (the name before {@link WebSocketErrorEvent}). */
export type ErrorEventLike = WebSocketErrorEvent;

/** The `close` event's shape (the name before `CloseEvent` was exported). */
export type CloseEventLike = CloseEvent;

/** The events a WebSocket dispatches, by type. */
export interface WebSocketEventMap {
  /** The connection opened. */
  open: Event;
  /** A message arrived. */
  message: MessageEvent;
  /** The connection failed; `error` holds a `WebSocketError` with a stable `code`. */
  error: WebSocketErrorEvent;
  /** The connection closed. */
  close: CloseEvent;
  /** A ping arrived (already answered). */
  ping: PingPongEvent;
  /** A pong arrived. */
  pong: PingPongEvent;
}

/**
 * The `error` event for `failure`: `new Event("error")` with read-only,
 * non-enumerable `error` and `message` of its own, so its class, its
 * string tag and its enumerable keys stay those of a browser's.
 *
 * @example
 * ```ts
 * const event = errorEvent(new Error("Cannot connect: refused"));
 * console.log(String(event), event.error.message); // "[object Event]" "Cannot connect: refused"
 * ```
 */
export function errorEvent(failure: WebSocketError | Error): WebSocketErrorEvent {
  const error = asWebSocketError(failure);
  return Object.defineProperties(new Event("error"), {
    error: { value: error, configurable: true },
    message: { value: error.message, configurable: true },
  }) as WebSocketErrorEvent;
}

/**
 * A connection's failure as the application sees it: a transport's own
 * error (a reset, a TLS alert) inside the one error class, as its `cause`.
 *
 * @example
 * ```ts
 * asWebSocketError(new Error("ECONNRESET")).code; // "WS_ERR_CONNECT"
 * ```
 */
export function asWebSocketError(failure: WebSocketError | Error): WebSocketError {
  return failure instanceof WebSocketError
    ? failure
    : new WebSocketError("WS_ERR_CONNECT", failure.message, undefined, { cause: failure });
}
