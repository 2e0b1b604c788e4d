/**
 * The WHATWG `WebSocket` interface, exactly as browsers expose it, over
 * wasmws's engine — plus the extras users of ws and Bun expect (`ping`,
 * `pong` events with round-trip times, `drained()`, `terminate()`).
 *
 * @example
 * ```ts
 * import { WebSocket } from "./websocket.ts";
 * const ws = new WebSocket("ws://127.0.0.1:8080", { headers: { Authorization: "Bearer token" } });
 * ws.binaryType = "arraybuffer";
 * ws.onopen = () => ws.send("hello");
 * ws.onmessage = (event) => console.log(event.data);
 * ws.onclose = (event) => console.log(event.code, event.reason, event.wasClean);
 * ```
 * @module
 */

import type { WebSocketOptions } from "../client/connect.ts";
import type { WebSocketEventMap } from "./events.ts";
import type { NetAddress } from "../transport/types.ts";
import type { Session } from "../session/session.ts";
import { bytesOf, isBinary } from "./message_data.ts";
import { clampUnsignedShort } from "../protocol/close_codes.ts";
import type { BinaryType, SocketCore } from "./socket_core.ts";
import { ACCEPTED, type AcceptedConnection, acceptSocket } from "./accept_socket.ts";
import { connectSocket } from "./connect_socket.ts";
import { restoreRequest, type UpgradeInfo } from "./upgrade_info.ts";
import { defineInterface, isOptionsObject, toDOMString, toUSVString } from "./idl.ts";
import { dispatchThroughListeners } from "./handler_dispatch.ts";
import { socketTopics, subscriptionsOf } from "../pubsub/socket_topics.ts";
import type { TopicData } from "../pubsub/topics.ts";

export type { UpgradeInfo } from "./upgrade_info.ts";
export type { WebSocketOptions } from "../client/connect.ts";
export type { BinaryType } from "./socket_core.ts";
export type { AcceptedConnection } from "./accept_socket.ts";

/**
 * A listener (or `on<type>` handler) for the WebSocket event `K`.
 *
 * @example
 * ```ts
 * const onMessage: WebSocketListener<"message"> = (event) => console.log(event.data);
 * ```
 */
export type WebSocketListener<K extends keyof WebSocketEventMap> =
  | ((this: WebSocket, event: WebSocketEventMap[K]) => unknown)
  | null;

const encoder = new TextEncoder();
const nativeAdd = EventTarget.prototype.addEventListener;
const nativeRemove = EventTarget.prototype.removeEventListener;
// Set by the class (it alone reads its #core): see sessionOf.
let coreOf: (ws: WebSocket) => SocketCore;

/**
 * The web's `WebSocket`, on Deno, Bun, Node and workerd.
 *
 * @example
 * ```ts
 * const ws = new WebSocket("wss://echo.example", ["chat"]);
 * ws.addEventListener("message", (event) => console.log(event.data));
 * ws.addEventListener("close", (event) => console.log(event.code));
 * ```
 */
export class WebSocket extends EventTarget {
  /** `readyState`: the connection is not yet open. */
  declare static readonly CONNECTING: 0;
  /** `readyState`: open and ready to communicate. */
  declare static readonly OPEN: 1;
  /** `readyState`: the closing handshake is under way. */
  declare static readonly CLOSING: 2;
  /** `readyState`: closed, or could not be opened. */
  declare static readonly CLOSED: 3;
  /** `readyState`: the connection is not yet open. */
  declare readonly CONNECTING: 0;
  /** `readyState`: open and ready to communicate. */
  declare readonly OPEN: 1;
  /** `readyState`: the closing handshake is under way. */
  declare readonly CLOSING: 2;
  /** `readyState`: closed, or could not be opened. */
  declare readonly CLOSED: 3;

  #core: SocketCore;
  #request: UpgradeInfo | undefined;

  /**
   * Open a connection to `url` (`ws:`, `wss:`, `http:` or `https:`; relative
   * to `globalThis.location` where there is one). The second argument is a
   * subprotocol or a list of them, or an options object. Bad `headers` throw
   * a `TypeError` here, as in undici, Deno and Bun. ws's shape works too:
   * options as a third argument after the subprotocols.
   */
  constructor(
    url: string | URL,
    protocols?: string | string[] | WebSocketOptions,
    options?: Omit<WebSocketOptions, "protocols">,
  ) {
    if (arguments.length === 0) throw new TypeError("Cannot construct a WebSocket: a URL is required");
    super();
    if ((url as unknown) === ACCEPTED) {
      this.#core = acceptSocket(this, protocols as unknown as AcceptedConnection);
      return;
    }
    // WebIDL converts the arguments before the constructor's steps run.
    const href = toUSVString(url);
    // A third argument (ws's options) would otherwise be dropped without a word.
    const settings: WebSocketOptions = isOptionsObject(protocols)
      ? protocols as WebSocketOptions
      : isOptionsObject(options)
      ? { ...options, protocols }
      : { protocols };
    this.#core = connectSocket(this, href, settings);
  }

