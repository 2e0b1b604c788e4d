/**
 * `ReconnectingWebSocket`: the `WebSocket` interface over a connection that
 * comes back. After an abnormal close (anything but 1000, and not after
 * the application's own `close()`) it waits — exponential backoff with
 * jitter, capped, see `client/backoff.ts` — and connects again, up to
 * `maxAttempts` failures in a row (a connection that lasted less than
 * `minUptime` counts as one). Messages sent meanwhile wait (up to a
 * bound, then `send` throws `WS_ERR_RECONNECT_QUEUE_FULL`) and go out, in
 * order, once it is open again. `beforeConnect` runs before every attempt
 * and may give a new URL, headers or protocols (a fresh token).
 *
 * Events: `open`, `message`, `error` and `close` for every connection (a
 * `close` carries `willReconnect`); `reconnect` (`attempt`, `delay`) when
 * the next attempt is scheduled. `readyState` is CONNECTING while
 * connecting or waiting, CLOSED once it gives up or the application closed.
 *
 * Lives in `websocket/` rather than `client/`: it is built on `WebSocket`,
 * and imports run from the facade down to the client, never back.
 *
 * @example
 * ```ts
 * import { type ReconnectEvent, ReconnectingWebSocket } from "./reconnecting.ts";
 * const ws = new ReconnectingWebSocket("wss://example.com/feed", {
 *   maxDelay: 10_000,
 *   beforeConnect: async () => ({ headers: { Authorization: `Bearer ${await Promise.resolve("fresh")}` } }),
 * });
 * ws.addEventListener("reconnect", (event) => console.log("retry in", (event as ReconnectEvent).delay));
 * ws.onmessage = (event) => console.log(event.data);
 * ws.send("subscribe"); // waits until open
 * ```
 * @module
 */

import { backoffDelay, checkBackoff } from "../client/backoff.ts";
import { checkCloseArguments } from "../protocol/close_codes.ts";
import { parseWebSocketUrl } from "../protocol/ws_url.ts";
import { CloseEvent } from "./close_event.ts";
import { errorEvent, type WebSocketErrorEvent } from "./events.ts";
import { MessageEvent } from "./message_event.ts";
import { SafeEventTarget } from "./safe_events.ts";
import { isBinary, sizeOf } from "./message_data.ts";
import { ReconnectQueue } from "./reconnect_queue.ts";
import { type BinaryType, WebSocket, type WebSocketOptions } from "./websocket.ts";
import {
  type ReconnectClock,
  type ReconnectCloseEvent,
  type ReconnectingWebSocketOptions,
  SYSTEM_CLOCK,
} from "./reconnect_options.ts";

export type {
  ConnectAttempt,
  ConnectOverrides,
  ReconnectClock,
  ReconnectCloseEvent,
  ReconnectEvent,
  ReconnectingWebSocketOptions,
} from "./reconnect_options.ts";

/**
 * A `WebSocket` that reconnects.
 *
 * @example
 * ```ts
 * const ws = new ReconnectingWebSocket("ws://127.0.0.1:8080", { maxAttempts: 5 });
 * ws.addEventListener("close", (event) => {
 *   if (!(event as ReconnectCloseEvent).willReconnect) console.log("gone for good");
 * });
 * ```
 */
export class ReconnectingWebSocket extends SafeEventTarget {
  readonly #options: ReconnectingWebSocketOptions;
  readonly #clock: ReconnectClock;
  #url: string;
  #headers: WebSocketOptions["headers"];
  #protocols: string | string[] | undefined;
  #ws: WebSocket | undefined;
  #readyState = 0;
  #attempt = 0;
  #openedAt: number | undefined;
  // reconnect() closed the connection: the next attempt goes at once.
  #reconnectAsked = false;
  #timer: unknown;
  #stopped = false;
  #binaryType: BinaryType = "blob";
  readonly #queue: ReconnectQueue;
  #afterCloseBytes = 0;

