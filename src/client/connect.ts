/**
 * The client's way to OPEN: connect the runtime's socket, run the opening
 * handshake through the session, then switch the session to frames.
 *
 * @example
 * ```ts
 * import { connectClient } from "./connect.ts";
 * import { parseWebSocketUrl } from "../protocol/ws_url.ts";
 * import { ON_MESSAGE } from "../session/contract.ts";
 * const session = await connectClient(parseWebSocketUrl("ws://127.0.0.1:8080"), [], {}, {
 *   opened: (_session, protocol) => console.log("open", protocol),
 *   events: { [ON_MESSAGE]: (data) => console.log(data) },
 * });
 * session.send("hi");
 * ```
 * @module
 */

import { loadCodec } from "../codec/load.ts";
import type { Codec } from "../codec/mod.ts";
import { ClientHandshake, type ClientHandshakeStep } from "../protocol/client_handshake.ts";
import type { DeflateOptions } from "../protocol/deflate_negotiation.ts";
import { withDeflate } from "../extensions/deflate_codec.ts";
import { loadZlib, type ZlibModule } from "../extensions/zlib_stream.ts";
import { WebSocketError } from "../protocol/errors.ts";
import type { WebSocketUrl } from "../protocol/ws_url.ts";
import { DEFAULT_CLIENT_HANDSHAKE_TIMEOUT } from "../protocol/defaults.ts";
import { Session, type SessionEvents, type SessionOptions } from "../session/session.ts";
import { type ConnectionOptions, resolveSessionOptions } from "../session/options.ts";
import { selectRuntime } from "../transport/select.ts";
import type { ClientTlsOptions, Transport } from "../transport/types.ts";
import { hostKey, HostQueue } from "./host_queue.ts";
import { type ProxyOption, type ProxyRoute, proxyTunnel, resolveProxy } from "./proxy.ts";
import { responseTap, tell } from "./handshake_head.ts";
import { isBadPort } from "./bad_port.ts";

/** Client options beyond the standard constructor (undici/Deno/Bun style). */
export interface ClientOptions extends SessionOptions {
  /** Extra handshake headers (e.g. `Authorization`, `Cookie`). */
  headers?: Record<string, string> | [string, string][] | Headers;
  /** TLS settings for `wss:`. */
  tls?: ClientTlsOptions;
  /** Give up when the handshake has not completed after this many ms (default 30000). */
  handshakeTimeout?: number;
  /** Abort the connection attempt (or the open connection: it is terminated). */
  signal?: AbortSignal;
  /**
   * permessage-deflate (RFC 7692): offered by default as browsers do
   * (`permessage-deflate; client_max_window_bits`); `false` offers nothing,
   * an object (or several, in preference order) tunes the offer and the
   * compression (`threshold`, `level`, `memLevel` are taken from the first).
   */
  perMessageDeflate?: boolean | DeflateOptions | DeflateOptions[];
  /**
   * An HTTP(S) proxy URL (`"http://user:pass@host:3128"`), or `false` for
   * none. Default: `https_proxy`/`http_proxy` and `no_proxy` from the
   * environment, as curl reads them. `tls` applies to an `https:` proxy too.
   */
  proxy?: ProxyOption;
  /**
   * Sees the opening handshake as it crosses the wire: the request head as
   * sent, then the response head as received (for debugging, e.g.
   * `wasmws connect --verbose`). A listener that throws is reported, not fatal.
   */
  onHandshakeHead?: (direction: "request" | "response", head: string) => void;
}

/**
 * Options accepted as the `WebSocket` constructor's second argument instead
 * of a protocol list, or as its third after one (ws's shape).
 */
export interface WebSocketOptions extends ClientOptions {
  /** Subprotocols to offer. */
  protocols?: string | string[];
  /** Largest message accepted, in bytes (default 100 MiB; 1009 beyond). */
  maxPayload?: number;
  /** Most fragments per message (default 100,000; 1009 beyond). */
  maxFragments?: number;
}

/** What the WebSocket constructor adds to the caller's options. */
export interface ConnectOptions extends ClientOptions {
  /** The `Origin` to send unless `headers` has one (the runtime location's; none without it). */
  origin?: string;
  /** Where connections wait for their host (default: the one queue of this process). */
  hosts?: HostQueue;
}

