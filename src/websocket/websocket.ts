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

import { connectClient, type WebSocketOptions } from "../client/connect.ts";
import { CloseEvent, ErrorEvent } from "./dom.ts";
import { checkCloseArguments } from "../protocol/close_codes.ts";
import type { WebSocketError } from "../protocol/errors.ts";
import { normalizeProtocols } from "../protocol/subprotocols.ts";
import { originOf, parseWebSocketUrl } from "../protocol/ws_url.ts";
import { WebSocketEvents } from "./events.ts";
import type { Session } from "../session/session.ts";
import { ON_CLOSE, ON_CLOSING, ON_ERROR, ON_MESSAGE, ON_PING, ON_PONG } from "../session/contract.ts";
import type { NetAddress } from "../transport/types.ts";
import { bytesOf, isBinary, sizeOf, toArrayBuffer } from "./message_data.ts";
import { SendQueue } from "./send_order.ts";
import { type KeptRequest, restoreRequest, type UpgradeInfo } from "./upgrade_info.ts";
import { defineInterface, isOptionsObject, toDOMString, toProtocols } from "./idl.ts";
import { socketTopics, subscriptionsOf } from "../pubsub/socket_topics.ts";
import type { TopicData } from "../pubsub/topics.ts";

export type { UpgradeInfo } from "./upgrade_info.ts";
export type { WebSocketOptions } from "../client/connect.ts";

/** How `binaryType` presents binary messages. */
export type BinaryType = "blob" | "arraybuffer";

const encoder = new TextEncoder();
let accepting: { session: Session; protocol: string; extensions: string; upgrade: KeptRequest } | undefined;

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
export class WebSocket extends WebSocketEvents {
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

  #url: string;
  #origin: string | undefined;
  #readyState = 0;
  #protocol = "";
  #extensions = "";
  #binaryType: BinaryType = "blob";
  #session: Session | undefined;
  // Client only: aborts the connection attempt (close() while CONNECTING).
  #abort: AbortController | undefined;
  #afterCloseBytes = 0;
  // Made on first use: only a Blob, or a send() behind one, waits here.
  #queue: SendQueue | undefined;
  #upgrade: KeptRequest | undefined;
  #request: UpgradeInfo | undefined;