  /** The URL, serialized. */
  get url(): string {
    return this.#core.url;
  }
  /** `CONNECTING` (0), `OPEN` (1), `CLOSING` (2) or `CLOSED` (3). */
  get readyState(): number {
    return this.#core.readyState;
  }
  /** Application bytes queued by `send` and not yet handed to the network. */
  get bufferedAmount(): number {
    return this.#core.bufferedAmount;
  }
  /** Handler for `open`. */
  get onopen(): WebSocketListener<"open"> {
    return this.#core.listeners?.getHandler("open") ?? null;
  }
  set onopen(value: WebSocketListener<"open">) {
    this.#core.safeListeners().setHandler("open", value);
  }
  /** Handler for `error` (a plain `Event`; its `error` holds the failure). */
  get onerror(): WebSocketListener<"error"> {
    return this.#core.listeners?.getHandler("error") ?? null;
  }
  set onerror(value: WebSocketListener<"error">) {
    this.#core.safeListeners().setHandler("error", value);
  }
  /** Handler for `close` (a `CloseEvent`). */
  get onclose(): WebSocketListener<"close"> {
    return this.#core.listeners?.getHandler("close") ?? null;
  }
  set onclose(value: WebSocketListener<"close">) {
    this.#core.safeListeners().setHandler("close", value);
  }
  /** The extensions the server chose ("" until open). */
  get extensions(): string {
    return this.#core.extensions;
  }
  /** The subprotocol the server chose ("" when none). */
  get protocol(): string {
    return this.#core.protocol;
  }

  /**
   * Close. `code` must be 1000 or 3000–4999 (`InvalidAccessError`); a
   * server's socket may also end with the codes RFC 6455 gives endpoints
   * (1001–1003, 1007–1009, 1011–1014: 1001 going away, 1008 policy violation,
   * 1011 internal error …). `reason` is at most 123 UTF-8 bytes (`SyntaxError`). While CONNECTING this fails the
   * connection (`error`, then `close` with 1006). Messages sent before go
   * out first, a Blob among them included.
   */
  close(code?: number, reason?: string): void {
    const core = WebSocket.#of(this, "close");
    // WebIDL converts `[Clamp] unsigned short code`, then `USVString reason`; the checks come after both.
    const clamped = code === undefined ? undefined : clampUnsignedShort(code);
    core.close(clamped, reason === undefined ? undefined : toUSVString(reason));
  }

  /** Handler for `message` (a `MessageEvent`). */
  get onmessage(): WebSocketListener<"message"> {
    return this.#core.listeners?.getHandler("message") ?? null;
  }
  set onmessage(value: WebSocketListener<"message">) {
    this.#core.safeListeners().setHandler("message", value);
  }
  /** `"blob"` (default) or `"arraybuffer"`; other values are ignored. */
  get binaryType(): BinaryType {
    return this.#core.binaryType;
  }
  set binaryType(value: BinaryType) {
    const core = WebSocket.#of(this, "set binaryType");
    const type = toDOMString(value);
    if (type === "blob" || type === "arraybuffer") core.binaryType = type;
  }