/** Where the client reports progress. */
export interface ClientCallbacks {
  /** The handshake succeeded; dispatched before any message. */
  opened(session: Session, protocol: string, extensions: string): void;
  /** Events after OPEN. */
  events: SessionEvents;
}

/**
 * Connect and handshake. Rejects with a `WebSocketError` (`WS_ERR_CONNECT`,
 * `WS_ERR_BAD_PORT`, `WS_ERR_HANDSHAKE_*`, `WS_ERR_ABORTED`) whose `details` hold the failed
 * response (`status`, `headers`, `body`) when there was one. Bad `headers`
 * throw a `TypeError` at once: they are the caller's mistake, not the network's.
 * `handshakeTimeout` counts from this call, the TCP (and TLS) connect included.
 *
 * @example
 * ```ts
 * import { parseWebSocketUrl } from "../protocol/ws_url.ts";
 * const abort = new AbortController();
 * const pending = connectClient(parseWebSocketUrl("ws://127.0.0.1:1"), [], { signal: abort.signal }, {
 *   opened() {},
 *   events: {},
 * });
 * abort.abort();
 * await pending.catch((error) => console.log(error.code)); // "WS_ERR_ABORTED"
 * ```
 */
export function connectClient(
  url: WebSocketUrl,
  protocols: string[],
  options: ConnectOptions & ConnectionOptions,
  callbacks: ClientCallbacks,
): Promise<Session> {
  const headers = options.origin === undefined ? options.headers : withOrigin(options.headers, options.origin);
  const handshake = new ClientHandshake({ url, protocols, headers, deflate: deflateOffers(options) });
  const proxy = resolveProxy(url, options.proxy);
  return connectAndHandshake(url, handshake, options, callbacks, proxy);
}

// One queue per process, as a browser keeps one per user agent.
const hosts = new HostQueue();

const BROWSER_OFFER: DeflateOptions[] = [{ clientMaxWindowBits: true }];

function deflateOffers(options: ClientOptions): DeflateOptions[] {
  const chosen = options.perMessageDeflate;
  if (chosen === false) return [];
  if (chosen === undefined || chosen === true) return BROWSER_OFFER;
  return Array.isArray(chosen) ? chosen : [chosen];
}

async function connectAndHandshake(
  url: WebSocketUrl,
  handshake: ClientHandshake,
  options: ConnectOptions & ConnectionOptions,
  callbacks: ClientCallbacks,
  proxy?: ProxyRoute,
): Promise<Session> {
  const signal = options.signal;
  if (signal?.aborted) throw new WebSocketError("WS_ERR_ABORTED");
  // Fetch's port blocking: a network error, so the socket fails as an unreachable one does.
  if (isBadPort(url.port)) {
    throw new WebSocketError("WS_ERR_BAD_PORT", `port ${url.port} is one Fetch blocks (a bad port)`);
  }
  const expired = new AbortController();
  const timeout = options.handshakeTimeout ?? DEFAULT_CLIENT_HANDSHAKE_TIMEOUT;
  const timer = setTimeout(() => expired.abort(), timeout);
  const either = signal === undefined ? expired.signal : AbortSignal.any([signal, expired.signal]);
  // The timeout's message says where the time went: the host's queue, the proxy, the connect, the server.
  const target = hostKey(url.hostname, url.port);
  let stage = `while waiting for an earlier connection to ${target} to open`;
  const timedOut = (cause?: unknown) =>
    new WebSocketError("WS_ERR_HANDSHAKE_TIMEOUT", `handshakeTimeout (${timeout} ms) passed ${stage}`, undefined, {
      cause,
    });
  // Why the attempt was given up, if it was (the caller's abort over the deadline).
  const stopped = (cause?: unknown): WebSocketError | undefined =>
    signal?.aborted
      ? new WebSocketError("WS_ERR_ABORTED", undefined, undefined, { cause })
      : expired.signal.aborted
      ? timedOut(cause)
      : undefined;
  let transport;
  let release: (() => void) | undefined;
  try {
    // The deadline counts the wait for the host too: it is part of CONNECTING.
    release = await (options.hosts ?? hosts).acquire(hostKey(url.hostname, url.port), either).catch((cause) => {
      throw stopped(cause);
    });
    const offers = deflateOffers(options);
    const [net, codec, zlib] = await Promise.all([
      selectRuntime(),
      loadCodec(),
      // node:zlib only when deflate is offered; a runtime without it offers nothing.
      offers.length > 0 ? loadZlib() : undefined,
    ]);
    if (zlib === undefined) handshake.withdrawExtensions();
    stage = proxy === undefined
      ? `while connecting to ${target}`
      : `while connecting to ${target} through the proxy ${hostKey(proxy.hostname, proxy.port)}`;
    try {
      transport = await net.connect({
        hostname: url.hostname,
        port: url.port,
        tls: url.secure ? (options.tls ?? true) : undefined,
        signal: either,
        tunnel: proxy && proxyTunnel(proxy, url, net, { ...options.tls, servername: undefined }),
      });
    } catch (cause) {
      if (cause instanceof WebSocketError && stopped() === undefined) throw cause;
      throw stopped(cause) ?? new WebSocketError("WS_ERR_CONNECT", (cause as Error).message, undefined, { cause });
    }
    // A connect that could not be cancelled may finish after the deadline or the abort:
    // the listeners below would never hear of either.
    const late = stopped();
    if (late !== undefined) {
      transport.destroy();
      throw late;
    }
    // Bun's TLS connect resolves before the TLS handshake: it may still be under way here.
    stage = url.secure
      ? "before the server completed TLS and answered the upgrade request"
      : "before the server answered the upgrade request";
    return await handshakeOver(transport, codec, zlib, handshake, expired.signal, () => timedOut(), options, callbacks);
  } finally {
    clearTimeout(timer);
    // Open or failed: the next connection to this host may go.
    release?.();
  }
}

