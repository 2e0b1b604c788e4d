/**
 * The client's opening handshake, sans-I/O (RFC 6455 §4.1): the request
 * bytes, then a strict check of the response. Bytes after the response head
 * are handed back: they are the first frames. A refused upgrade reports the
 * status, headers and (bounded) body, since "Unexpected response code: 200"
 * alone helps nobody.
 *
 * @example
 * ```ts
 * import { ClientHandshake } from "./client_handshake.ts";
 * import { parseWebSocketUrl } from "./ws_url.ts";
 * const handshake = new ClientHandshake({ url: parseWebSocketUrl("ws://127.0.0.1:8080/"), protocols: [] });
 * const request = handshake.request(); // write it to the socket
 * const step = handshake.receive(new TextEncoder().encode("HTTP/1.1 101 Switching Protocols\r\n"));
 * console.log(step.done); // false: the head is not complete yet
 * ```
 * @module
 */

import { GrowingBuffer } from "../bytes/growing_buffer.ts";
import { acceptKey, generateKey } from "./accept_key.ts";
import { WebSocketError } from "./errors.ts";
import { checkResponseExtensions, parseExtensionHeader } from "./extensions.ts";
import {
  checkDeflateAnswer,
  deflateOfferHeader,
  type DeflateOptions,
  type DeflateParams,
  PERMESSAGE_DEFLATE,
} from "./deflate_negotiation.ts";
import { DEFAULT_MAX_HEAD_BYTES, findHeadEnd, parseResponseHead, type ResponseHead } from "./http1/head.ts";
import { DEFAULT_MAX_RESPONSE_BODY_BYTES } from "./defaults.ts";
import { decodeChunked } from "./http1/chunked.ts";
import { encodeLatin1, formatFields } from "./http1/write.ts";
import { selectProtocol } from "./subprotocols.ts";
import type { WebSocketUrl } from "./ws_url.ts";

/** Options of a {@link ClientHandshake}. */
export interface ClientHandshakeOptions {
  /** Where to connect. */
  url: WebSocketUrl;
  /** Subprotocols to offer. */
  protocols: string[];
  /** Extra request headers (not the handshake's own). */
  headers?: Record<string, string> | [string, string][] | Headers;
  /** A fixed key (tests only). */
  key?: string;
  /** Largest response head (default 16384). */
  maxHeadBytes?: number;
  /** Largest body kept from a refused upgrade (default 65536). */
  maxBodyBytes?: number;
  /** permessage-deflate offers, in preference order (none when absent or empty). */
  deflate?: DeflateOptions[];
}

/** Where the handshake stands after some input. */
export type ClientHandshakeStep =
  | { done: false }
  | {
    done: true;
    ok: true;
    protocol: string;
    extensions: string;
    headers: Headers;
    rest: Uint8Array;
    /** What permessage-deflate's answer agreed, when the server accepted it. */
    deflate?: DeflateParams;
  }
  | { done: true; ok: false; error: WebSocketError };

/** How the body of a refused upgrade ends (RFC 9112 §6.3). */
type BodyFraming = "none" | "length" | "chunked" | "close";

const RESERVED = new Set(["host", "upgrade", "connection"]);
const utf8 = new TextDecoder();
const WAITING: ClientHandshakeStep = { done: false };

/**
 * One handshake attempt.
 *
 * @example
 * ```ts
 * import { parseWebSocketUrl } from "./ws_url.ts";
 * const handshake = new ClientHandshake({
 *   url: parseWebSocketUrl("ws://example.com/chat"),
 *   protocols: ["chat"],
 *   headers: { Authorization: "Bearer token" },
 * });
 * console.log(new TextDecoder().decode(handshake.request()));
 * ```
 */
export class ClientHandshake {
  readonly #options: ClientHandshakeOptions;
  readonly #key: string;
  readonly #extra: [string, string][];
  #deflate: DeflateOptions[];
  readonly #buffer = new GrowingBuffer();
  #failed: { head: ResponseHead; framing: BodyFraming; length: number } | undefined;
  #done = false;

