/**
 * The server's opening handshake, sans-I/O (RFC 6455 §4.2): a strict parse
 * of the upgrade request, the answer to refuse it (400, 426, 431), and the
 * 101 to accept it. A request that is not an upgrade is handed back for an
 * HTTP handler.
 *
 * @example
 * ```ts
 * import { acceptResponse, ServerHandshake } from "./server_handshake.ts";
 * const handshake = new ServerHandshake();
 * const step = handshake.receive(new TextEncoder().encode(
 *   "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
 *     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
 * ));
 * if (step.done && "request" in step) acceptResponse({ key: step.request.key });
 * ```
 * @module
 */

import { acceptKey } from "./accept_key.ts";
import type { WebSocketError } from "./errors.ts";
import { DEFAULT_MAX_HEAD_BYTES, findHeadEnd, type HeadLimits, parseRequestHead, type RequestHead } from "./http1.ts";
import { parseProtocolHeader } from "./subprotocols.ts";
import { isToken } from "./tokens.ts";

/** A valid upgrade request. */
export interface UpgradeRequest {
  /** `GET`. */
  method: string;
  /** Path and query. */
  target: string;
  /** All request headers. */
  headers: Headers;
  /** `Sec-WebSocket-Key`. */
  key: string;
  /** `Sec-WebSocket-Version` (13). */
  version: string;
  /** Offered subprotocols, in order. */
  protocols: string[];
  /** `Sec-WebSocket-Extensions` as sent ("" when none). */
  extensions: string;
}

/** An HTTP answer that refuses the request. */
export interface Rejection {
  /** Status code. */
  status: number;
  /** Extra header fields. */
  headers: [string, string][];
  /** Body text. */
  body: string;
}

/** Where the handshake stands after some input. */
export type ServerHandshakeStep =
  | { done: false }
  | { done: true; request: UpgradeRequest; rest: Uint8Array }
  | { done: true; notUpgrade: RequestHead; rest: Uint8Array }
  | { done: true; reject: Rejection };

const WAITING: ServerHandshakeStep = { done: false };

/**
 * Collects and judges one upgrade request.
 *
 * @example
 * ```ts
 * const handshake = new ServerHandshake({ maxHeadBytes: 8192, maxHeaders: 50 });
 * handshake.receive(new TextEncoder().encode("GET / HTTP/1.1\r\n")); // { done: false }
 * ```
 */
export class ServerHandshake {
  readonly #limits: HeadLimits;
  #buffer = new Uint8Array(0);
  #done = false;

  constructor(limits: HeadLimits = {}) {
    this.#limits = limits;
  }

  /** Feed request bytes. */
  receive(bytes: Uint8Array): ServerHandshakeStep {
    if (this.#done) return WAITING;
    const previous = this.#buffer.length;
    const joined = new Uint8Array(previous + bytes.length);
    joined.set(this.#buffer);
    joined.set(bytes, previous);
    this.#buffer = joined;
    const end = findHeadEnd(joined, Math.max(0, previous - 3));
    const limit = this.#limits.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES;
    if (end < 0) return joined.length > limit ? this.#reject(431, "request head too large") : WAITING;
    this.#done = true;
    let head: RequestHead;
    try {
      head = parseRequestHead(joined.subarray(0, end), this.#limits);
    } catch (error) {
      const tooLarge = (error as WebSocketError).code === "WS_ERR_HANDSHAKE_TOO_LARGE";
      return this.#reject(tooLarge ? 431 : 400, (error as Error).message);
    }
    const rest = joined.slice(end);
    this.#buffer = new Uint8Array(0);
    const headers = head.headers;
    const upgrade = (headers.get("upgrade") ?? "").toLowerCase().split(",").map((token) => token.trim());
    if (!upgrade.includes("websocket")) return { done: true, notUpgrade: head, rest };
    const connection = (headers.get("connection") ?? "").toLowerCase().split(",").map((token) => token.trim());
    const key = headers.get("sec-websocket-key") ?? "";
    if (head.method !== "GET") return this.#reject(400, "the upgrade method must be GET");
    if (head.version !== "HTTP/1.1") return this.#reject(400, "the upgrade needs HTTP/1.1");
    if (!headers.has("host")) return this.#reject(400, "Host is missing");
    if (!connection.includes("upgrade")) return this.#reject(400, "Connection does not include upgrade");
    if (!isKey(key)) return this.#reject(400, "Sec-WebSocket-Key is not 16 bytes in base64");
    const version = headers.get("sec-websocket-version") ?? "";
    if (version !== "13") return this.#reject(426, "only version 13 is supported", [["Sec-WebSocket-Version", "13"]]);
    return {
      done: true,
      request: {
        method: head.method,
        target: head.target,
        headers,
        key,
        version,
        protocols: parseProtocolHeader(headers.get("sec-websocket-protocol")),
        extensions: headers.get("sec-websocket-extensions") ?? "",
      },
      rest,
    };
  }

  #reject(status: number, body: string, headers: [string, string][] = []): ServerHandshakeStep {
    this.#done = true;
    this.#buffer = new Uint8Array(0);
    return { done: true, reject: { status, headers, body: `${body}\n` } };
  }
}

function isKey(key: string): boolean {
  if (key.length !== 24 || !key.endsWith("==")) return false;
  try {
    return atob(key).length === 16;
  } catch {
    return false;
  }
}

const encoder = new TextEncoder();

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
  let head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    `Sec-WebSocket-Accept: ${acceptKey(options.key)}\r\n`;
  if (options.protocol) head += `Sec-WebSocket-Protocol: ${options.protocol}\r\n`;
  if (options.extensions) head += `Sec-WebSocket-Extensions: ${options.extensions}\r\n`;
  head += fields(options.headers ?? []);
  return encoder.encode(head + "\r\n");
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * A complete refusal: status line, fields, Content-Length, `Connection: close`, body.
 *
 * @example
 * ```ts
 * rejectResponse(403, [], "forbidden\n");
 * ```
 */
export function rejectResponse(status: number, headers: [string, string][] = [], body = ""): Uint8Array {
  const payload = encoder.encode(body);
  const kept = headers.filter(([name]) =>
    !["content-length", "connection", "transfer-encoding"].includes(name.toLowerCase())
  );
  const head = `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\n${fields(kept)}` +
    `Content-Length: ${payload.length}\r\nConnection: close\r\n\r\n`;
  const bytes = encoder.encode(head);
  const out = new Uint8Array(bytes.length + payload.length);
  out.set(bytes);
  out.set(payload, bytes.length);
  return out;
}

function fields(headers: [string, string][]): string {
  let text = "";
  for (const [name, value] of headers) {
    if (!isToken(name)) throw new TypeError(`Cannot send header "${name}": not a valid name`);
    if (/[\r\n\0]/.test(value)) throw new TypeError(`Cannot send header "${name}": its value holds CR, LF or NUL`);
    text += `${name}: ${value}\r\n`;
  }
  return text;
}
