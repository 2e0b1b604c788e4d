/**
 * One accepted transport, from its first byte to an open `WebSocket` (or a
 * plain HTTP answer): the strict upgrade parse, the application's accept
 * hook, the 101, and the hand-over of any bytes that followed the request.
 * Shared by `serve()` and the `node:http` upgrade path.
 *
 * @example
 * ```ts
 * import { acceptTransport } from "./accept.ts";
 * import { ClientRegistry } from "./registry.ts";
 * import type { Transport } from "../transport/types.ts";
 * declare const transport: Transport;
 * acceptTransport(transport, {
 *   websocket: (ws) => ws.addEventListener("message", (event) => ws.send(event.data)),
 * }, new ClientRegistry());
 * ```
 * @module
 */

import { loadCodec } from "../codec/load.ts";
import type { Codec } from "../codec/mod.ts";
import { WebSocketError } from "../protocol/errors.ts";
import type { HeadLimits } from "../protocol/http1/head.ts";
import { answerDeflateOffers, type DeflateOptions, validateDeflateOptions } from "../protocol/deflate_negotiation.ts";
import { withDeflate } from "../extensions/deflate_codec.ts";
import { compressorSettings, type DeflateAgreement } from "../extensions/compressor.ts";
import { loadZlib, type ZlibModule } from "../extensions/zlib_stream.ts";
import { ServerHandshake, type ServerHandshakeStep, type UpgradeRequest } from "../protocol/server_handshake.ts";
import { acceptResponse, rejectResponse } from "../protocol/server_responses.ts";
import { HttpConnection } from "./http_connection.ts";
import { type ServerErrorHook, ServerFailures } from "./failures.ts";
import { AcceptPhase } from "./accept_phase.ts";
import { Session } from "../session/session.ts";
import { type ResolvedSessionOptions, resolveSessionOptions } from "../session/options.ts";
import { DEFAULT_SERVER_HANDSHAKE_TIMEOUT } from "../protocol/defaults.ts";
import type { ClientRegistry } from "./registry.ts";
import type { Transport } from "../transport/types.ts";
import { acceptedWebSocket, type WebSocket, type WebSocketOptions } from "../websocket/websocket.ts";
import { acceptedStream, type WebSocketStream } from "../websocket/stream.ts";
import { keepRequest, type KeptRequest, type UpgradeInfo, upgradeInfo } from "../websocket/upgrade_info.ts";
import { requestUrl } from "./request_url.ts";

/** The answer of an `upgrade` hook; `data` goes with the socket as `ws.data`. */
export type UpgradeDecision<T = undefined> =
  | void
  | boolean
  | Response
  | {
    protocol?: string;
    headers?: Record<string, string> | [string, string][];
    /** Carried by the socket as `ws.data`. */
    data?: T;
    /** permessage-deflate for this connection, overriding the server's `perMessageDeflate`. */
    perMessageDeflate?: boolean | DeflateOptions;
  };

/**
 * An accepted socket, carrying what the `upgrade` hook returned as `data`.
 *
 * @example
 * ```ts
 * import type { ServerWebSocket } from "./accept.ts";
 * const greet = (ws: ServerWebSocket<{ user: string }>) => ws.send(`hello ${ws.data.user}`);
 * ```
 */
export type ServerWebSocket<T = undefined> = WebSocket & { data: T };

