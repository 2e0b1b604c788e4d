/**
 * Plain HTTP on the WebSocket port: a request that is not an upgrade goes
 * to the application's `fetch` handler (`Request` → `Response`), so one
 * port serves a page and its sockets; without a handler it gets 426.
 *
 * This answers one request; `HttpConnection` (http_connection.ts) reads the
 * next one when the connection persists (RFC 9112 §9.3): HTTP/1.1 unless
 * the client or the `Response` says `Connection: close`, HTTP/1.0 only with
 * `Connection: keep-alive`, and never after a request whose framing was
 * refused (its body cannot be skipped safely, so it cannot bleed into a
 * next one). Request bodies come
 * by Content-Length or chunked (at most {@link MAX_BODY_BYTES}), read to
 * their exact end so pipelined requests behind them stay queued; response
 * bodies are streamed as they are produced.
 *
 * @example
 * ```ts
 * import { respondHttp } from "./http.ts";
 * import { ByteQueue } from "../bytes/byte_queue.ts";
 * import type { Transport } from "../transport/types.ts";
 * declare const transport: Transport;
 * const head = { method: "GET", target: "/", headers: new Headers({ host: "127.0.0.1" }) };
 * respondHttp(transport, head, new ByteQueue(), () => new Response("hello"));
 * ```
 * @module
 */

import type { ByteQueue } from "../bytes/byte_queue.ts";
import { plain, ResponseWriter } from "./http_response.ts";
import { bodyFraming, ChunkedDecoder } from "../protocol/http1/request_body.ts";
import { listIncludes } from "../protocol/http1/tokens.ts";
import { reportListenerError } from "../session/report.ts";
import type { NetAddress, Transport } from "../transport/types.ts";

/**
 * What a `fetch` handler is told besides the request (as `Deno.serve` tells
 * `info.remoteAddr`): the peer's address, for logs, rate limits and allow
 * lists.
 *
 * @example
 * ```ts
 * const handler = (_request: Request, info: FetchInfo) => new Response(`you are ${info.remoteAddress?.hostname}`);
 * ```
 */
export interface FetchInfo {
  /** The peer's address (the client, or the proxy in front of it). */
  remoteAddress: NetAddress | undefined;
}

/**
 * A server's handler of plain HTTP requests.
 *
 * @example
 * ```ts
 * const handler: FetchHandler = (request) => new Response(`no page at ${new URL(request.url).pathname}`, { status: 404 });
 * ```
 */
export type FetchHandler = (request: Request, info: FetchInfo) => Response | Promise<Response>;

/** The parts of a request head this needs. */
export interface HttpRequestHead {
  /** Request method. */
  method: string;
  /** Request target (path and query). */
  target: string;
  /** `HTTP/1.1` or `HTTP/1.0` (which gets no chunked answer); 1.1 if left out. */
  version?: string;
  /** Request headers. */
  headers: Headers;
}

/** Largest request body passed to `fetch`. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The connection's news for a streamed answer, which the transport alone
 * cannot give: its sink's `drain` and `closed` are forwarded here, so the
 * answer waits for a slow peer and stops reading the body once it left.
 *
 * @example
 * ```ts
 * const flow = new HttpFlow();
 * flow.writable().then(() => console.log("drained or closed"));
 * flow.drain();
 * ```
 */
export class HttpFlow {
  readonly #closed = new AbortController();
  #waiters: Array<() => void> = [];
  /** Aborted once the transport is gone. */
  readonly signal: AbortSignal = this.#closed.signal;

