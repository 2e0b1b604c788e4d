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
import { ServerHandshake, type ServerHandshakeStep, type UpgradeRequest } from "../protocol/server_handshake.ts";
import { acceptResponse, rejectResponse } from "../protocol/server_responses.ts";
import { HttpFlow, respondHttp } from "./http.ts";
import { reportListenerError } from "../session/report.ts";
import { AcceptPhase } from "./accept_phase.ts";
import { Session, type SessionOptions } from "../session/session.ts";
import type { ClientRegistry } from "./registry.ts";
import type { Transport } from "../transport/types.ts";
import { WebSocket, type WebSocketOptions } from "../websocket/websocket.ts";
import { WebSocketStream } from "../websocket/stream.ts";
import { keepRequest, type KeptRequest, type UpgradeInfo, upgradeInfo } from "../websocket/upgrade_info.ts";
import { requestUrl } from "./request_url.ts";

/** The answer of an `upgrade` hook. */
export type UpgradeDecision =
  | void
  | boolean
  | Response
  | { protocol?: string; headers?: Record<string, string> | [string, string][] };

/** What every accepted connection shares: hooks and limits. */
export interface AcceptOptions extends
  Pick<
    WebSocketOptions,
    "maxPayload" | "maxFragments" | "closeTimeout" | "idleTimeout" | "highWaterMark" | "onBufferFull"
  > {
  /** Called with each open socket (attach listeners here). */
  websocket?: (ws: WebSocket, request: UpgradeInfo) => void;
  /**
   * Called with each open connection as a `WebSocketStream` instead (then
   * `websocket` is not called): its readable applies backpressure to the
   * client, its writes resolve once handed to the operating system.
   */
  stream?: (wss: WebSocketStream, request: UpgradeInfo) => void;
  /**
   * Accept or reject an upgrade: return nothing/true to accept, false for
   * 403, a `Response` to answer with it, or `{ protocol, headers }` to accept
   * with a subprotocol and extra 101 headers (e.g. `Set-Cookie`).
   */
  upgrade?: (request: UpgradeInfo & { protocols: string[] }) => UpgradeDecision | Promise<UpgradeDecision>;
  /** Requests that are not upgrades (default: 426). */
  fetch?: (request: Request) => Response | Promise<Response>;
  /** Give up on a client that has not sent its upgrade request after this many ms (default 10000). */
  handshakeTimeout?: number;
  /** Largest request head in bytes (default 16384; 431 beyond). */
  maxHeadBytes?: number;
  /** Most request headers (default 100; 431 beyond). */
  maxHeaders?: number;
}

/** What the listener knows about an accepted connection. */
export interface AcceptContext {
  /** The connection came over TLS: URLs are `wss://` and `https://`. */
  secure?: boolean;
  /** Bytes already read from the connection (a request head replayed from `node:http`). */
  initial?: Uint8Array;
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
export function acceptTransport(
  transport: Transport,
  options: AcceptOptions,
  registry: ClientRegistry,
  context: AcceptContext = {},
): void {
  const shared = sharedOf(options);
  const session = new Session(transport, NO_EVENTS, shared.session);
  const handshake = new ServerHandshake(shared.limits);
  const phase = new AcceptPhase(transport, options.handshakeTimeout ?? 10_000);
  let headDone = false;
  // A plain HTTP answer streams by the transport's drain and stops when it closes.
  let http: HttpFlow | undefined;
  const onStep = (step: ServerHandshakeStep): void => {
    if (!step.done || headDone) return;
    headDone = true;
    if ("reject" in step) {
      return phase.refuse(rejectResponse(step.reject.status, step.reject.headers, step.reject.body));
    }
    phase.push(step.rest);
    if ("notUpgrade" in step) {
      http = new HttpFlow();
      const httpContext = { secure: context.secure, received: () => phase.discard(), flow: http };
      void respondHttp(transport, step.notUpgrade, phase.late, options.fetch, httpContext);
    } else {
      upgrade(session, step.request, phase, options, registry, context.secure === true).catch((error) => {
        console.error(error);
        phase.refuse(rejectResponse(500));
      });
    }
  };
  session.startHandshake({
    data: (bytes) => headDone ? phase.push(bytes) : onStep(handshake.receive(bytes)),
    drain: () => http?.drain(),
    // A client may half-close once its request is out: the answer still goes back, then ends the connection.
    end: () => http !== undefined,
    closed() {
      phase.settle();
      http?.close();
    },
  });
  registry.track(session);
  if (context.initial !== undefined && context.initial.length > 0) onStep(handshake.receive(context.initial));
}

// The async part stays small: every local here lives in a suspended frame
// per connection until the codec is there.
async function upgrade(
  session: Session,
  request: UpgradeRequest,
  phase: AcceptPhase,
  options: AcceptOptions,
  registry: ClientRegistry,
  secure: boolean,
): Promise<void> {
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
  const accepted = typeof decision === "object" && decision !== null ? decision : NO_CHOICE;
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
  const codec = await loadCodec();
  phase.settle();
  open(session, request, phase, options, registry, kept, protocol, headers, codec);
}

function open(
  session: Session,
  request: UpgradeRequest,
  phase: AcceptPhase,
  options: AcceptOptions,
  registry: ClientRegistry,
  kept: KeptRequest,
  protocol: string,
  headers: [string, string][] | undefined,
  codec: Codec,
): void {
  // The peer may have left, or the server begun its shutdown, while the hook ran.
  if (session.isClosed || registry.closing) return session.terminate();
  session.transport.write(acceptResponse({ key: request.key, protocol: protocol || undefined, headers }));
  const ws = WebSocket._accept(session, protocol, "", kept);
  const streamed = options.stream && WebSocketStream._accept(session, protocol, "", kept.url, ws);
  session.setEvents(streamed ? streamed.events : ws);
  registry.opened(session, ws);
  // Open before the application sees the socket, so what it sends there goes out;
  // the frames that came with the request wait until its listeners are attached.
  session.open(codec, "server", EMPTY);
  try {
    const info = upgradeInfo(kept.url, kept.remoteAddress, request.fields);
    if (streamed) options.stream!(streamed.stream, info);
    else options.websocket?.(ws, info);
  } catch (error) {
    reportListenerError(error);
  }
  phase.open((bytes) => session.data(bytes));
}

const NO_EVENTS = {};
const NO_CHOICE: Exclude<UpgradeDecision, void | boolean | Response> = {};
const EMPTY = new Uint8Array(0);

// One SessionOptions and one set of head limits per server, shared by all its connections.
const sharedOptions = new WeakMap<AcceptOptions, { session: SessionOptions; limits: HeadLimits }>();
function sharedOf(options: AcceptOptions): { session: SessionOptions; limits: HeadLimits } {
  let resolved = sharedOptions.get(options);
  if (resolved === undefined) {
    resolved = {
      session: {
        limits: { maxPayload: options.maxPayload ?? 100 * 1024 * 1024, maxFragments: options.maxFragments ?? 100_000 },
        closeTimeout: options.closeTimeout,
        idleTimeout: options.idleTimeout,
        highWaterMark: options.highWaterMark,
        onBufferFull: options.onBufferFull,
      },
      limits: { maxHeadBytes: options.maxHeadBytes, maxHeaders: options.maxHeaders },
    };
    sharedOptions.set(options, resolved);
  }
  return resolved;
}
