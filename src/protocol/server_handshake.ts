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
import { GrowingBuffer } from "./growing_buffer.ts";
import type { WebSocketError } from "./errors.ts";
import { DEFAULT_MAX_HEAD_BYTES, findHeadEnd, type HeadLimits, parseRequestHead, type RequestHead } from "./http1.ts";
import { encodeLatin1, formatFields } from "./http1_write.ts";
import { parseProtocolHeader } from "./subprotocols.ts";

/** A valid upgrade request. */
export interface UpgradeRequest {
  /** `GET`. */
  method: string;
  /** Path and query. */
  target: string;
  /** All request headers. */
  headers: Headers;
  /** The header fields as sent, in order. */
  rawHeaders: [string, string][];
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
  readonly #buffer = new GrowingBuffer();
  #done = false;

  /**
   * A handshake with head limits (16384 bytes and 100 fields by default).
   *
   * @example
   * ```ts
   * new ServerHandshake({ maxHeadBytes: 4096 });
   * ```
   */
  constructor(limits: HeadLimits = {}) {
    this.#limits = limits;
  }

  /**
   * Feed request bytes; `{ done: false }` until the head is complete, and
   * after the handshake has ended.
   *
   * @example
   * ```ts
   * const step = new ServerHandshake().receive(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
   * if (step.done && "notUpgrade" in step) console.log(step.notUpgrade.target); // "/"
   * ```
   */
  receive(bytes: Uint8Array): ServerHandshakeStep {
    if (this.#done) return WAITING;
    const previous = this.#buffer.length;
    this.#buffer.append(bytes);
    const joined = this.#buffer.view;
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
    this.#buffer.reset();
    const headers = head.headers;
    const upgrade = (headers.get("upgrade") ?? "").toLowerCase().split(",").map((token) => token.trim());
    if (!upgrade.includes("websocket")) return { done: true, notUpgrade: head, rest };
    const connection = (headers.get("connection") ?? "").toLowerCase().split(",").map((token) => token.trim());
    const key = headers.get("sec-websocket-key") ?? "";
    if (head.method !== "GET") return this.#reject(400, "the upgrade method must be GET");
    if (head.version === "HTTP/1.0") return this.#reject(400, "the upgrade needs HTTP/1.1");
    // RFC 6455 §4.1: the request target is the resource name, a path.
    if (!head.target.startsWith("/")) return this.#reject(400, "the request target must be a path");
    const hosts = head.rawHeaders.filter(([name]) => name.toLowerCase() === "host").length;
    if (hosts !== 1) return this.#reject(400, hosts === 0 ? "Host is missing" : "Host is repeated");
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
        rawHeaders: head.rawHeaders,
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
    this.#buffer.reset();
    return { done: true, reject: { status, headers, body: `${body}\n` } };
  }
}

// 16 bytes in base64 are 22 alphabet characters and "=="; atob alone would
// also take whitespace inside the key.
function isKey(key: string): boolean {
  if (key.length !== 24 || !key.endsWith("==")) return false;
  for (let i = 0; i < 22; i++) {
    const c = key[i];
    const ok = (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c === "+" || c === "/";
    if (!ok) return false;
  }
  return true;
}

const encoder = new TextEncoder();
const RESERVED = new Set(["upgrade", "connection", "content-length", "transfer-encoding"]);

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
  const own: [string, string][] = [
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Accept", acceptKey(options.key)],
  ];
  if (options.protocol) own.push(["Sec-WebSocket-Protocol", options.protocol]);
  if (options.extensions) own.push(["Sec-WebSocket-Extensions", options.extensions]);
  const extra = options.headers ?? [];
  for (const [name] of extra) {
    const folded = String(name).toLowerCase();
    if (RESERVED.has(folded) || folded.startsWith("sec-websocket-")) {
      throw new TypeError(`Cannot set header "${name}": the handshake sets it`);
    }
  }
  return encodeLatin1(`HTTP/1.1 101 Switching Protocols\r\n${formatFields([...own, ...extra])}\r\n`);
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  426: "Upgrade Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
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
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new RangeError(`Cannot refuse an upgrade with status ${status}: it must be 200-599`);
  }
  const payload = encoder.encode(body);
  const kept = headers.filter(([name]) =>
    !["content-length", "connection", "transfer-encoding"].includes(String(name).toLowerCase())
  );
  const head = encodeLatin1(
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\n${formatFields(kept)}` +
      `Content-Length: ${payload.length}\r\nConnection: close\r\n\r\n`,
  );
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}
