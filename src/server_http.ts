/**
 * Plain HTTP on the WebSocket port: a request that is not an upgrade goes
 * to the application's `fetch` handler (`Request` → `Response`), so one
 * port serves a page and its sockets; without a handler it gets 426.
 * One request per connection (`Connection: close`), bodies by Content-Length only.
 *
 * @example
 * ```ts
 * import { respondHttp } from "./server_http.ts";
 * import { ByteQueue } from "./byte_queue.ts";
 * import type { Transport } from "./transport/types.ts";
 * declare const transport: Transport;
 * const head = { method: "GET", target: "/", headers: new Headers({ host: "127.0.0.1" }) };
 * respondHttp(transport, head, new ByteQueue(), () => new Response("hello"));
 * ```
 * @module
 */

import type { ByteQueue } from "./byte_queue.ts";
import { reportListenerError } from "./report.ts";
import type { Transport } from "./transport/types.ts";

/** The parts of a request head this needs. */
export interface HttpRequestHead {
  /** Request method. */
  method: string;
  /** Request target (path and query). */
  target: string;
  /** Request headers. */
  headers: Headers;
}

/** Largest request body passed to `fetch`. */
export const MAX_BODY_BYTES = 1024 * 1024;

const encoder = new TextEncoder();

/**
 * Answer one plain HTTP request and close the connection.
 *
 * @example
 * ```ts
 * import { ByteQueue } from "./byte_queue.ts";
 * import type { Transport } from "./transport/types.ts";
 * declare const transport: Transport;
 * await respondHttp(transport, { method: "GET", target: "/x", headers: new Headers() }, new ByteQueue(), undefined); // 426
 * ```
 */
export async function respondHttp(
  transport: Transport,
  head: HttpRequestHead,
  body: ByteQueue,
  fetch: ((request: Request) => Response | Promise<Response>) | undefined,
): Promise<void> {
  if (fetch === undefined) {
    return send(
      transport,
      "GET",
      new Response("Upgrade Required: this endpoint speaks WebSocket\n", {
        status: 426,
        headers: { "upgrade": "websocket", "sec-websocket-version": "13", "content-type": "text/plain" },
      }),
    );
  }
  if (head.headers.has("transfer-encoding")) return send(transport, head.method, new Response(null, { status: 411 }));
  const length = Number(head.headers.get("content-length") ?? "0");
  if (!Number.isSafeInteger(length) || length < 0) {
    return send(transport, head.method, new Response(null, { status: 400 }));
  }
  if (length > MAX_BODY_BYTES) return send(transport, head.method, new Response(null, { status: 413 }));
  while (body.length < length) await new Promise<void>((resolve) => body.onData = resolve);
  body.onData = undefined;
  const bytes = body.take().slice(0, length);
  const host = head.headers.get("host") ?? "localhost";
  let response: Response;
  try {
    const request = new Request(new URL(head.target, `http://${host}`), {
      method: head.method,
      headers: head.headers,
      body: length > 0 && head.method !== "GET" && head.method !== "HEAD" ? bytes : undefined,
    });
    response = await fetch(request);
  } catch (error) {
    reportListenerError(error);
    response = new Response("Internal Server Error\n", { status: 500 });
  }
  await send(transport, head.method, response);
}

async function send(transport: Transport, method: string, response: Response): Promise<void> {
  const body = method === "HEAD" ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer());
  let text = `HTTP/1.1 ${response.status} ${response.statusText || reasonOf(response.status)}\r\n`;
  for (const [name, value] of response.headers) {
    if (name === "connection" || name === "content-length" || name === "transfer-encoding") continue;
    text += `${name}: ${value}\r\n`;
  }
  text += `content-length: ${body.length}\r\nconnection: close\r\n\r\n`;
  transport.write(encoder.encode(text));
  if (body.length > 0) transport.write(body);
  transport.end();
}

const REASONS: Record<number, string> = {
  200: "OK",
  204: "No Content",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  411: "Length Required",
  413: "Content Too Large",
  426: "Upgrade Required",
  500: "Internal Server Error",
};

function reasonOf(status: number): string {
  return REASONS[status] ?? "Unknown";
}
