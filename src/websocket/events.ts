/**
 * The events of a WebSocket, typed: the `on<type>` handler attributes and
 * `addEventListener` overloads keyed by {@link WebSocketEventMap}, on top of
 * the exception-safe event target.
 *
 * @example
 * ```ts
 * import { WebSocket } from "./websocket.ts";
 * const ws = new WebSocket("ws://127.0.0.1:8080");
 * ws.addEventListener("close", (event) => console.log(event.code, event.wasClean));
 * ws.onmessage = (event) => console.log(event.data);
 * ```
 * @module
 */

import type { CloseEventLike, ErrorEventLike } from "./dom.ts";
import { SafeEventTarget } from "./safe_events.ts";
import { exposeMembers } from "./idl.ts";
import type { WebSocketError } from "../protocol/errors.ts";

/**
 * The `error` event of a WebSocket: `error` is always a `WebSocketError`,
 * so its stable `code` is there to branch on.
 *
 * @example
 * ```ts
 * import { WebSocket } from "./websocket.ts";
 * const ws = new WebSocket("ws://127.0.0.1:8080");
 * ws.onerror = (event) => console.log(event.error.code, event.error.closeCode);
 * ```
 */
export interface WebSocketErrorEvent extends ErrorEventLike {
  /** Why the connection failed. */
  readonly error: WebSocketError;
}

/** `ping` and `pong` events carry the payload and, for a pong answering our ping, the round-trip time. */
export interface PingPongEvent extends Event {
  /** The control frame's payload. */
  readonly data: Uint8Array;
  /** Milliseconds since the matching `ping()` (pong events only; undefined when unsolicited). */
  readonly rtt?: number;
}

/** The events a WebSocket dispatches, by type. */
export interface WebSocketEventMap {
  /** The connection opened. */
  open: Event;
  /** A message arrived. */
  message: MessageEvent;
  /** The connection failed; `error` holds a `WebSocketError` with a stable `code`. */
  error: WebSocketErrorEvent;
  /** The connection closed. */
  close: CloseEventLike;
  /** A ping arrived (already answered). */
  ping: PingPongEvent;
  /** A pong arrived. */
  pong: PingPongEvent;
}

/**
 * Event plumbing shared by every WebSocket (client or accepted).
 *
 * @example
 * ```ts
 * class Probe extends WebSocketEvents {}
 * const probe = new Probe();
 * probe.onopen = () => console.log("open");
 * probe.dispatchEvent(new Event("open"));
 * ```
 */
export class WebSocketEvents extends SafeEventTarget {
  /** Listen for an event (typed by {@link WebSocketEventMap}); a throwing listener is reported, never fatal. */
  override addEventListener<K extends keyof WebSocketEventMap>(
    type: K,
    listener: ((this: WebSocketEvents, event: WebSocketEventMap[K]) => unknown) | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /** Listen for any other event type. */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | ((event: never) => unknown) | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener as EventListenerOrEventListenerObject | null, options);
  }

  /** Stop listening. */
  override removeEventListener<K extends keyof WebSocketEventMap>(
    type: K,
    listener: ((this: WebSocketEvents, event: WebSocketEventMap[K]) => unknown) | null,
    options?: boolean | EventListenerOptions,
  ): void;
  /** Stop listening for any other event type. */
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | ((event: never) => unknown) | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener as EventListenerOrEventListenerObject | null, options);
  }

  /** Handler for `open`. */
  get onopen(): ((event: Event) => unknown) | null {
    return this.getHandler("open");
  }
  set onopen(value: ((event: Event) => unknown) | null) {
    this.setHandler("open", value);
  }
  /** Handler for `message` (a `MessageEvent`). */
  get onmessage(): ((event: MessageEvent) => unknown) | null {
    return this.getHandler("message");
  }
  set onmessage(value: ((event: MessageEvent) => unknown) | null) {
    this.setHandler("message", value);
  }
  /** Handler for `error`. */
  get onerror(): ((event: WebSocketErrorEvent) => unknown) | null {
    return this.getHandler("error");
  }
  set onerror(value: ((event: WebSocketErrorEvent) => unknown) | null) {
    this.setHandler("error", value);
  }
  /** Handler for `close` (a `CloseEvent`). */
  get onclose(): ((event: CloseEventLike) => unknown) | null {
    return this.getHandler("close");
  }
  set onclose(value: ((event: CloseEventLike) => unknown) | null) {
    this.setHandler("close", value);
  }
}

exposeMembers(WebSocketEvents.prototype, ["onopen", "onerror", "onclose", "onmessage"]);
exposeMembers(WebSocketEvents.prototype, ["addEventListener", "removeEventListener"]);