/** What every accepted connection shares: hooks and limits. */
export interface AcceptOptions<T = undefined> extends
  Pick<
    WebSocketOptions,
    "maxPayload" | "maxFragments" | "closeTimeout" | "idleTimeout" | "highWaterMark" | "onBufferFull"
  > {
  /**
   * Called with each open socket (attach listeners here). If it throws or
   * rejects, the connection is closed with 1011 and the error goes to `onError`.
   */
  websocket?: (ws: ServerWebSocket<T>, request: UpgradeInfo) => unknown;
  /**
   * Called with each open connection as a `WebSocketStream` instead (then
   * `websocket` is not called): its readable applies backpressure to the
   * client, its writes resolve once handed to the operating system.
   */
  stream?: (wss: WebSocketStream, request: UpgradeInfo) => void;
  /**
   * Accept or reject an upgrade: return nothing/true to accept, false for
   * 403, a `Response` to answer with it, or `{ protocol, headers, data }` to
   * accept with a subprotocol, extra 101 headers (e.g. `Set-Cookie`) and the
   * socket's `ws.data`. If it throws or rejects, the answer is 500 and the
   * error goes to `onError`.
   */
  upgrade?: (request: UpgradeInfo & { protocols: string[] }) => UpgradeDecision<T> | Promise<UpgradeDecision<T>>;
  /**
   * Told when an application hook (`websocket`, `upgrade`, `fetch`) throws
   * or rejects (`WS_ERR_HANDLER`, the thrown value as `cause`), and at the
   * start of each burst of connections refused past `maxConnections`
   * (`WS_ERR_SERVER_FULL`). Default: `console.error`, the message naming the peer.
   */
  onError?: ServerErrorHook;
  /** Requests that are not upgrades (default: 426). */
  fetch?: (request: Request) => Response | Promise<Response>;
  /** Give up on a client that has not sent its upgrade request after this many ms (default 10000). */
  handshakeTimeout?: number;
  /** Largest request head in bytes (default 16384; 431 beyond). */
  maxHeadBytes?: number;
  /** Most request headers (default 100; 431 beyond). */
  maxHeaders?: number;
  /**
   * How long a persistent HTTP connection waits for its next request, in ms
   * (default 5000); 0 answers one request per connection.
   */
  keepAliveTimeout?: number;
  /** Most HTTP requests on one connection (default 1000); the last answer closes it. */
  maxRequestsPerConnection?: number;
  /**
   * permessage-deflate (RFC 7692): off unless `true` or options (it costs
   * CPU, and memory per connection with the client's context takeover).
   * The `upgrade` hook may decide per connection.
   */
  perMessageDeflate?: boolean | DeflateOptions;
}

/** What the listener knows about an accepted connection. */
export interface AcceptContext {
  /** The connection came over TLS: URLs are `wss://` and `https://`. */
  secure?: boolean;
  /** Bytes already read from the connection (a request head replayed from `node:http`). */
  initial?: Uint8Array;
  /** Where the server counts and reports hook failures (default: one per options object). */
  failures?: ServerFailures;
}

/**
 * Run the opening handshake on `transport`, tracked by `registry` from the
 * first byte, and registered there as open once it is (so the server can
 * broadcast to it and shut it down). `handshakeTimeout` covers everything
 * up to the 101 or the start of a plain HTTP answer: a slow request body
 * or an `upgrade` hook that never decides cannot hold the socket.
 *
 * @example
 * ```ts
 * import { ClientRegistry } from "./registry.ts";
 * import type { Transport } from "../transport/types.ts";
 * declare const transport: Transport;
 * const registry = new ClientRegistry();
 * acceptTransport(transport, { websocket: (ws) => console.log("open", ws.url) }, registry);
 * ```
 */
