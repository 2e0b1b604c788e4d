/**
 * Writing one HTTP/1.1 answer from a `Response`: the head with the framing
 * the server decides (the length the application set, else chunked; never
 * a body for HEAD, 1xx, 204 or 304), then the body streamed as it is
 * produced, waiting for a slow peer and stopping once the peer is gone.
 *
 * @example
 * ```ts
 * import { ResponseWriter } from "./http_response.ts";
 * import type { Transport } from "../transport/types.ts";
 * declare const transport: Transport;
 * await new ResponseWriter(transport, { method: "HEAD" }, {})
 *   .send(new Response("not sent for HEAD"));
 * ```
 * @module
 */

import { encodeChunk, LAST_CHUNK } from "../protocol/http1/chunked.ts";
import { parseContentLength } from "../protocol/http1/request_body.ts";
import { encodeLatin1, formatFields } from "../protocol/http1/write.ts";
import { reasonPhrase } from "../protocol/server_responses.ts";
import { listIncludes } from "../protocol/http1/tokens.ts";
import type { Transport } from "../transport/types.ts";

// Framing and persistence are the server's to decide.
const FRAMING = new Set(["connection", "keep-alive", "content-length", "transfer-encoding"]);

/**
 * What the writer reads of the request head. http.ts's `HttpRequestHead` fits; the shape is said here so that
 * only http.ts imports the other file (no circle).
 */
export interface AnsweredRequest {
  /** Request method: a HEAD answer has no body. */
  method: string;
  /** `HTTP/1.0` gets no chunked answer. */
  version?: string;
}

/** What the writer reads of the connection (http.ts's `HttpContext` fits). */
export interface AnswerContext {
  /** The transport's `drain` and `closed`; without them a full transport is polled. */
  flow?: { readonly signal: AbortSignal; writable(): Promise<void> };
  /** Idle ms before the server closes a kept-alive connection (announced in `Keep-Alive: timeout=`). */
  keepAliveTimeout?: number;
}

/**
 * Writes one answer and remembers whether any byte of it went out.
 *
 * @example
 * ```ts
 * import type { Transport } from "../transport/types.ts";
 * declare const transport: Transport;
 * const writer = new ResponseWriter(transport, { method: "GET" }, {});
 * await writer.send(new Response("hi"));
 * ```
 */
export class ResponseWriter {
  readonly #transport: Transport;
  readonly #request: AnsweredRequest;
  readonly #context: AnswerContext;
  /** A byte of the answer went out: its status can no longer change. */
  started = false;
  #gone = false;

  constructor(transport: Transport, request: AnsweredRequest, context: AnswerContext) {
    this.#transport = transport;
    this.#request = request;
    this.#context = context;
  }

  get #closed(): boolean {
    return this.#gone || this.#context.flow?.signal.aborted === true;
  }

  /**
   * Write `response`. With `keep`, the connection persists unless the
   * answer cannot be framed without closing it (a body of unknown length
   * to HTTP/1.0); resolves whether it does. Otherwise the answer says
   * `Connection: close` and ends the transport.
   */
  async send(response: Response, keep = false): Promise<boolean> {
    const status = response.status;
    // RFC 9110 §6.4.1: these never have content, so no framing either.
    const bodiless = status < 200 || status === 204 || status === 304;
    const declared = response.headers.get("content-length");
    const length = bodiless || declared === null ? undefined : parseContentLength(declared);
    if (length === -1) throw new TypeError(`The response's content-length is not a number: ${declared}`);
    // A HEAD answer carries the fields of the GET one, but no body and no length invented for it.
    const sendsBody = !bodiless && this.#request.method !== "HEAD";
    const body = sendsBody ? response.body : null;
    if (body === null && sendsBody && length !== undefined && length > 0) {
      throw new TypeError(`The response has no body, yet a content-length of ${length}`);
    }
    // An HTTP/1.0 peer knows no chunks: a body of unknown length ends where the connection does.
    const chunked = length === undefined && this.#request.version !== "HTTP/1.0";
    const fields = [...response.headers].filter(([name]) => !FRAMING.has(name));
    if (length !== undefined) fields.push(["content-length", String(length)]);
    else if (body !== null && chunked) fields.push(["transfer-encoding", "chunked"]);
    else if (body === null && sendsBody) fields.push(["content-length", "0"]);
    // An HTTP/1.0 peer reads a body of unknown length to the end of the connection.
    if (body !== null && length === undefined && !chunked) keep = false;
    // The application may end the connection with its answer.
    const connection = response.headers.get("connection") ?? "";
    if (listIncludes(connection, 0, connection.length, "close")) keep = false;
    if (!keep) fields.push(["connection", "close"]);
    else if (this.#request.version === "HTTP/1.0") fields.push(["connection", "keep-alive"]);
    // As node:http does: a client that knows the idle timeout does not send into a connection about to close.
    const idle = Math.floor((this.#context.keepAliveTimeout ?? 0) / 1000);
    if (keep && idle > 0) fields.push(["keep-alive", `timeout=${idle}`]);
    const reason = response.statusText || reasonPhrase(status);
    const head = encodeLatin1(`HTTP/1.1 ${status} ${reason}\r\n${formatFields(fields)}\r\n`);
    // Taken only now that nothing can fail before it is read: a locked body could not be cancelled.
    const reader = body?.getReader();
    if (body === null) response.body?.cancel().catch(() => {});
    await this.#write(head);
    if (reader !== undefined) await this.#stream(reader, length, chunked);
    if (this.#closed) return false;
    if (!keep) this.#transport.end();
    return keep;
  }

  // Copy the body out as it comes, and stop reading it once the peer is gone.
  async #stream(reader: ReadableStreamDefaultReader<Uint8Array>, length: number | undefined, chunked: boolean) {
    const stop = (): void => void reader.cancel().catch(() => {});
    const signal = this.#context.flow?.signal;
    signal?.addEventListener("abort", stop);
    let sent = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || this.#closed) break;
        if (!(value instanceof Uint8Array)) throw new TypeError("The response body yielded something other than bytes");
        if (value.length === 0) continue;
        sent += value.length;
        if (length !== undefined && sent > length) throw new TypeError(`The body is longer than ${length} bytes`);
        await this.#write(chunked ? encodeChunk(value) : value);
      }
    } catch (error) {
      stop();
      throw error;
    } finally {
      signal?.removeEventListener("abort", stop);
    }
    if (this.#closed) return stop();
    if (length !== undefined && sent < length) throw new TypeError(`The body is shorter than ${length} bytes`);
    if (chunked) await this.#write(LAST_CHUNK);
  }

  async #write(bytes: Uint8Array): Promise<void> {
    this.started = true;
    const transport = this.#transport;
    if (transport.write(bytes)) return;
    if (this.#context.flow !== undefined) return await this.#context.flow.writable();
    // Without the connection's signals: poll until the queue is empty; then
    // only a closed transport refuses a write (true of every adapter).
    while (transport.writableLength > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    this.#gone = !transport.write(EMPTY);
  }
}

const EMPTY = new Uint8Array(0);

/**
 * A small answer of the server's own, framed by its length.
 *
 * @example
 * ```ts
 * plain(400).status; // 400
 * ```
 */
export function plain(status: number, text = "", headers: Record<string, string> = {}): Response {
  const body = new TextEncoder().encode(text);
  if (body.length > 0) headers["content-type"] = "text/plain";
  return new Response(body.length > 0 ? body : null, {
    status,
    headers: { ...headers, "content-length": String(body.length) },
  });
}