  /**
   * Connect to `url`; the second argument is a protocol list or an options
   * object. As reconnecting-websocket and ws take them, options may also come
   * third, after the protocols.
   */
  constructor(
    url: string | URL,
    options?: string | string[] | ReconnectingWebSocketOptions,
    more?: Omit<ReconnectingWebSocketOptions, "protocols">,
  ) {
    super();
    const isList = typeof options === "string" || Array.isArray(options);
    const settings: ReconnectingWebSocketOptions = isList || options === undefined
      ? { ...more, protocols: options as string | string[] | undefined }
      : options;
    checkBackoff(settings);
    this.#options = settings;
    this.#clock = settings.clock ?? SYSTEM_CLOCK;
    this.#queue = new ReconnectQueue(settings.maxQueuedMessages ?? 1000, settings.maxQueuedBytes ?? 16 * 1024 * 1024);
    this.#url = parseWebSocketUrl(url).url;
    this.#headers = settings.headers;
    this.#protocols = settings.protocols;
    // Each connection gets the signal too and fails on it; between connections there is only the timer to stop.
    settings.signal?.addEventListener("abort", () => {
      if (this.#timer !== undefined) this.close();
    }, { once: true });
    void this.#connect();
  }

  /** The URL of the current (or next) attempt. */
  get url(): string {
    return this.#ws?.url ?? this.#url;
  }
  /** CONNECTING (0) while connecting or waiting to reconnect, OPEN (1), CLOSING (2), CLOSED (3). */
  get readyState(): number {
    return this.#readyState;
  }
  /** Bytes queued: in the open connection, and waiting for the next one. */
  get bufferedAmount(): number {
    return (this.#ws?.bufferedAmount ?? 0) + this.#queue.bytes + this.#afterCloseBytes;
  }
  /** The current connection's extensions. */
  get extensions(): string {
    return this.#ws?.extensions ?? "";
  }
  /** The current connection's subprotocol. */
  get protocol(): string {
    return this.#ws?.protocol ?? "";
  }
  /** `"blob"` or `"arraybuffer"`, kept across reconnections. */
  get binaryType(): BinaryType {
    return this.#binaryType;
  }
  set binaryType(value: BinaryType) {
    if (value !== "blob" && value !== "arraybuffer") return;
    this.#binaryType = value;
    if (this.#ws !== undefined) this.#ws.binaryType = value;
  }

  /** Handler for `open` (every connection). */
  get onopen(): ((event: Event) => unknown) | null {
    return this.getHandler("open");
  }
  set onopen(value: ((event: Event) => unknown) | null) {
    this.setHandler("open", value);
  }
  /** Handler for `message`. */
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
  /** Handler for `close` (every connection; `willReconnect` says whether another follows). */
  get onclose(): ((event: ReconnectCloseEvent) => unknown) | null {
    return this.getHandler("close");
  }
  set onclose(value: ((event: ReconnectCloseEvent) => unknown) | null) {
    this.setHandler("close", value);
  }

  /**
   * Send now when open; otherwise queue until the next connection opens
   * (throws `WS_ERR_RECONNECT_QUEUE_FULL` past the bounds). After `close()`
   * or giving up, data is dropped and counted, as `WebSocket` does.
   */
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    if (data === undefined && arguments.length === 0) throw new TypeError("Cannot send: no data given");
    if (typeof data !== "string" && !isBinary(data)) data = String(data);
    if (this.#readyState >= 2) {
      this.#afterCloseBytes += sizeOf(data);
      return;
    }
    const ws = this.#ws;
    if (ws !== undefined && ws.readyState === 1 && this.#queue.length === 0) return ws.send(data);
    this.#queue.push(data);
  }

  /** Close for good: no reconnection follows. Arguments are checked like `WebSocket.close()`. */
  close(code?: number, reason?: string): void {
    code = checkCloseArguments(code, reason);
    if (this.#readyState >= 2) return;
    this.#stopped = true;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const ws = this.#ws;
    if (ws !== undefined) {
      this.#readyState = 2;
      ws.close(code, reason);
      return;
    }
    // Waiting between attempts: there is no connection to close. The event
    // still comes in a task of its own, as WebSocket's does, never inside close().
    this.#readyState = 2;
    setTimeout(() => {
      this.#finish();
      this.dispatchEvent(closeEvent(1006, "", false, false));
    }, 0);
  }

  /**
   * Connect again now, the failure count and backoff starting over: the
   * current connection (if any) closes with `code` (default 1000) and
   * `reason`, its `close` event has `willReconnect`, and a `reconnect` event
   * with no delay follows. Also after `close()` or giving up, as in
   * reconnecting-websocket and partysocket.
   */
  reconnect(code?: number, reason?: string): void {
    code = checkCloseArguments(code, reason);
    if (this.#readyState === 2 && this.#ws === undefined) {
      // close() while waiting: its close event is still to come; reconnect after it.
      setTimeout(() => this.reconnect(code, reason), 0);
      return;
    }
    this.#stopped = false;
    this.#attempt = 0;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const ws = this.#ws;
    if (ws !== undefined) {
      this.#reconnectAsked = true;
      if (ws.readyState < 2) ws.close(code ?? 1000, reason);
      return;
    }
    // Waiting between attempts, or closed for good: nothing to close.
    this.#readyState = 0;
    this.#afterCloseBytes = 0;
    void this.#connect();
  }

  async #connect(): Promise<void> {
    const attempt = this.#attempt;
    try {
      const overrides = await this.#options.beforeConnect?.({ attempt, url: this.#url });
      if (overrides) {
        if (overrides.url !== undefined) this.#url = parseWebSocketUrl(overrides.url).url;
        if (overrides.headers !== undefined) this.#headers = overrides.headers;
        if (overrides.protocols !== undefined) this.#protocols = overrides.protocols;
      }
      if (this.#stopped) return;
      const ws = new WebSocket(this.#url, { ...this.#options, headers: this.#headers, protocols: this.#protocols });
      ws.binaryType = this.#binaryType;
      this.#ws = ws;
      ws.onopen = () => this.#opened(ws);
      ws.onmessage = (event) => {
        if (ws === this.#ws) {
          this.dispatchEvent(new MessageEvent("message", { data: event.data, origin: event.origin }));
        }
      };
      ws.onerror = (event) => {
        if (ws === this.#ws) {
          this.dispatchEvent(errorEvent(event.error));
        }
      };
      ws.onclose = (event) => this.#closed(ws, event.code, event.reason, event.wasClean);
    } catch (error) {
      if (this.#stopped) return;
      // A bad URL from beforeConnect, or the hook itself failing: a failed attempt.
      this.dispatchEvent(errorEvent(error instanceof Error ? error : new Error(String(error))));
      this.#closed(undefined, 1006, "", false);
    }
  }

  #opened(ws: WebSocket): void {
    if (ws !== this.#ws) return;
    // The failure count starts over only once this connection has lasted minUptime (see #closed).
    this.#openedAt = this.#now();
    if (this.#readyState === 0) this.#readyState = 1;
    // What waited goes first, in order, ahead of anything sent from `open` listeners.
    for (const data of this.#queue.take()) ws.send(data);
    this.dispatchEvent(new Event("open"));
  }

  #closed(ws: WebSocket | undefined, code: number, reason: string, wasClean: boolean): void {
    if (ws !== this.#ws) return;
    this.#ws = undefined;
    const lasted = this.#openedAt !== undefined &&
      this.#now() - this.#openedAt >= (this.#options.minUptime ?? 5000);
    this.#openedAt = undefined;
    const asked = this.#reconnectAsked;
    this.#reconnectAsked = false;
    const attempt = (lasted || asked ? 0 : this.#attempt) + 1;
    const willReconnect = asked ||
      (!this.#stopped && !this.#options.signal?.aborted && code !== 1000 &&
        attempt <= (this.#options.maxAttempts ?? Infinity));
    if (!willReconnect) {
      this.#finish();
      this.dispatchEvent(closeEvent(code, reason, wasClean, false));
      return;
    }
    this.#readyState = 0;
    this.#attempt = attempt;
    const delay = asked ? 0 : backoffDelay(attempt, this.#options, this.#clock.random);
    this.dispatchEvent(closeEvent(code, reason, wasClean, true));
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#connect();
    }, delay);
    this.dispatchEvent(Object.assign(new Event("reconnect"), { attempt, delay, code }));
  }

  #now(): number {
    return this.#clock.now?.() ?? performance.now();
  }

  #finish(): void {
    this.#readyState = 3;
    this.#queue.clear();
  }
}

function closeEvent(code: number, reason: string, wasClean: boolean, willReconnect: boolean): ReconnectCloseEvent {
  return Object.assign(new CloseEvent("close", { code, reason, wasClean }), { willReconnect });
}