export function acceptTransport<T>(
  transport: Transport,
  options: AcceptOptions<T>,
  registry: ClientRegistry,
  context: AcceptContext = {},
): void {
  const shared = sharedOf(options as AcceptOptions<unknown>);
  const failures = context.failures ?? shared.failures;
  const session = new Session(transport, NO_EVENTS, shared.session);
  const handshakeTimeout = options.handshakeTimeout ?? DEFAULT_SERVER_HANDSHAKE_TIMEOUT;
  let handshake = new ServerHandshake(shared.limits);
  const phase = new AcceptPhase(transport, handshakeTimeout);
  let headDone = false;
  // Between two requests of a persistent connection: the keep-alive timer runs, not the handshake's.
  let idle = false;
  // Made at the first plain HTTP request.
  let http: HttpConnection | undefined;
  const onStep = (step: ServerHandshakeStep): void => {
    if (!step.done || headDone) return;
    headDone = true;
    if ("reject" in step) {
      return phase.refuse(rejectResponse(step.reject.status, step.reject.headers, step.reject.body));
    }
    phase.push(step.rest);
    if ("notUpgrade" in step) {
      const failed = (error: unknown) => failures.handler("fetch", error, transport.remoteAddress);
      http ??= new HttpConnection(transport, phase, options, { secure: context.secure, failed });
      http.answer(step.notUpgrade, nextRequest);
    } else {
      const upgrading = { session, request: step.request, phase, options, registry, failures };
      upgrade({ ...upgrading, secure: context.secure === true }).catch((error) => {
        failures.handler("upgrade", error, transport.remoteAddress);
        if (!session.isClosed) phase.refuse(rejectResponse(500));
      });
    }
  };
  const receive = (bytes: Uint8Array): void => {
    if (idle) {
      idle = false;
      phase.rearm(handshakeTimeout);
    }
    onStep(handshake.receive(bytes));
  };
  // A persistent connection's answer is out: its next request may already be here, pipelined.
  const nextRequest = (queued: Uint8Array): boolean => {
    handshake = new ServerHandshake(shared.limits);
    headDone = false;
    idle = true;
    if (queued.length > 0) receive(queued);
    return headDone;
  };
  session.startHandshake({
    onData: (bytes) => headDone ? phase.push(bytes) : receive(bytes),
    onDrain: () => http?.drain(),
    // A client may half-close once its request is out: the answer still goes back, then ends the connection.
    onPeerEnd: () => http?.peerEnded() ?? false,
    onClosed() {
      phase.settle();
      http?.close();
    },
  });
  registry.track(session);
  if (context.initial !== undefined && context.initial.length > 0) onStep(handshake.receive(context.initial));
}

/** One upgrade request on its way to an open socket. */
interface Upgrading<T> {
  session: Session;
  request: UpgradeRequest;
  phase: AcceptPhase;
  options: AcceptOptions<T>;
  registry: ClientRegistry;
  failures: ServerFailures;
  /** The connection came over TLS. */
  secure: boolean;
}

/** What {@link open} needs beyond the request: the application's decision, and the codec. */
interface Accepted<T> extends Upgrading<T> {
  kept: KeptRequest;
  protocol: string;
  headers: [string, string][] | undefined;
  codec: Codec;
  data: T | undefined;
  /** The agreed permessage-deflate, if any. */
  deflate: { header: string; zlib: ZlibModule; agreement: DeflateAgreement } | undefined;
}

// The async part stays small: every local here lives in a suspended frame
// per connection until the codec is there.
async function upgrade<T>(upgrading: Upgrading<T>): Promise<void> {
  const { session, request, phase, options, secure } = upgrading;
  const transport = session.transport;
  const remoteAddress = transport.remoteAddress;
  const host = request.fields.get("host") ?? remoteAddress?.hostname ?? "localhost";
  // The socket keeps the fields as sent, not the Headers: idle connections are many, and most never ask.
  const kept = keepRequest(requestUrl(request.target, host, secure), remoteAddress, request.fields);
  // Each info builds the (shared) Headers only if the application reads it.
  const pending = options.upgrade?.(
    Object.assign(upgradeInfo(kept.url, remoteAddress, request.fields), { protocols: request.protocols }),
  );
  // Nothing to wait for without a hook: no promise per connection for it.
  const decision = pending === undefined ? undefined : await pending;
  if (session.isClosed) return;
  if (decision === false) return phase.refuse(rejectResponse(403));
  if (decision instanceof Response) {
    const body = new Uint8Array(await decision.arrayBuffer());
    return phase.refuse(rejectResponse(decision.status, [...decision.headers], body));
  }
  const accepted: Exclude<UpgradeDecision<T>, void | boolean | Response> =
    typeof decision === "object" && decision !== null ? decision : NO_CHOICE;
  // As ws does: without a choice, the first offered subprotocol is taken.
  const protocol = accepted.protocol ?? request.protocols[0] ?? "";
  if (protocol !== "" && !request.protocols.includes(protocol)) {
    throw new WebSocketError("WS_ERR_HANDSHAKE_SUBPROTOCOL", `the upgrade hook chose ${protocol}, not offered`);
  }
  const headers = accepted.headers === undefined
    ? undefined
    : Array.isArray(accepted.headers)
    ? accepted.headers
    : Object.entries(accepted.headers);
  const wanted = accepted.perMessageDeflate ?? options.perMessageDeflate;
  const deflateOptions = wanted === true ? NO_DEFLATE_OPTIONS : wanted || undefined;
  if (deflateOptions !== undefined && deflateOptions !== options.perMessageDeflate) {
    validateDeflateOptions(deflateOptions);
  }
  const answer = deflateOptions === undefined || request.extensions === ""
    ? undefined
    : answerDeflateOffers(request.extensions, deflateOptions);
  // node:zlib is loaded only once a connection agrees to deflate.
  const [codec, zlib] = await Promise.all([loadCodec(), answer === undefined ? undefined : loadZlib()]);
  phase.settle();
  const deflate = answer === undefined || zlib === undefined
    ? undefined
    : { header: answer.header, zlib, agreement: { ...deflateOptions, params: answer.params } };
  open({ ...upgrading, kept, protocol, headers, codec, data: accepted.data, deflate });
}