  /**
   * Validate the user headers (a `TypeError` for a bad one, or one the
   * handshake sets) and pick the key.
   *
   * @example
   * ```ts
   * import { parseWebSocketUrl } from "./ws_url.ts";
   * new ClientHandshake({ url: parseWebSocketUrl("ws://h/"), protocols: ["chat"], headers: [["Cookie", "a=1"]] });
   * ```
   */
  constructor(options: ClientHandshakeOptions) {
    this.#options = options;
    this.#key = options.key ?? generateKey();
    this.#deflate = options.deflate ?? [];
    if (this.#deflate.length > 0) deflateOfferHeader(this.#deflate); // a RangeError now for bad options
    const headers = options.headers instanceof Headers
      ? [...options.headers]
      : Array.isArray(options.headers)
      ? options.headers
      : Object.entries(options.headers ?? {});
    this.#extra = headers.map(([name, value]) => [String(name), String(value)]);
    formatFields(this.#extra);
    for (const [name] of this.#extra) {
      const folded = name.toLowerCase();
      if (RESERVED.has(folded) || folded.startsWith("sec-websocket-")) {
        throw new TypeError(`Cannot set header "${name}": the handshake sets it`);
      }
    }
  }

  /**
   * The request head to send.
   *
   * @example
   * ```ts
   * import { parseWebSocketUrl } from "./ws_url.ts";
   * const handshake = new ClientHandshake({ url: parseWebSocketUrl("ws://h/"), protocols: [] });
   * new TextDecoder().decode(handshake.request()).startsWith("GET / HTTP/1.1\r\n"); // true
   * ```
   */
  request(): Uint8Array {
    const { url, protocols } = this.#options;
    let head = `GET ${url.resource} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${this.#key}\r\nSec-WebSocket-Version: 13\r\n`;
    if (protocols.length > 0) head += `Sec-WebSocket-Protocol: ${protocols.join(", ")}\r\n`;
    if (this.#deflate.length > 0) head += `Sec-WebSocket-Extensions: ${deflateOfferHeader(this.#deflate)}\r\n`;
    const userAuth = this.#extra.some(([name]) => name.toLowerCase() === "authorization");
    if (url.authorization !== undefined && !userAuth) head += `Authorization: ${url.authorization}\r\n`;
    return encodeLatin1(head + formatFields(this.#extra) + "\r\n");
  }

  /**
   * Offer no extension after all (e.g. the runtime cannot compress); call before {@link ClientHandshake.request}.
   *
   * @example
   * ```ts
   * import { parseWebSocketUrl } from "./ws_url.ts";
   * const handshake = new ClientHandshake({ url: parseWebSocketUrl("ws://h/"), protocols: [], deflate: [{}] });
   * handshake.withdrawExtensions();
   * ```
   */
  withdrawExtensions(): void {
    this.#deflate = [];
  }

  /**
   * Feed response bytes; `{ done: false }` until the head (or the body of a
   * refused upgrade) is complete, and after the handshake has ended.
   *
   * @example
   * ```ts
   * import { parseWebSocketUrl } from "./ws_url.ts";
   * const handshake = new ClientHandshake({ url: parseWebSocketUrl("ws://h/"), protocols: [] });
   * handshake.receive(new TextEncoder().encode("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
   * // { done: true, ok: false, error: WebSocketError WS_ERR_HANDSHAKE_STATUS }
   * ```
   */
  receive(bytes: Uint8Array): ClientHandshakeStep {
    if (this.#done) return WAITING;
    const previous = this.#buffer.length;
    this.#buffer.append(bytes);
    if (this.#failed !== undefined) return this.#collectBody(false);
    const joined = this.#buffer.view;
    const end = findHeadEnd(joined, Math.max(0, previous - 3));
    const limit = this.#options.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES;
    if (end < 0) return joined.length > limit ? this.#fail(new WebSocketError("WS_ERR_HANDSHAKE_TOO_LARGE")) : WAITING;
    try {
      const head = parseResponseHead(joined.subarray(0, end), { maxHeadBytes: limit });
      // reset() swaps in a new array, so `joined` still holds the bytes after the head.
      this.#buffer.reset();
      this.#buffer.append(joined.subarray(end));
      if (head.status !== 101) {
        this.#failed = { head, ...bodyFraming(head) };
        return this.#collectBody(false);
      }
      return this.#accept(head);
    } catch (error) {
      return this.#fail(error as WebSocketError);
    }
  }

  /**
   * The connection ended: whatever was received decides. Without any
   * response the error is `WS_ERR_HANDSHAKE_MALFORMED`.
   *
   * @example
   * ```ts
   * import { parseWebSocketUrl } from "./ws_url.ts";
   * const handshake = new ClientHandshake({ url: parseWebSocketUrl("ws://h/"), protocols: [] });
   * handshake.eof(); // { done: true, ok: false, error: WebSocketError WS_ERR_HANDSHAKE_MALFORMED }
   * ```
   */
  eof(): ClientHandshakeStep {
    if (this.#done) return WAITING;
    if (this.#failed !== undefined) return this.#collectBody(true);
    return this.#fail(
      new WebSocketError("WS_ERR_HANDSHAKE_MALFORMED", "the connection closed before the handshake response"),
    );
  }

  #accept(head: ResponseHead): ClientHandshakeStep {
    const fields = head.fields;
    // RFC 6455 §4.1: the upgrade is an HTTP/1.1 mechanism; HTTP/1.0 has no 101.
    if (head.version === "HTTP/1.0") {
      return this.#fail(new WebSocketError("WS_ERR_HANDSHAKE_MALFORMED", "a 101 response must be HTTP/1.1"));
    }
    if (fields.get("upgrade")?.toLowerCase() !== "websocket") {
      return this.#fail(new WebSocketError("WS_ERR_HANDSHAKE_HEADER", "Upgrade is not websocket"));
    }
    if (!fields.includes("connection", "upgrade")) {
      return this.#fail(new WebSocketError("WS_ERR_HANDSHAKE_HEADER", "Connection does not include upgrade"));
    }
    if (fields.get("sec-websocket-accept") !== acceptKey(this.#key)) {
      return this.#fail(new WebSocketError("WS_ERR_HANDSHAKE_ACCEPT"));
    }
    const protocol = selectProtocol(this.#options.protocols, fields.get("sec-websocket-protocol"));
    const header = fields.get("sec-websocket-extensions");
    const offered = this.#deflate.length > 0 ? [PERMESSAGE_DEFLATE] : [];
    const extensions = checkResponseExtensions(offered, header);
    const answer = parseExtensionHeader(header);
    const deflate = answer.length > 0 ? checkDeflateAnswer(this.#deflate, header!) : undefined;
    this.#done = true;
    const rest = this.#buffer.take();
    // The Headers is made only if someone reads it.
    return {
      done: true,
      ok: true,
      protocol,
      extensions,
      get headers() {
        return head.headers;
      },
      rest,
      ...(deflate === undefined ? {} : { deflate }),
    };
  }

  #collectBody(ended: boolean): ClientHandshakeStep {
    const { head, framing, length } = this.#failed!;
    const limit = this.#options.maxBodyBytes ?? DEFAULT_MAX_RESPONSE_BODY_BYTES;
    let body: Uint8Array = this.#buffer.view;
    let complete = ended || framing === "none";
    if (framing === "length") complete ||= body.length >= Math.min(length, limit);
    else if (framing === "chunked") {
      const decoded = decodeChunked(body);
      body = decoded.body;
      complete ||= decoded.complete || body.length >= limit;
    } else complete ||= body.length >= limit;
    if (!complete) return WAITING;
    const end = Math.min(body.length, limit, framing === "length" ? length : Infinity);
    const text = framing === "none" ? "" : utf8.decode(body.subarray(0, end));
    return this.#fail(
      new WebSocketError(
        "WS_ERR_HANDSHAKE_STATUS",
        `the server answered ${head.status} ${head.statusText} instead of 101`,
        { status: head.status, statusText: head.statusText, headers: head.headers, body: text },
      ),
    );
  }

  #fail(error: WebSocketError): ClientHandshakeStep {
    this.#done = true;
    return { done: true, ok: false, error };
  }
}

function bodyFraming(head: ResponseHead): { framing: BodyFraming; length: number } {
  if (head.status < 200 || head.status === 204 || head.status === 304) return { framing: "none", length: 0 };
  const coding = head.fields.get("transfer-encoding");
  if (coding !== null) {
    const last = coding.split(",").pop()!.trim().toLowerCase();
    return { framing: last === "chunked" ? "chunked" : "close", length: 0 };
  }
  const length = head.fields.get("content-length");
  if (length !== null && /^\d{1,15}$/.test(length)) return { framing: "length", length: Number(length) };
  return { framing: "close", length: 0 };
}
