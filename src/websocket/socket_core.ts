/**
 * What a `WebSocket` is behind its interface: its state (readyState,
 * protocol, the session, the send queue), what its operations do once
 * WebIDL has checked and converted their arguments, and the session's
 * events turned into DOM events on the socket. `websocket.ts` is the
 * interface (receivers, conversions, accessors) and holds one of these per
 * socket, so no engine method sits on `WebSocket.prototype`. How a socket
 * starts is beside it: a client's in `connect_socket.ts`, an accepted
 * one's in `accept_socket.ts`.
 *
 * @example
 * ```ts
 * import { SocketCore } from "./socket_core.ts";
 * const target = new EventTarget();
 * const core = new SocketCore(target, "ws://127.0.0.1:8080/");
 * console.log(core.readyState); // 0: connectSocket() or acceptSocket() goes on from here
 * ```
 * @module
 */

import { checkCloseArguments } from "../protocol/close_codes.ts";
import type { WebSocketError } from "../protocol/errors.ts";
import type { Session } from "../session/session.ts";
import {
  ON_CLOSE,
  ON_CLOSING,
  ON_ERROR,
  ON_MESSAGE,
  ON_PING,
  ON_PONG,
  type SessionEvents,
} from "../session/contract.ts";
import { CloseEvent } from "./close_event.ts";
import { errorEvent } from "./events.ts";
import { MessageEvent } from "./message_event.ts";
import { messageOrigin } from "./message_origin.ts";
import { bytesOf, sizeOf, toArrayBuffer } from "./message_data.ts";
import { SafeListeners } from "./safe_events.ts";
import { SendQueue } from "./send_order.ts";
import { RareState } from "./rare_state.ts";
import type { KeptRequest } from "./upgrade_info.ts";
import type { NetAddress } from "../transport/types.ts";

/** How `binaryType` presents binary messages. */
export type BinaryType = "blob" | "arraybuffer";

const nativeDispatch = EventTarget.prototype.dispatchEvent;

/**
 * One socket's state and behaviour; `target` is the `WebSocket` its events
 * are fired at.
 *
 * @example
 * ```ts
 * declare const core: SocketCore;
 * if (core.readyState === 1) core.close(1000, "done");
 * ```
 */
export class SocketCore implements SessionEvents {
  /** The socket events are fired at. */
  readonly target: EventTarget;
  /** The URL, serialized. */
  readonly url: string;
  /** CONNECTING (0), OPEN (1), CLOSING (2) or CLOSED (3). */
  readyState = 0;
  /** The subprotocol the server chose. */
  protocol = "";
  /** The extensions the server chose. */
  extensions = "";
  /** How binary messages are delivered. */
  binaryType: BinaryType = "blob";
  /** The open session (undefined while CONNECTING, or when it failed). */
  session: Session | undefined;
  // On an accepted socket: its upgrade request's fields and peer, kept here
  // rather than in an object of their own (idle connections are many).
  #fields: string | undefined;
  #acceptedFrom: NetAddress | undefined;
  /** On an accepted socket: what its `upgrade` hook returned as `data` (the application's to replace). */
  data: unknown;
  /** Listeners and on<type> handlers, wrapped (made on first use). */
  listeners: SafeListeners | undefined;
  // What few sockets use, made on first use: a slot each would cost every idle one.
  #rare: RareState | undefined;

  /**
   * A socket firing at `target`, CONNECTING until `connectSocket` or
   * `acceptSocket` goes on; the latter gives `upgrade`, the request the
   * server accepted.
   */
  constructor(target: EventTarget, url: string, upgrade?: KeptRequest) {
    this.target = target;
    this.url = url;
    if (upgrade === undefined) return;
    this.#fields = upgrade.fields;
    this.#acceptedFrom = upgrade.remoteAddress;
  }

