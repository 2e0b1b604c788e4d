/**
 * `WebSocketStream`, the WHATWG proposal browsers ship (whatwg/websockets
 * PR 48): a connection as a `ReadableStream` of messages and a
 * `WritableStream` of messages to send, with backpressure both ways.
 *
 * - Receiving: the readable's queue holds up to `highWaterMark` bytes; once
 *   full, the engine stops reading the socket (the transport is paused, the
 *   peer's TCP window closes) until the application reads again. What the
 *   read that filled it brought is still delivered, and so is a read already
 *   in flight, so the queue passes the mark by at most two reads (plus one
 *   message being assembled).
 * - Sending: a write's promise resolves once its frame was handed to the
 *   operating system, not when it was queued.
 *
 * @example
 * ```ts
 * import { WebSocketStream } from "./stream.ts";
 * const wss = new WebSocketStream("ws://127.0.0.1:8080/chat", { protocols: ["chat"] });
 * const { readable, writable, protocol } = await wss.opened;
 * const writer = writable.getWriter();
 * await writer.write("hello"); // resolved: the frame is on its way
 * for await (const message of readable) console.log(message);
 * const { closeCode, reason } = await wss.closed;
 * ```
 * @module
 */

import { connectClient } from "../client/connect.ts";
import { checkCloseArguments, clampUnsignedShort } from "../protocol/close_codes.ts";
import type { WebSocketError } from "../protocol/errors.ts";
import { normalizeProtocols } from "../protocol/subprotocols.ts";
import { parseWebSocketUrl } from "../protocol/ws_url.ts";
import { ON_CLOSE, ON_ERROR, ON_MESSAGE, type SessionEvents } from "../session/contract.ts";
import type { Session } from "../session/session.ts";
import { Deferred } from "./deferred.ts";
import { toDictionary, toUSVString } from "./idl.ts";
import { bytesOf } from "./message_data.ts";
import { closedError, type WebSocketCloseInfo, WebSocketStreamError } from "./stream_error.ts";
import { type AcceptedStream, streamServerEvents } from "./stream_server.ts";
import type { StreamChunk, StreamMessage, WebSocketOpenInfo, WebSocketStreamOptions } from "./stream_types.ts";

export { type WebSocketCloseInfo, WebSocketStreamError } from "./stream_error.ts";
export type { StreamChunk, StreamMessage, WebSocketOpenInfo, WebSocketStreamOptions } from "./stream_types.ts";
export type { AcceptedStream } from "./stream_server.ts";

const DEFAULT_HIGH_WATER_MARK = 64 * 1024;
// The constructor's first argument when the server makes a stream: no user code can pass it.
const ACCEPTED: unique symbol = Symbol("accepted");

/**
 * A WebSocket connection as a pair of streams.
 *
 * @example
 * ```ts
 * const abort = new AbortController();
 * const wss = new WebSocketStream("wss://example.com/feed", { signal: abort.signal });
 * wss.opened.catch((error) => console.log(error.name)); // "AbortError" once aborted before opening
 * abort.abort();
 * ```
 */
export class WebSocketStream {
  readonly #url: string;
  readonly #opened = new Deferred<WebSocketOpenInfo>();
  readonly #closed = new Deferred<WebSocketCloseInfo>();
  #state: "connecting" | "open" | "closing" | "closed" = "connecting";
  #session: Session | undefined;
  #abort = new AbortController();
  #readable: ReadableStreamDefaultController<StreamMessage> | undefined;
  #writable: WritableStreamDefaultController | undefined;
  #readableDone = false;
  #paused = false;
  #failure: WebSocketError | Error | undefined;
  #accepted = false;