/** `headers` with `Origin: origin` added unless they name an Origin of their own. */
function withOrigin(headers: ClientOptions["headers"], origin: string): ClientOptions["headers"] {
  const list = headers instanceof Headers
    ? [...headers]
    : Array.isArray(headers)
    ? headers
    : Object.entries(headers ?? {});
  // A malformed entry is left for the handshake's own checks (its TypeError).
  const named = list.some((entry) => Array.isArray(entry) && String(entry[0]).toLowerCase() === "origin");
  return named ? headers : [...list, ["Origin", origin]];
}

function handshakeOver(
  transport: Transport,
  codec: Codec,
  zlib: ZlibModule | undefined,
  handshake: ClientHandshake,
  expired: AbortSignal,
  timedOut: () => WebSocketError,
  options: ClientOptions & ConnectionOptions,
  callbacks: ClientCallbacks,
): Promise<Session> {
  const signal = options.signal;
  const session = new Session(transport, callbacks.events, resolveSessionOptions(options));
  return new Promise<Session>((resolve, reject) => {
    let settled = false;
    const settle = (step: ClientHandshakeStep): void => {
      if (!step.done || settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      expired.removeEventListener("abort", onTimeout);
      if (step.ok) {
        // Before open(): it fires `open` at once, and a listener there may abort.
        signal?.addEventListener("abort", () => session.terminate(), { once: true });
        const [tuning] = deflateOffers(options);
        const frames = step.deflate === undefined || zlib === undefined
          ? codec
          : withDeflate(codec, zlib, "client", { ...tuning, params: step.deflate });
        session.open(frames, "client", step.rest, () => callbacks.opened(session, step.protocol, step.extensions));
        resolve(session);
      } else {
        transport.destroy();
        reject(step.error);
      }
    };
    const fail = (error: WebSocketError): void => settle({ done: true, ok: false, error });
    const onAbort = (): void => fail(new WebSocketError("WS_ERR_ABORTED"));
    const onTimeout = (): void => fail(timedOut());
    signal?.addEventListener("abort", onAbort, { once: true });
    expired.addEventListener("abort", onTimeout, { once: true });
    const tap = options.onHandshakeHead === undefined ? undefined : responseTap(options.onHandshakeHead);
    session.startHandshake({
      onData: (bytes) => {
        tap?.(bytes);
        settle(handshake.receive(bytes));
      },
      onClosed: (error) => {
        const step = handshake.eof();
        // No response at all, and the transport says why (e.g. a certificate Bun rejected after connecting).
        const noResponse = step.done && !step.ok && step.error.code === "WS_ERR_HANDSHAKE_MALFORMED";
        if (error !== undefined && noResponse) {
          fail(new WebSocketError("WS_ERR_CONNECT", error.message, undefined, { cause: error }));
        } else settle(step);
      },
    });
    const request = handshake.request();
    if (options.onHandshakeHead !== undefined) tell(options.onHandshakeHead, "request", request);
    transport.write(request);
  });
}
