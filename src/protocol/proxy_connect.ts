/**
 * The HTTP `CONNECT` exchange that opens a tunnel through a proxy (RFC 9110
 * §9.3.6), sans-I/O: the request bytes, then the proxy's response head. Any
 * 2xx opens the tunnel; anything else is a refusal that reports the proxy's
 * status and headers (never the credentials we sent).
 *
 * @example
 * ```ts
 * import { ProxyConnect } from "./proxy_connect.ts";
 * const exchange = new ProxyConnect({ host: "example.com", port: 443 });
 * const request = exchange.request(); // write it to the proxy
 * const step = exchange.receive(new TextEncoder().encode("HTTP/1.1 200 Connection established\r\n\r\n"));
 * console.log(step.done && step.ok); // true: the socket now reaches example.com:443
 * ```
 * @module
 */

import { GrowingBuffer } from "../bytes/growing_buffer.ts";
import { WebSocketError } from "./errors.ts";
import { DEFAULT_MAX_HEAD_BYTES, findHeadEnd, parseResponseHead } from "./http1/head.ts";
import { encodeLatin1 } from "./http1/write.ts";

/** What to ask the proxy for. */
export interface ProxyConnectOptions {
  /** The target's host name or IP address (IPv6 without brackets). */
  host: string;
  /** The target's port. */
  port: number;
  /** A `Proxy-Authorization` value, e.g. `Basic dXNlcjpwYXNz`. */
  authorization?: string;
  /** Largest response head accepted (default 16384). */
  maxHeadBytes?: number;
}

/** Where the exchange stands after some input. */
export type ProxyConnectStep =
  | { done: false }
  | { done: true; ok: true }
  | { done: true; ok: false; error: WebSocketError };

const WAITING: ProxyConnectStep = { done: false };
const OPEN: ProxyConnectStep = { done: true, ok: true };

/**
 * One `CONNECT` attempt.
 *
 * @example
 * ```ts
 * const exchange = new ProxyConnect({ host: "::1", port: 8443, authorization: "Basic dTpw" });
 * new TextDecoder().decode(exchange.request()); // "CONNECT [::1]:8443 HTTP/1.1\r\n..."
 * const step = exchange.receive(new TextEncoder().encode("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"));
 * if (step.done && !step.ok) console.log(step.error.code, step.error.details?.status); // WS_ERR_PROXY_REFUSED 407
 * ```
 */
export class ProxyConnect {
  readonly #options: ProxyConnectOptions;
  readonly #buffer = new GrowingBuffer();
  #done = false;

  constructor(options: ProxyConnectOptions) {
    this.#options = options;
  }

  /** The request: `CONNECT host:port`, its `Host`, and the credentials if any. */
  request(): Uint8Array {
    const { host, port, authorization } = this.#options;
    const authority = `${host.includes(":") ? `[${host}]` : host}:${port}`;
    const credentials = authorization === undefined ? "" : `Proxy-Authorization: ${authorization}\r\n`;
    return encodeLatin1(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${credentials}\r\n`);
  }

  /** Bytes from the proxy. */
  receive(bytes: Uint8Array): ProxyConnectStep {
    if (this.#done) return WAITING;
    const buffer = this.#buffer;
    const searchFrom = Math.max(0, buffer.length - 3);
    buffer.append(bytes);
    const view = buffer.view;
    const end = findHeadEnd(view, searchFrom);
    const limit = this.#options.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES;
    if (end < 0) {
      return view.length > limit ? this.#fail(fromProxy(new WebSocketError("WS_ERR_HANDSHAKE_TOO_LARGE"))) : WAITING;
    }
    let head;
    try {
      head = parseResponseHead(view.subarray(0, end), { maxHeadBytes: limit });
    } catch (error) {
      return this.#fail(fromProxy(error as WebSocketError));
    }
    if (head.status < 200 || head.status > 299) {
      const details = { status: head.status, statusText: head.statusText, headers: head.headers };
      const detail = `the proxy answered CONNECT with ${head.status} ${head.statusText}`.trimEnd();
      return this.#fail(new WebSocketError("WS_ERR_PROXY_REFUSED", detail, details));
    }
    // Neither a WebSocket server nor a TLS server speaks first: bytes here
    // could only be the proxy's own, and would corrupt what follows.
    if (end < view.length) {
      return this.#fail(new WebSocketError("WS_ERR_PROXY_REFUSED", "the proxy sent bytes after its 2xx answer"));
    }
    this.#done = true;
    return OPEN;
  }

  /** The proxy closed the connection. */
  eof(): ProxyConnectStep {
    if (this.#done) return WAITING;
    return this.#fail(new WebSocketError("WS_ERR_PROXY_REFUSED", "the proxy closed the connection before answering"));
  }

  #fail(error: WebSocketError): ProxyConnectStep {
    this.#done = true;
    return { done: true, ok: false, error };
  }
}

// The head parser's error, told as the proxy's: a user must know which peer sent it.
function fromProxy(error: WebSocketError): WebSocketError {
  const reason = error.message.slice(error.message.indexOf(": ") + 2);
  return new WebSocketError(error.code, `the proxy's answer to CONNECT: ${reason}`, error.details, { cause: error });
}