  /** On an accepted socket: its upgrade request (made when asked for). */
  get upgrade(): KeptRequest | undefined {
    const fields = this.#fields;
    return fields === undefined ? undefined : { url: this.url, remoteAddress: this.#acceptedFrom, fields };
  }

  /** The peer's address: as accepted, on a server's socket; else where the runtime tells it. */
  get remoteAddress(): NetAddress | undefined {
    return this.#acceptedFrom ?? this.session?.transport.remoteAddress;
  }

  /** Application bytes queued and not yet handed to the network. */
  get bufferedAmount(): number {
    const rare = this.#rare;
    return (this.session?.bufferedAmount ?? 0) +
      (rare === undefined ? 0 : (rare.queue?.bytes ?? 0) + rare.afterCloseBytes);
  }

  /** Called after each `send` that went straight to the session (a handler object's `drain` watches here). */
  get onSent(): (() => void) | undefined {
    return this.#rare?.onSent;
  }
  set onSent(onSent: (() => void) | undefined) {
    this.#more().onSent = onSent;
  }

  /** `send()` with its argument converted. */
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    if (this.readyState === 0) throw new DOMException("Cannot send: still CONNECTING", "InvalidStateError");
    if (this.readyState !== 1) {
      this.#more().afterCloseBytes += sizeOf(data);
      return;
    }
    const rare = this.#rare;
    const queue = rare?.queue;
    // Order is kept even when a Blob must be read first: everything queues behind it.
    if ((queue === undefined || queue.idle) && !(data instanceof Blob) && this.session !== undefined) {
      // Refused once our close frame went out (the peer's close or a failure may come first):
      // counted, as the standard counts data sent after close(), never dropped unseen.
      if (!this.session.send(typeof data === "string" ? data : bytesOf(data))) {
        this.#more().afterCloseBytes += sizeOf(data);
      } else if (rare?.onSent !== undefined) rare.onSent();
      return;
    }
    // A copy now: the caller may reuse its buffer before the queue drains.
    const queued = typeof data === "string" || data instanceof Blob ? data : bytesOf(data).slice();
    (this.#more().queue ??= new SendQueue()).push(queued);
    this.pump();
  }

  /** `close()` with its arguments converted. */
  close(code: number | undefined, reason: string | undefined): void {
    code = checkCloseArguments(code, reason, this.#fields !== undefined);
    if (this.readyState >= 2) return;
    if (this.readyState === 0) {
      this.readyState = 2;
      this.#rare?.abort?.abort();
      return;
    }
    this.readyState = 2;
    const closeNow = () => this.session?.close(code ?? (reason ? 1000 : 1005), reason ?? "");
    const queue = this.#rare?.queue;
    if (queue === undefined) closeNow();
    else queue.finish(closeNow);
  }

  /** `ping()` with its payload as bytes. */
  ping(payload: Uint8Array): void {
    if (this.readyState === 0) throw new DOMException("Cannot ping: still CONNECTING", "InvalidStateError");
    if (payload.length > 125) throw new DOMException("Cannot ping: payload longer than 125 bytes", "SyntaxError");
    if (this.readyState === 1) this.session?.ping(payload);
  }

  /** Resolves once nothing is queued (or the connection closed). */
  async drained(): Promise<void> {
    await this.#rare?.queue?.settled();
    await this.session?.drained();
  }

  /** Drop the connection at once. */
  terminate(): void {
    if (this.readyState === 3) return;
    if (this.session === undefined) return this.close(undefined, undefined);
    this.readyState = 2;
    this.#rare?.queue?.clear();
    this.session.terminate();
  }

  /** Session event: a whole message. */
  [ON_MESSAGE](data: string | Uint8Array): void {
    if (this.readyState !== 1) return;
    const value = typeof data === "string"
      ? data
      : this.binaryType === "arraybuffer"
      ? toArrayBuffer(data)
      : new Blob([data as Uint8Array<ArrayBuffer>]);
    this.fire(new MessageEvent("message", { data: value, origin: messageOrigin(this.url) }));
  }

  /** Session event: a pong, with the round-trip time when it answers our ping. */
  [ON_PONG](payload: Uint8Array, rtt: number | undefined): void {
    this.fire(Object.assign(new Event("pong"), { data: payload, rtt }));
  }

  /** Session event: a ping (already answered). */
  [ON_PING](payload: Uint8Array): void {
    this.fire(Object.assign(new Event("ping"), { data: payload }));
  }

  /** Session event: the peer's close frame arrived. */
  [ON_CLOSING](): void {
    if (this.readyState === 1) this.readyState = 2;
  }

  /** Session event: the connection failed. */
  [ON_ERROR](error: WebSocketError | Error): void {
    // "Fail the WebSocket connection": readyState is CLOSED before `error` fires, then `close`.
    this.readyState = 3;
    this.fire(errorEvent(error));
  }

  /** Session event: the connection is closed. */
  [ON_CLOSE](code: number, reason: string, wasClean: boolean): void {
    this.closed();
    this.fire(new CloseEvent("close", { code, reason, wasClean }));
  }

  /** The connection is closed: CLOSED, and what still waited to be sent is dropped; no event fired. */
  closed(): void {
    this.readyState = 3;
    this.#rare?.queue?.clear();
  }

  /** The standard's "fire an event": not through a `dispatchEvent` the page may have replaced. */
  fire(event: Event): void {
    if (this.listeners === undefined) nativeDispatch.call(this.target, event);
    else this.listeners.dispatch(event);
  }

  /** The listener state, made on first use. */
  safeListeners(): SafeListeners {
    return this.listeners ??= new SafeListeners(this.target);
  }

  /** Client sockets: the controller that `close()` while CONNECTING aborts, made now. */
  abortController(): AbortController {
    return this.#more().abort = new AbortController();
  }

  /** Hand what was queued (behind a Blob, or while connecting) to the session, in order. */
  pump(): void {
    const session = this.session;
    const rare = this.#rare;
    if (session === undefined || rare?.queue === undefined) return;
    // Whatever waits was sent before close(): it still goes out, ahead of the close frame.
    void rare.queue.pump((payload, size) => {
      if (!session.send(payload)) rare.afterCloseBytes += size;
    });
  }

  #more(): RareState {
    return this.#rare ??= new RareState();
  }
}
