/**
 * The server's answers to an upgrade request (RFC 6455 §4.2.2): the 101 that
 * accepts it, and a complete HTTP refusal.
 *
 * @example
 * ```ts
 * import { acceptResponse, rejectResponse } from "./server_responses.ts";
 * acceptResponse({ key: "dGhlIHNhbXBsZSBub25jZQ==" }); // HTTP/1.1 101 Switching Protocols …
 * rejectResponse(403, [], "forbidden\n"); // HTTP/1.1 403 Forbidden …
 * ```
 * @module
 */

import { acceptKey } from "./accept_key.ts";
import { encodeLatin1, formatFields, writeLatin1 } from "./http1/write.ts";

const encoder = new TextEncoder();
const RESERVED = new Set(["upgrade", "connection", "content-length", "transfer-encoding"]);
const ACCEPT_HEAD = encodeLatin1(
  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ",
);

/** Options of {@link acceptResponse}. */
export interface AcceptResponseOptions {
  /** The request's `Sec-WebSocket-Key`. */
  key: string;
  /** The chosen subprotocol. */
  protocol?: string;
  /** The accepted extensions. */
  extensions?: string;
  /** Extra fields, e.g. `Set-Cookie`. */
  headers?: [string, string][];
}

/**
 * The 101 that completes the handshake.
 *
 * @example
 * ```ts
 * acceptResponse({ key: "dGhlIHNhbXBsZSBub25jZQ==", protocol: "chat", headers: [["Set-Cookie", "id=1"]] });
 * ```
 */
export function acceptResponse(options: AcceptResponseOptions): Uint8Array {
  const accept = acceptKey(options.key);
  const extra = options.headers;
  // The usual 101 is fixed bytes and the accept key: written straight into the answer.
  let fields = "";
  if (options.protocol || options.extensions || extra !== undefined) {
    const own: [string, string][] = [];
    if (options.protocol) own.push(["Sec-WebSocket-Protocol", options.protocol]);
    if (options.extensions) own.push(["Sec-WebSocket-Extensions", options.extensions]);
    for (const [name] of extra ?? []) {
      const folded = String(name).toLowerCase();
      if (RESERVED.has(folded) || folded.startsWith("sec-websocket-")) {
        throw new TypeError(`Cannot set header "${name}": the handshake sets it`);
      }
    }
    fields = formatFields(extra === undefined ? own : [...own, ...extra]);
  }
  const bytes = new Uint8Array(ACCEPT_HEAD.length + accept.length + 2 + fields.length + 2);
  bytes.set(ACCEPT_HEAD);
  let at = writeLatin1(bytes, ACCEPT_HEAD.length, accept);
  bytes[at++] = 13;
  bytes[at++] = 10;
  at = writeLatin1(bytes, at, fields);
  bytes[at++] = 13;
  bytes[at] = 10;
  return bytes;
}

const EMPTY = new Uint8Array(0);

const REASONS: Record<number, string> = {
  101: "Switching Protocols",
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  206: "Partial Content",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  426: "Upgrade Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
 * The reason phrase for a status; empty for one not listed (RFC 9112 §4
 * allows that, and a made-up phrase would be worse).
 *
 * @example
 * ```ts
 * reasonPhrase(404); // "Not Found"
 * reasonPhrase(599); // ""
 * ```
 */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? "";
}

/**
 * A complete refusal: status line, fields, Content-Length, `Connection: close`, body.
 * A 204 or 304 has neither Content-Length nor body (RFC 9110 §8.6, §15.3.5, §15.4.5).
 *
 * @example
 * ```ts
 * rejectResponse(403, [], "forbidden\n");
 * ```
 */
export function rejectResponse(
  status: number,
  headers: [string, string][] = [],
  body: string | Uint8Array = "",
): Uint8Array {
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new RangeError(`Cannot refuse an upgrade with status ${status}: it must be 200-599`);
  }
  const bodiless = status === 204 || status === 304;
  const payload = bodiless ? EMPTY : typeof body === "string" ? encoder.encode(body) : body;
  const kept = headers.filter(([name]) =>
    !["content-length", "connection", "transfer-encoding"].includes(String(name).toLowerCase())
  );
  const head = encodeLatin1(
    `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n${formatFields(kept)}` +
      (bodiless ? "" : `Content-Length: ${payload.length}\r\n`) + "Connection: close\r\n\r\n",
  );
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}