  /** Open a connection to `url`. A bad URL or protocol list throws a `SyntaxError` `DOMException`. */
  constructor(url: string | URL, options: WebSocketStreamOptions = {}) {
    if ((url as unknown) === ACCEPTED) {
      const server = options as unknown as AcceptedStream;
      this.#accepted = true;
      this.#url = server.url;
      this.#open(server.session, server.protocol, server.extensions, DEFAULT_HIGH_WATER_MARK);
      return;
    }
    const target = parseWebSocketUrl(url);
    const protocols = normalizeProtocols(options.protocols);
    this.#url = target.url;
    const signal = options.signal;
    if (signal?.aborted) {
      this.#failConnecting(signal.reason);
      return;
    }
    // The signal only aborts the opening handshake, as the proposal says.
    const onAbort = () => {
      this.#failConnecting(signal!.reason);
      this.#abort.abort();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    const limits = { maxPayload: options.maxPayload ?? 100 * 1024 * 1024, maxFragments: 100_000 };
    connectClient(target, protocols, { ...options, signal: this.#abort.signal, limits }, {
      opened: (session, protocol, extensions) => {
        signal?.removeEventListener("abort", onAbort);
        this.#open(session, protocol, extensions, highWaterMark);
      },
      events: this,
    }).catch((error: WebSocketError) => {
      signal?.removeEventListener("abort", onAbort);
      this.#failConnecting(closedError(error.message, 1006, "", error));
    });
  }

  /** The URL, serialized. */
  get url(): string {
    return this.#url;
  }

  /** Resolves once open, with the streams; rejects when the connection could not be opened. */
  get opened(): Promise<WebSocketOpenInfo> {
    return this.#opened.promise;
  }

  /** Resolves with the close code and reason after a clean close; rejects with a `WebSocketStreamError` otherwise. */
  get closed(): Promise<WebSocketCloseInfo> {
    return this.#closed.promise;
  }

  /**
   * Start the closing handshake (before opening: give up opening). `closeCode`
   * must be 1000 or 3000–4999 (`InvalidAccessError`), or on a server's stream
   * also one RFC 6455 gives an endpoint (1001–1003, 1007–1009, 1011–1014), as
   * `WebSocket.close()`; `reason` at most 123 UTF-8 bytes (`SyntaxError`).
   */
  close(closeInfo: WebSocketCloseInfo = {}): void {
    // WebIDL converts the dictionary (a non-object is a TypeError), then its members in order.
    const info = toDictionary(closeInfo, "WebSocketCloseInfo");
    const closeCode = info.closeCode === undefined ? undefined : clampUnsignedShort(info.closeCode as number);
    const reason = info.reason === undefined ? undefined : toUSVString(info.reason);
    const code = checkCloseArguments(closeCode, reason, this.#accepted);
    if (this.#state === "connecting") {
      this.#failConnecting(closedError("Cannot open: closed before the handshake finished", 1006, ""));
      this.#abort.abort();
      return;
    }
    this.#closeWith(code, reason ?? "");
  }

  /** @internal Session event: a whole message. */
  [ON_MESSAGE](data: string | Uint8Array): void {
    const readable = this.#readable;
    if (readable === undefined || this.#readableDone) return;
    readable.enqueue(data);
    // Full: stop reading the socket until the application reads (see `pull`).
    if (!this.#paused && (readable.desiredSize ?? 0) <= 0 && this.#state === "open") {
      this.#paused = true;
      this.#session?.pauseReading();
    }
  }

  /** @internal Session event: the connection failed. */
  [ON_ERROR](error: WebSocketError | Error): void {
    this.#failure = error;
  }

  /** @internal Session event: the connection is closed. */
  [ON_CLOSE](code: number, reason: string, wasClean: boolean): void {
    this.#state = "closed";
    if (wasClean) {
      this.#closed.resolve({ closeCode: code, reason });
      if (!this.#readableDone) this.#readable?.close();
      this.#writable?.error(closedError("Cannot write: the connection is closed", code, reason));
    } else {
      const message = this.#failure?.message ?? "Cannot continue the WebSocket connection: closed abnormally";
      const error = closedError(message, code, reason, this.#failure);
      this.#closed.reject(error);
      if (!this.#readableDone) this.#readable?.error(error);
      this.#writable?.error(error);
    }
    this.#readableDone = true;
  }

  #open(session: Session, protocol: string, extensions: string, highWaterMark: number): void {
    if (this.#state !== "connecting") return;
    this.#state = "open";
    this.#session = session;
    const readable = new ReadableStream<StreamMessage>({
      start: (controller) => void (this.#readable = controller),
      pull: () => this.#resume(),
      cancel: (reason) => {
        this.#readableDone = true;
        this.#closeFrom(reason);
      },
    }, { highWaterMark, size: (message) => typeof message === "string" ? message.length : message.byteLength });
    const writable = new WritableStream<StreamChunk>({
      start: (controller) => void (this.#writable = controller),
      write: (chunk) => this.#write(chunk),
      close: () => this.#closeFrom(undefined),
      abort: (reason) => this.#closeFrom(reason),
    });
    this.#opened.resolve({ readable, writable, extensions, protocol });
  }

  async #write(chunk: StreamChunk): Promise<void> {
    let data: string | Uint8Array;
    if (typeof chunk === "string") data = chunk;
    else if (chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk)) data = bytesOf(chunk);
    else throw new TypeError("Cannot write to a WebSocketStream: a chunk is a string, an ArrayBuffer or a view");
    const session = this.#session!;
    if (this.#state !== "open" || !session.send(data)) {
      throw new WebSocketStreamError("Cannot write to a WebSocketStream: the connection is closing");
    }
    // Resolved once the frame was handed to the operating system.
    await session.drained();
  }

  // A cancel or abort reason that is a WebSocketStreamError gives its code and reason.
  #closeFrom(reason: unknown): void {
    if (reason instanceof WebSocketStreamError) this.#closeWith(reason.closeCode ?? undefined, reason.reason);
    else this.#closeWith(undefined, "");
  }

  #closeWith(code: number | undefined, reason: string): void {
    if (this.#state !== "open") return;
    this.#state = "closing";
    // The peer's close frame must be read, even behind unread messages.
    this.#resume();
    this.#session?.close(code ?? (reason ? 1000 : 1005), reason);
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#session?.resumeReading();
  }

  #failConnecting(reason: unknown): void {
    if (this.#state !== "connecting") return;
    this.#state = "closed";
    this.#opened.reject(reason);
    this.#closed.reject(reason);
  }
}

/**
 * Make the stream of a connection the server accepted: open at once. The
 * events for its session go to the stream and to those the session reports
 * to now, the accepted socket's (see `stream_server.ts`). Not
 * exported from the package: only the server makes these.
 *
 * @example
 * ```ts
 * declare const accepted: AcceptedStream;
 * const { stream, events } = acceptedStream(accepted);
 * accepted.session.setEvents(events);
 * const { readable } = await stream.opened;
 * ```
 */
export function acceptedStream(accepted: AcceptedStream): { stream: WebSocketStream; events: SessionEvents } {
  const stream = new WebSocketStream(ACCEPTED as unknown as string, accepted as unknown as WebSocketStreamOptions);
  return { stream, events: streamServerEvents(stream, accepted.session.events) };
}
