/**
 * Plain HTTP on the WebSocket port: a request that is not an upgrade goes
 * to the application's `fetch` handler (`Request` → `Response`), so one
 * port serves a page and its sockets; without a handler it gets 426.
 *
 * One request per connection: every answer says `Connection: close` and the
 * transport ends after it. No keep-alive state or pipelining to get wrong,
 * and a request whose body is framed wrongly cannot bleed into a next one.
 * Request bodies come by Content-Length or chunked (at most
 * {@link MAX_BODY_BYTES}); response bodies are streamed as they are produced.
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
import { reportListenerError } from "../session/report.ts";
import type { Transport } from "../transport/types.ts";

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
  /** Called once the request, body included, is in: what the handshake timeout guards ends there. */
  received?: () => void;
  /** The transport's `drain` and `closed`; without them a full transport is polled. */
  flow?: HttpFlow;
}

/**
 * Answer one plain HTTP request and close the connection. Never rejects: a
 * handler that throws, returns something other than a `Response`, or whose
 * body fails, gets a 500 if nothing was sent yet, else a dropped connection.
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
  fetch: ((request: Request) => Response | Promise<Response>) | undefined,
  context: HttpContext = {},
): Promise<void> {
  const writer = new ResponseWriter(transport, head, context);
  let response: Response | undefined;
  try {
    response = await answer(head, body, fetch, context);
    await writer.send(response);
  } catch (error) {
    reportListenerError(error);
    // Once the head is out the status cannot change: the peer learns of the failure by the dropped connection.
    if (writer.started) return transport.destroy();
    // Unread, the body's source (a timer, an upstream connection) would run on.
    response?.body?.cancel().catch(() => {});
    await writer.send(plain(500, "Internal Server Error\n")).catch(() => transport.destroy());
  }
}

async function answer(
  head: HttpRequestHead,
  queue: ByteQueue,
  fetch: ((request: Request) => Response | Promise<Response>) | undefined,
  context: HttpContext,
): Promise<Response> {
  if (fetch === undefined) {
    context.received?.();
    return plain(426, "Upgrade Required: this endpoint speaks WebSocket\n", {
      "upgrade": "websocket",
      "sec-websocket-version": "13",
    });
  }
  // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
  const faulty = head.version === "HTTP/1.0" && head.headers.has("transfer-encoding");
  const body = faulty ? 400 : await readBody(head.headers, queue);
  context.received?.();
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
  const response: unknown = await fetch(request);
  if (response instanceof Response) return response;
  throw new TypeError(`The fetch handler returned ${typeof response}, not a Response`);
}

// The request body, or the status that refuses it.
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
  return decoder?.body() ?? queue.take().subarray(0, length);
}