  /**
   * Open a connection to `url` (`ws:`, `wss:`, `http:` or `https:`). The
   * second argument is a subprotocol or a list of them, or an options object.
   * Bad `headers` throw a `TypeError` here, as in undici, Deno and Bun.
   */
  constructor(url: string | URL, protocols?: string | string[] | WebSocketOptions) {
    if (arguments.length === 0) throw new TypeError("Cannot construct a WebSocket: a URL is required");
    super();
    const server = accepting;
    accepting = undefined;
    if (server !== undefined) {
      this.#url = server.upgrade.url;
      this.#readyState = 1;
      this.#protocol = server.protocol;
      this.#extensions = server.extensions;
      this.#session = server.session;
      this.#upgrade = server.upgrade;
      return;
    }
    const options = isOptionsObject(protocols) ? protocols as WebSocketOptions : { protocols };
    const target = parseWebSocketUrl(url);
    const offered = normalizeProtocols(toProtocols(options.protocols));
    this.#url = target.url;
    this.#abort = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, this.#abort.signal]) : this.#abort.signal;
    const limits = {
      maxPayload: options.maxPayload ?? 100 * 1024 * 1024,
      maxFragments: options.maxFragments ?? 100_000,
    };
    connectClient(target, offered, { ...options, signal, limits }, {
      opened: (session, protocol, extensions) => {
        if (this.#readyState !== 0) return;
        this.#session = session;
        this.#readyState = 1;
        this.#protocol = protocol;
        this.#extensions = extensions;
        this.dispatchEvent(new Event("open"));
      },
      events: this,
    }).then(() => this.#pump(), (error: WebSocketError) => this.#failConnecting(error));
  }

  /** The URL, serialized. */
  get url(): string {
    return this.#url;
  }
  /** `CONNECTING` (0), `OPEN` (1), `CLOSING` (2) or `CLOSED` (3). */
  get readyState(): number {
    return this.#readyState;
  }
  /** Application bytes queued by `send` and not yet handed to the network. */
  get bufferedAmount(): number {
    return (this.#session?.bufferedAmount ?? 0) + (this.#queue?.bytes ?? 0) + this.#afterCloseBytes;
  }
  /** The extensions the server chose ("" until open). */
  get extensions(): string {
    return this.#extensions;
  }
  /** The subprotocol the server chose ("" when none). */
  get protocol(): string {
    return this.#protocol;
  }
  /** `"blob"` (default) or `"arraybuffer"`; other values are ignored. */
  get binaryType(): BinaryType {
    return this.#binaryType;
  }
  set binaryType(value: BinaryType) {
    const type = toDOMString(value);
    if (type === "blob" || type === "arraybuffer") this.#binaryType = type;
  }

  /** The peer's address (where the runtime tells it). */
  get remoteAddress(): NetAddress | undefined {
    return this.#upgrade?.remoteAddress ?? this.#session?.transport.remoteAddress;
  }
  /** On an accepted socket: the upgrade request's URL and headers. */
  get request(): UpgradeInfo | undefined {
    if (this.#upgrade !== undefined) this.#request ??= restoreRequest(this.#upgrade);
    return this.#request;
  }

  /**
   * Send a message. Throws `InvalidStateError` while CONNECTING (a `TypeError`
   * without an argument); after `close()`, data is dropped but counted in
   * `bufferedAmount`.
   */
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    // Only a missing argument is a TypeError; `send(undefined)` sends "undefined". Optimizing
    // compilers drop the unused `arguments` object; unoptimized code pays for it (measured: no change).
    if (data === undefined && arguments.length === 0) throw new TypeError("Cannot send: no data given");
    if (this.#readyState === 0) throw new DOMException("Cannot send: still CONNECTING", "InvalidStateError");
    if (typeof data !== "string" && !isBinary(data)) data = toDOMString(data);
    if (this.#readyState !== 1) {
      this.#afterCloseBytes += sizeOf(data);
      return;
    }
    // Order is kept even when a Blob must be read first: everything queues behind it.
    if ((this.#queue === undefined || this.#queue.idle) && !(data instanceof Blob) && this.#session !== undefined) {
      this.#session.send(typeof data === "string" ? data : bytesOf(data));
      return;
    }
    // A copy now: the caller may reuse its buffer before the queue drains.
    const queued = typeof data === "string" || data instanceof Blob ? data : bytesOf(data).slice();
    (this.#queue ??= new SendQueue()).push(queued);
    this.#pump();
  }

  /**
   * Close. `code` must be 1000 or 3000–4999 (`InvalidAccessError`), `reason`
   * at most 123 UTF-8 bytes (`SyntaxError`). While CONNECTING this fails the
   * connection (`error`, then `close` with 1006). Messages sent before go
   * out first, a Blob among them included.
   */
  close(code?: number, reason?: string): void {
    if (reason !== undefined) reason = toDOMString(reason);
    code = checkCloseArguments(code, reason);
    if (this.#readyState >= 2) return;
    if (this.#readyState === 0) {
      this.#readyState = 2;
      this.#abort?.abort();
      return;
    }
    this.#readyState = 2;
    const closeNow = () => this.#session?.close(code ?? (reason ? 1000 : 1005), reason ?? "");
    if (this.#queue === undefined) closeNow();
    else this.#queue.finish(closeNow);
  }

  /** Send a ping (at most 125 bytes); the matching `pong` event carries the round-trip time. */
  ping(data: string | ArrayBufferView | ArrayBuffer = new Uint8Array(0)): void {
    if (this.#readyState === 0) throw new DOMException("Cannot ping: still CONNECTING", "InvalidStateError");
    const payload = typeof data === "string" ? encoder.encode(data) : bytesOf(data);
    if (payload.length > 125) throw new DOMException("Cannot ping: payload longer than 125 bytes", "SyntaxError");
    if (this.#readyState === 1) this.#session?.ping(payload);
  }

  /** Resolves once `bufferedAmount` is zero (or the connection closed). */
  async drained(): Promise<void> {
    await this.#queue?.settled();
    await this.#session?.drained();
  }

  /** Drop the connection at once (no closing handshake): `close` fires with 1006. */
  terminate(): void {
    if (this.#readyState === 3) return;
    if (this.#session === undefined) return this.close();
    this.#readyState = 2;
    this.#queue?.clear();
    this.#session.terminate();
  }

  /** Server sockets: receive what is published to `topic` from now on, until `unsubscribe` or close. */
  subscribe(topic: string): void {
    socketTopics(this.#session, "subscribe").subscribe(this, this.#session!, topic);
  }

  /** Server sockets: stop receiving what is published to `topic`. */
  unsubscribe(topic: string): void {
    socketTopics(this.#session, "unsubscribe").unsubscribe(this, topic);
  }

  /** Server sockets: whether this socket is subscribed to `topic`. */
  isSubscribed(topic: string): boolean {
    return socketTopics(this.#session, "check a subscription").isSubscribed(this, topic);
  }

  /** The topics this socket is subscribed to (always none on a client socket). */
  get subscriptions(): string[] {
    return subscriptionsOf(this.#session, this);
  }

  /**
   * Server sockets: send to every subscriber of `topic` but this socket, here
   * and on the other servers of the broker. Returns how many local sockets got it.
   */
  publish(topic: string, data: TopicData): number {
    return socketTopics(this.#session, "publish").publish(topic, data, undefined, this);
  }

  /** @internal Session event: a whole message. */
  [ON_MESSAGE](data: string | Uint8Array): void {
    if (this.#readyState !== 1) return;
    const value = typeof data === "string"
      ? data
      : this.#binaryType === "arraybuffer"
      ? toArrayBuffer(data)
      : new Blob([data as Uint8Array<ArrayBuffer>]);
    this.#origin ??= originOf(this.#url);
    this.dispatchEvent(new MessageEvent("message", { data: value, origin: this.#origin }));
  }

  /** @internal Session event: a pong, with the round-trip time when it answers our ping. */
  [ON_PONG](payload: Uint8Array, rtt: number | undefined): void {
    this.dispatchEvent(Object.assign(new Event("pong"), { data: payload, rtt }));
  }

  /** @internal Session event: a ping (already answered). */
  [ON_PING](payload: Uint8Array): void {
    this.dispatchEvent(Object.assign(new Event("ping"), { data: payload }));
  }

  /** @internal Session event: the peer's close frame arrived. */
  [ON_CLOSING](): void {
    if (this.#readyState === 1) this.#readyState = 2;
  }

  /** @internal Session event: the connection failed. */
  [ON_ERROR](error: WebSocketError | Error): void {
    this.dispatchEvent(new ErrorEvent("error", { message: error.message, error }));
  }

  /** @internal Session event: the connection is closed. */
  [ON_CLOSE](code: number, reason: string, wasClean: boolean): void {
    this.#readyState = 3;
    this.#queue?.clear();
    this.dispatchEvent(new CloseEvent("close", { code, reason, wasClean }));
  }

  #failConnecting(error: WebSocketError): void {
    this.#readyState = 3;
    this.dispatchEvent(new ErrorEvent("error", { message: error.message, error }));
    queueMicrotask(() => this.dispatchEvent(new CloseEvent("close", { code: 1006, reason: "", wasClean: false })));
  }

  #pump(): void {
    const session = this.#session;
    if (session === undefined || this.#queue === undefined) return;
    // Whatever waits was sent before close(): it still goes out, ahead of the close frame.
    void this.#queue.pump((payload) => session.send(payload));
  }

  /** @internal Wrap an accepted connection (used by the server). */
  static _accept(session: Session, protocol: string, extensions: string, upgrade: KeptRequest): WebSocket {
    accepting = { session, protocol, extensions, upgrade };
    return new WebSocket(upgrade.url);
  }
}

defineInterface(WebSocket, {
  name: "WebSocket",
  constants: { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 },
  members: ["url", "readyState", "bufferedAmount", "extensions", "protocol", "binaryType", "close", "send"],
  // WebIDL counts only required arguments: `new WebSocket(url)` and `close()`.
  lengths: { constructor: 1, close: 0 },
});
