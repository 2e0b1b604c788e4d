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

import { GrowingBuffer } from "../bytes/growing_buffer.ts";
import type { WebSocketError } from "./errors.ts";
import type { HeaderFields } from "./http1/header_fields.ts";
import {
  DEFAULT_MAX_HEAD_BYTES,
  findHeadEnd,
  type HeadLimits,
  parseRequestHead,
  type RequestHead,
} from "./http1/head.ts";
import { parseProtocolHeader } from "./subprotocols.ts";
import { parseContentLength } from "./http1/request_body.ts";

// The answers live next door; tests and older imports find them here.
export { acceptResponse, type AcceptResponseOptions, rejectResponse } from "./server_responses.ts";

/** A valid upgrade request. */
export interface UpgradeRequest {
  /** `GET`. */
  method: string;
  /** Path and query. */
  target: string;
  /** The header fields as sent, in order. */
  fields: HeaderFields;
  /** All request headers, built on first use. */
  readonly headers: Headers;
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
const EMPTY = new Uint8Array(0);

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
    // A head usually arrives in one read: parse it where it lies rather than copy it first.
    let joined = bytes;
    let end = previous === 0 ? findHeadEnd(bytes, 0) : -1;
    if (end < 0) {
      this.#buffer.append(bytes);
      joined = this.#buffer.view;
      if (previous > 0) end = findHeadEnd(joined, previous - 3);
    }
    const limit = this.#limits.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES;
    if (end < 0) return joined.length > limit ? this.#reject(431, "request head too large") : WAITING;
    this.#done = true;
    let head: RequestHead;
    try {
      head = parseRequestHead(end === joined.length ? joined : joined.subarray(0, end), this.#limits);
    } catch (error) {
      const tooLarge = (error as WebSocketError).code === "WS_ERR_HANDSHAKE_TOO_LARGE";
      return this.#reject(tooLarge ? 431 : 400, (error as Error).message);
    }
    // A copy: the caller may reuse its read buffer.
    const rest = end === joined.length ? EMPTY : joined.slice(end);
    this.#buffer.reset();
    const fields = head.fields;
    // RFC 9112 §3.2: exactly one valid Host in HTTP/1.1, upgrade or not (HTTP/1.0 may leave it out).
    const hosts = fields.count("host");
    if (hosts > 1) return this.#reject(400, "Host is repeated");
    if (hosts === 0 ? head.version !== "HTTP/1.0" : !isHost(fields.get("host")!)) {
      return this.#reject(400, hosts === 0 ? "Host is missing" : "Host is not a host");
    }
    if (!fields.includes("upgrade", "websocket")) return { done: true, notUpgrade: head, rest };
    if (head.method !== "GET") return this.#reject(400, "the upgrade method must be GET");
    if (head.version === "HTTP/1.0") return this.#reject(400, "the upgrade needs HTTP/1.1");
    // RFC 9110 §9.3.1: a GET's content means nothing, and after the 101 the bytes
    // behind the head are read as frames, so a declared body would be smuggled in as frames.
    const length = fields.get("content-length");
    if (fields.count("transfer-encoding") > 0 || (length !== null && parseContentLength(length) !== 0)) {
      return this.#reject(400, "the upgrade request must not have a body");
    }
    // RFC 6455 §4.1: the request target is the resource name, a path.
    if (!head.target.startsWith("/")) return this.#reject(400, "the request target must be a path");
    if (!fields.includes("connection", "upgrade")) return this.#reject(400, "Connection does not include upgrade");
    const key = fields.get("sec-websocket-key") ?? "";
    if (!isKey(key)) return this.#reject(400, "Sec-WebSocket-Key is not 16 bytes in base64");
    const version = fields.get("sec-websocket-version") ?? "";
    if (version !== "13") return this.#reject(426, "only version 13 is supported", [["Sec-WebSocket-Version", "13"]]);
    return { done: true, request: new Upgrade(head, key, version), rest };
  }

  #reject(status: number, body: string, headers: [string, string][] = []): ServerHandshakeStep {
    this.#done = true;
    this.#buffer.reset();
    return { done: true, reject: { status, headers, body: `${body}\n` } };
  }
}

// The Headers is made only if the application reads it.
class Upgrade implements UpgradeRequest {
  readonly method: string;
  readonly target: string;
  readonly fields: HeaderFields;
  readonly key: string;
  readonly version: string;
  readonly protocols: string[];
  readonly extensions: string;

  constructor(head: RequestHead, key: string, version: string) {
    this.method = head.method;
    this.target = head.target;
    this.fields = head.fields;
    this.key = key;
    this.version = version;
    this.protocols = parseProtocolHeader(head.fields.get("sec-websocket-protocol"));
    this.extensions = head.fields.get("sec-websocket-extensions") ?? "";
  }

  get headers(): Headers {
    return this.fields.toHeaders();
  }
}

// uri-host [":" port] (RFC 3986 §3.2.2): a reg-name or IPv4 address, or an IP literal in brackets.
// Empty is allowed: a client must send it so when the target URI has no authority.
function isHost(host: string): boolean {
  let i = 0;
  if (host[0] === "[") {
    const close = host.indexOf("]");
    if (close < 2 || !/^[0-9A-Fa-f:.]+$|^v[0-9A-Fa-f]+\.[\w.~!$&'()*+,;=:-]+$/.test(host.slice(1, close))) return false;
    i = close + 1;
  } else {
    while (i < host.length && REG_NAME.test(host[i])) i++;
  }
  return i === host.length || (host[i] === ":" && /^\d*$/.test(host.slice(i + 1)));
}
const REG_NAME = /[\w.~!$&'()*+,;=%-]/;

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