  /** The transport's write queue emptied. */
  drain(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** The transport is gone. */
  close(): void {
    this.#closed.abort();
    this.drain();
  }

  /** Resolves at the next {@link HttpFlow.drain} or {@link HttpFlow.close}. */
  writable(): Promise<void> {
    if (this.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/** What the accept code knows about the connection. */
export interface HttpContext {
  /** The connection came over TLS: the request URL is `https://`. */
  secure?: boolean;
  /**
   * Called once the request, body included, is in: what the handshake
   * timeout guards ends there. `persists` says whether the connection may
   * carry another request (else what the peer sends next is dropped).
   */
  received?: (persists: boolean) => void;
  /** The transport's `drain` and `closed`; without them a full transport is polled. */
  flow?: HttpFlow;
  /** The server would take another request on this connection (default: no, the answer closes it). */
  keepAlive?: boolean;
  /** How long it would wait for it, in ms: told to the client as `Keep-Alive: timeout=<seconds>`. */
  keepAliveTimeout?: number;
  /** The `fetch` handler failed (default: logged). */
  failed?: (error: unknown) => void;
}

/**
 * Answer one plain HTTP request. Resolves true when the answer is out and
 * the connection persists (the bytes after the request are still in
 * `body`), false when the answer ended or dropped the connection. Never
 * rejects: a handler that throws, returns something other than a
 * `Response`, or whose body fails, gets a 500 if nothing was sent yet, else
 * a dropped connection.
 *
 * @example
 * ```ts
 * import { ByteQueue } from "../bytes/byte_queue.ts";
 * import type { Transport } from "../transport/types.ts";
 * declare const transport: Transport;
 * await respondHttp(transport, { method: "GET", target: "/x", headers: new Headers() }, new ByteQueue(), undefined); // 426
 * ```
 */
export async function respondHttp(
  transport: Transport,
  head: HttpRequestHead,
  body: ByteQueue,
  fetch: FetchHandler | undefined,
  context: HttpContext = {},
): Promise<boolean> {
  const writer = new ResponseWriter(transport, head, context);
  let response: Response | undefined;
  // What the client and the server allow; a refused body or a failure takes it back.
  const persist = { keep: context.keepAlive === true && clientPersists(head) };
  try {
    response = await answer(head, body, fetch, context, persist, transport.remoteAddress);
    return await writer.send(response, persist.keep);
  } catch (error) {
    (context.failed ?? reportListenerError)(error);
    // Once the head is out the status cannot change: the peer learns of the failure by the dropped connection.
    if (writer.started) {
      transport.destroy();
      return false;
    }
    // Unread, the body's source (a timer, an upstream connection) would run on.
    response?.body?.cancel().catch(() => {});
    await writer.send(plain(500, "Internal Server Error\n"), false).catch(() => transport.destroy());
    return false;
  }
}

// RFC 9112 §9.3: HTTP/1.1 persists unless told to close; HTTP/1.0 only when asked to.
function clientPersists(head: HttpRequestHead): boolean {
  const connection = head.headers.get("connection") ?? "";
  if (listIncludes(connection, 0, connection.length, "close")) return false;
  return head.version !== "HTTP/1.0" || listIncludes(connection, 0, connection.length, "keep-alive");
}

async function answer(
  head: HttpRequestHead,
  queue: ByteQueue,
  fetch: FetchHandler | undefined,
  context: HttpContext,
  persist: { keep: boolean },
  remoteAddress: NetAddress | undefined,
): Promise<Response> {
  if (fetch === undefined) {
    // Its body is not read: nothing after it can be told apart from it.
    persist.keep = false;
    context.received?.(false);
    return plain(426, "Upgrade Required: this endpoint speaks WebSocket\n", {
      "upgrade": "websocket",
      "sec-websocket-version": "13",
    });
  }
  // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
  const faulty = head.version === "HTTP/1.0" && head.headers.has("transfer-encoding");
  const body = faulty ? 400 : await readBody(head.headers, queue);
  if (typeof body === "number") persist.keep = false;
  context.received?.(persist.keep);
  if (typeof body === "number") return plain(body);
  let request: Request;
  try {
    const origin = `${context.secure === true ? "https" : "http"}://${head.headers.get("host") || "localhost"}`;
    request = new Request(new URL(head.target, origin), {
      method: head.method,
      headers: head.headers,
      body: body.length > 0 && head.method !== "GET" && head.method !== "HEAD" ? body as Uint8Array<ArrayBuffer> : null,
    });
  } catch {
    // A Host or target no URL can be made of, or a method fetch forbids (CONNECT, TRACE).
    return plain(400);
  }
  const response: unknown = await fetch(request, { remoteAddress });
  if (response instanceof Response) return response;
  throw new TypeError(`The fetch handler returned ${typeof response}, not a Response`);
}

// The request body, or the status that refuses it. What follows the body
// (a pipelined request) is left in the queue.
async function readBody(headers: Headers, queue: ByteQueue): Promise<Uint8Array | number> {
  const framing = bodyFraming(headers, MAX_BODY_BYTES);
  if ("status" in framing) return framing.status;
  const decoder = "chunked" in framing ? new ChunkedDecoder(MAX_BODY_BYTES) : undefined;
  const length = "length" in framing ? framing.length : 0;
  for (;;) {
    if (decoder !== undefined) {
      const state = decoder.push(queue.take());
      if (state === "done") break;
      if (state !== "more") return state === "too-large" ? 413 : 400;
    } else if (queue.length >= length) {
      break;
    }
    await new Promise<void>((resolve) => queue.onData = resolve);
  }
  queue.onData = undefined;
  // Taken whole (a pipelined request may sit behind the body), the rest put back.
  const all = decoder === undefined ? queue.take() : decoder.rest();
  const after = decoder === undefined ? all.subarray(length) : all;
  if (after.length > 0) queue.push(after);
  return decoder?.body() ?? all.subarray(0, length);
}