  /**
   * Send a message. Throws `InvalidStateError` while CONNECTING (a `TypeError`
   * without an argument); after `close()`, data is dropped but counted in
   * `bufferedAmount`.
   */
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    const core = WebSocket.#of(this, "send");
    // Only a missing argument is a TypeError; `send(undefined)` sends "undefined". Optimizing
    // compilers drop the unused `arguments` object; unoptimized code pays for it (measured: no change).
    if (data === undefined && arguments.length === 0) throw new TypeError("Cannot send: no data given");
    core.send(typeof data === "string" || isBinary(data) ? data : toDOMString(data));
  }

  /** The peer's address (where the runtime tells it). */
  get remoteAddress(): NetAddress | undefined {
    return this.#core.remoteAddress;
  }
  /** On an accepted socket: the upgrade request's URL and headers. */
  get request(): UpgradeInfo | undefined {
    const upgrade = this.#core.upgrade;
    if (upgrade !== undefined) this.#request ??= restoreRequest(upgrade);
    return this.#request;
  }

  /** On an accepted socket: the `data` its `upgrade` hook returned; the application's to replace. */
  get data(): unknown {
    return WebSocket.#of(this, "read data").data;
  }
  set data(value: unknown) {
    WebSocket.#of(this, "set data").data = value;
  }

  /** Server sockets: receive what is published to `topic` from now on, until `unsubscribe` or close. */
  subscribe(topic: string): void {
    const session = WebSocket.#of(this, "subscribe").session;
    socketTopics(session, "subscribe").subscribe(this, session!, topic);
  }

  /** Server sockets: stop receiving what is published to `topic`. */
  unsubscribe(topic: string): void {
    socketTopics(WebSocket.#of(this, "unsubscribe").session, "unsubscribe").unsubscribe(this, topic);
  }

  /** Server sockets: whether this socket is subscribed to `topic`. */
  isSubscribed(topic: string): boolean {
    return socketTopics(WebSocket.#of(this, "check a subscription").session, "check a subscription")
      .isSubscribed(this, topic);
  }

  /** The topics this socket is subscribed to (always none on a client socket). */
  get subscriptions(): string[] {
    return subscriptionsOf(WebSocket.#of(this, "read subscriptions").session, this);
  }

  /**
   * Server sockets: send to every subscriber of `topic` but this socket, here
   * and on the other servers of the broker. Returns how many local sockets got it.
   */
  publish(topic: string, data: TopicData): number {
    return socketTopics(WebSocket.#of(this, "publish").session, "publish").publish(topic, data, undefined, this);
  }

  /** Send a ping (at most 125 bytes); the matching `pong` event carries the round-trip time. */
  ping(data: string | ArrayBufferView | ArrayBuffer = new Uint8Array(0)): void {
    const core = WebSocket.#of(this, "ping");
    core.ping(typeof data === "string" ? encoder.encode(data) : bytesOf(data));
  }

  /** Resolves once `bufferedAmount` is zero (or the connection closed). */
  async drained(): Promise<void> {
    // A promise-returning operation reports even a foreign receiver by rejecting.
    await WebSocket.#of(this, "wait for drain").drained();
  }

  /** Drop the connection at once (no closing handshake): `close` fires with 1006. */
  terminate(): void {
    WebSocket.#of(this, "terminate").terminate();
  }

  /** Listen for an event (typed by {@link WebSocketEventMap}); a throwing listener is reported, never fatal. */
  override addEventListener<K extends keyof WebSocketEventMap>(
    type: K,
    listener: WebSocketListener<K>,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /** Listen for any other event type. */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(_type: string, _listener: unknown): void {
    // Anything else is still an EventTarget to this method, as to the one it stands in for.
    if (!WebSocket.#is(this)) return void nativeAdd.apply(this, arguments as never);
    this.#core.safeListeners().add(arguments);
  }

  /** Stop listening. */
  override removeEventListener<K extends keyof WebSocketEventMap>(
    type: K,
    listener: WebSocketListener<K>,
    options?: boolean | EventListenerOptions,
  ): void;
  /** Stop listening for any other event type. */
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(_type: string, _listener: unknown): void {
    if (!WebSocket.#is(this)) return void nativeRemove.apply(this, arguments as never);
    this.#core.safeListeners().remove(arguments);
  }

  static #is(value: unknown): value is WebSocket {
    return (typeof value === "object" || typeof value === "function") && value !== null && #core in value;
  }

  // WebIDL checks the receiver before any argument.
  static #of(value: unknown, what: string): SocketCore {
    if (!WebSocket.#is(value)) throw new TypeError(`Cannot ${what}: the receiver is not a WebSocket`);
    return value.#core;
  }

  static {
    coreOf = (ws) => ws.#core;
    // Where the runtime calls on<type> itself, dispatches by the page must hide the handler too.
    dispatchThroughListeners(WebSocket.prototype, (value) => WebSocket.#is(value) ? value.#core.listeners : undefined);
  }
}

/**
 * The session of a socket (undefined while a client socket connects, or when
 * it failed to): how a server reaches a connection from its socket. Not
 * exported from the package.
 *
 * @example
 * ```ts
 * declare const ws: WebSocket;
 * sessionOf(ws)?.close(1001, "going away");
 * ```
 */
export function sessionOf(ws: WebSocket): Session | undefined {
  return coreOf(ws).session;
}

defineInterface(WebSocket, {
  name: "WebSocket",
  constants: { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 },
  members: [
    ...["url", "readyState", "bufferedAmount", "onopen", "onerror", "onclose", "extensions", "protocol", "close"],
    ...["onmessage", "binaryType", "send", "addEventListener", "removeEventListener"],
  ],
  // WebIDL counts only required arguments: `new WebSocket(url)`, `close()`, `addEventListener(type, callback)`.
  lengths: { constructor: 1, close: 0, addEventListener: 2, removeEventListener: 2 },
});
