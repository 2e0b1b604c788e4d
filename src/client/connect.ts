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
import { WebSocketError } from "../protocol/errors.ts";
import { findHeadEnd } from "../protocol/http1/head.ts";
import type { WebSocketUrl } from "../protocol/ws_url.ts";
import { reportListenerError } from "../session/report.ts";
import { Session, type SessionEvents, type SessionOptions } from "../session/session.ts";
import { selectRuntime } from "../transport/select.ts";
import type { ClientTlsOptions, Transport } from "../transport/types.ts";

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
   * Sees the opening handshake as it crosses the wire: the request head as
   * sent, then the response head as received (for debugging, e.g.
   * `wasmws connect --verbose`). A listener that throws is reported, not fatal.
   */
  onHandshakeHead?: (direction: "request" | "response", head: string) => void;
}

/** Options accepted as the `WebSocket` constructor's second argument, beyond a protocol list. */
export interface WebSocketOptions extends ClientOptions {
  /** Subprotocols to offer. */
  protocols?: string | string[];
  /** Largest message accepted, in bytes (default 100 MiB; 1009 beyond). */
  maxPayload?: number;
  /** Most fragments per message (default 100,000; 1009 beyond). */
  maxFragments?: number;
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
 * `WS_ERR_HANDSHAKE_*`, `WS_ERR_ABORTED`) whose `details` hold the failed
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
  options: ClientOptions,
  callbacks: ClientCallbacks,
): Promise<Session> {
  const handshake = new ClientHandshake({ url, protocols, headers: options.headers });
  return connectAndHandshake(url, handshake, options, callbacks);
}

async function connectAndHandshake(
  url: WebSocketUrl,
  handshake: ClientHandshake,
  options: ClientOptions,
  callbacks: ClientCallbacks,
): Promise<Session> {
  const signal = options.signal;
  if (signal?.aborted) throw new WebSocketError("WS_ERR_ABORTED");
  const expired = new AbortController();
  const timer = setTimeout(() => expired.abort(), options.handshakeTimeout ?? 30_000);
  // Why the attempt was given up, if it was (the caller's abort over the deadline).
  const stopped = (cause?: unknown): WebSocketError | undefined =>
    signal?.aborted
      ? new WebSocketError("WS_ERR_ABORTED", undefined, undefined, { cause })
      : expired.signal.aborted
      ? new WebSocketError("WS_ERR_HANDSHAKE_TIMEOUT", undefined, undefined, { cause })
      : undefined;
  let transport;
  try {
    const [net, codec] = await Promise.all([selectRuntime(), loadCodec()]);
    try {
      transport = await net.connect({
        hostname: url.hostname,
        port: url.port,
        tls: url.secure ? (options.tls ?? true) : undefined,
        signal: signal === undefined ? expired.signal : AbortSignal.any([signal, expired.signal]),
      });
    } catch (cause) {
      throw stopped(cause) ?? new WebSocketError("WS_ERR_CONNECT", (cause as Error).message, undefined, { cause });
    }
    // A connect that could not be cancelled may finish after the deadline or the abort:
    // the listeners below would never hear of either.
    const late = stopped();
    if (late !== undefined) {
      transport.destroy();
      throw late;
    }
    return await handshakeOver(transport, codec, handshake, expired.signal, options, callbacks);
  } finally {
    clearTimeout(timer);
  }
}

function handshakeOver(
  transport: Transport,
  codec: Codec,
  handshake: ClientHandshake,
  expired: AbortSignal,
  options: ClientOptions,
  callbacks: ClientCallbacks,
): Promise<Session> {
  const signal = options.signal;
  const session = new Session(transport, callbacks.events, options);
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
        session.open(codec, "client", step.rest, () => callbacks.opened(session, step.protocol, step.extensions));
        resolve(session);
      } else {
        transport.destroy();
        reject(step.error);
      }
    };
    const fail = (error: WebSocketError): void => settle({ done: true, ok: false, error });
    const onAbort = (): void => fail(new WebSocketError("WS_ERR_ABORTED"));
    const onTimeout = (): void => fail(new WebSocketError("WS_ERR_HANDSHAKE_TIMEOUT"));
    signal?.addEventListener("abort", onAbort, { once: true });
    expired.addEventListener("abort", onTimeout, { once: true });
    const tap = options.onHandshakeHead === undefined ? undefined : responseTap(options.onHandshakeHead);
    session.startHandshake({
      data: (bytes) => {
        tap?.(bytes);
        settle(handshake.receive(bytes));
      },
      closed: (error) => {
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

type HeadListener = NonNullable<ClientOptions["onHandshakeHead"]>;
const latin1 = new TextDecoder("latin1");

function tell(listener: HeadListener, direction: "request" | "response", head: Uint8Array): void {
  try {
    listener(direction, latin1.decode(head));
  } catch (error) {
    reportListenerError(error);
  }
}

// Collects the response until its blank line (at most the head limit), reports it once, then lets go.
function responseTap(listener: HeadListener): (bytes: Uint8Array) => void {
  let seen: Uint8Array | undefined = new Uint8Array(0);
  return (bytes) => {
    if (seen === undefined) return;
    const joined = new Uint8Array(seen.length + bytes.length);
    joined.set(seen);
    joined.set(bytes, seen.length);
    const end = findHeadEnd(joined, Math.max(0, seen.length - 3));
    seen = end < 0 && joined.length <= 65536 ? joined : undefined;
    if (end >= 0) tell(listener, "response", joined.subarray(0, end));
  };
}