function open<T>(accepted: Accepted<T>): void {
  const { session, request, phase, options, registry, kept, protocol, headers, codec, data, failures, deflate } =
    accepted;
  // The peer may have left, or the server begun its shutdown, while the hook ran.
  if (session.isClosed || registry.closing) return session.terminate();
  const extensions = deflate?.header ?? "";
  session.transport.write(
    acceptResponse({ key: request.key, protocol: protocol || undefined, extensions: extensions || undefined, headers }),
  );
  const ws = acceptedWebSocket({ session, protocol, extensions, upgrade: kept }) as ServerWebSocket<T>;
  if (data !== undefined) ws.data = data;
  // A stream handler reads through the stream; the socket stays for `clients`, pings and state.
  const streamed = options.stream && acceptedStream({ session, protocol, extensions, url: kept.url });
  if (streamed) session.setEvents(streamed.events);
  registry.opened(
    session,
    ws,
    deflate && { zlib: deflate.zlib, settings: compressorSettings("server", deflate.agreement) },
  );
  // Open before the application sees the socket, so what it sends there goes out;
  // the frames that came with the request wait until its listeners are attached.
  session.open(deflate ? withDeflate(codec, deflate.zlib, "server", deflate.agreement) : codec, "server", EMPTY);
  // The application could not set the socket up: 1011 (RFC 6455 §7.4.1), not a socket nobody listens to.
  const failed = (error: unknown): void => {
    failures.handler("websocket", error, kept.remoteAddress);
    if (!session.isClosed) session.close(1011, "");
  };
  try {
    const info = upgradeInfo(kept.url, kept.remoteAddress, request.fields);
    const done = streamed ? options.stream!(streamed.stream, info) : options.websocket?.(ws, info);
    if (done instanceof Promise) done.catch(failed);
  } catch (error) {
    failed(error);
  }
  phase.open((bytes) => session.onData(bytes));
}

const NO_EVENTS = {};
const NO_DEFLATE_OPTIONS: DeflateOptions = {};
const NO_CHOICE = {};
const EMPTY = new Uint8Array(0);

/**
 * Check the options a server is made with (a `RangeError` for bad
 * permessage-deflate window bits), so that a mistake fails at start, not at
 * the first connection.
 *
 * @example
 * ```ts
 * checkAcceptOptions({ perMessageDeflate: { serverMaxWindowBits: 10 } }); // fine
 * ```
 */
export function checkAcceptOptions<T>(options: AcceptOptions<T>): void {
  if (typeof options.perMessageDeflate === "object") validateDeflateOptions(options.perMessageDeflate);
}

// One set of resolved session options, one of head limits and one failure report per server,
// shared by all its connections.
interface Shared {
  session: ResolvedSessionOptions;
  limits: HeadLimits;
  failures: ServerFailures;
}
const sharedOptions = new WeakMap<AcceptOptions<unknown>, Shared>();
function sharedOf(options: AcceptOptions<unknown>): Shared {
  let resolved = sharedOptions.get(options);
  if (resolved === undefined) {
    resolved = {
      session: resolveSessionOptions(options),
      limits: { maxHeadBytes: options.maxHeadBytes, maxHeaders: options.maxHeaders },
      failures: new ServerFailures(options.onError),
    };
    sharedOptions.set(options, resolved);
  }
  return resolved;
}
