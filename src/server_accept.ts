/**
 * One accepted transport, from its first byte to an open `WebSocket` (or a
 * plain HTTP answer): the strict upgrade parse, the application's accept
 * hook, the 101, and the hand-over of any bytes that followed the request.
 * Shared by `serve()` and the `node:http` upgrade path.
 *
 * @example
 * ```ts
 * import { acceptTransport } from "./server_accept.ts";
 * import type { Transport } from "./transport/types.ts";
 * declare const transport: Transport;
 * acceptTransport(transport, {
 *   websocket: (ws) => ws.addEventListener("message", (event) => ws.send(event.data)),
 * }, () => {});
 * ```
 * @module
 */

import { loadCodec } from "./codec/load.ts";
import { WebSocketError } from "./protocol/errors.ts";
import {
  acceptResponse,
  rejectResponse,
  ServerHandshake,
  type ServerHandshakeStep,
  type UpgradeRequest,
} from "./protocol/server_handshake.ts";
import { respondHttp } from "./server_http.ts";
import { reportListenerError } from "./report.ts";
import { ByteQueue } from "./byte_queue.ts";
import { Session } from "./session.ts";
import type { NetAddress, Transport } from "./transport/types.ts";
import { WebSocket, type WebSocketOptions } from "./websocket.ts";
import { keepRequest, type UpgradeInfo } from "./upgrade_info.ts";

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

/**
 * Run the opening handshake on `transport`; `registered(ws)` is told of the
 * socket once it is open so the server can track (and later shut down) it.
 *
 * @example
 * ```ts
 * import type { Transport } from "./transport/types.ts";
 * declare const transport: Transport;
 * acceptTransport(transport, {}, (ws) => console.log("open", ws.url));
 * ```
 */
export function acceptTransport(
  transport: Transport,
  options: AcceptOptions,
  registered: (ws: WebSocket, session: Session) => void,
  initial?: Uint8Array,
): Session {
  const session = new Session(transport, {}, {
    limits: { maxPayload: options.maxPayload ?? 100 * 1024 * 1024, maxFragments: options.maxFragments ?? 100_000 },
    closeTimeout: options.closeTimeout,
    idleTimeout: options.idleTimeout,
    highWaterMark: options.highWaterMark,
    onBufferFull: options.onBufferFull,
  });
  const handshake = new ServerHandshake({ maxHeadBytes: options.maxHeadBytes, maxHeaders: options.maxHeaders });
  let finished = false;
  // Bytes that arrive after the head while the application decides: the first frames, or a request body.
  const late = new ByteQueue();
  const timer = setTimeout(() => finish(() => transport.destroy()), options.handshakeTimeout ?? 10_000);
  function finish(then: () => void): void {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    then();
  }
  const onStep = (step: ServerHandshakeStep): void => {
    if (!step.done || finished) return;
    finish(() => {
      if ("reject" in step) {
        answer(transport, rejectResponse(step.reject.status, step.reject.headers, step.reject.body));
      } else if ("notUpgrade" in step) {
        late.push(step.rest);
        respondHttp(transport, step.notUpgrade, late, options.fetch);
      } else {
        late.push(step.rest);
        upgrade(session, step.request, late, options, registered).catch((error) => {
          console.error(error);
          answer(transport, rejectResponse(500));
        });
      }
    });
  };
  session.startHandshake({
    data: (bytes) => finished ? late.push(bytes) : onStep(handshake.receive(bytes)),
    closed: () => finish(() => {}),
  });
  if (initial !== undefined && initial.length > 0) onStep(handshake.receive(initial));
  return session;
}

async function upgrade(
  session: Session,
  request: UpgradeRequest,
  late: ByteQueue,
  options: AcceptOptions,
  registered: (ws: WebSocket, session: Session) => void,
): Promise<void> {
  const transport = session.transport;
  const info: UpgradeInfo = {
    url: requestUrl(request, transport.remoteAddress),
    headers: request.headers,
    remoteAddress: transport.remoteAddress,
  };
  const decision = await options.upgrade?.({ ...info, protocols: request.protocols });
  if (decision === false) return answer(transport, rejectResponse(403));
  if (decision instanceof Response) {
    const body = await decision.text();
    return answer(transport, rejectResponse(decision.status, [...decision.headers], body));
  }
  const accepted = typeof decision === "object" && decision !== null ? decision : {};
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
  transport.write(acceptResponse({ key: request.key, protocol: protocol || undefined, headers }));
  // The socket keeps the fields as sent, not the Headers: idle connections are many, and most never ask.
  const ws = WebSocket._accept(session, protocol, "", keepRequest(info.url, info.remoteAddress, request.rawHeaders));
  session.setEvents(ws._events());
  registered(ws, session);
  try {
    options.websocket?.(ws, info);
  } catch (error) {
    reportListenerError(error);
  }
  session.open(codec, "server", late.take());
}

function answer(transport: Transport, bytes: Uint8Array): void {
  transport.write(bytes);
  transport.end();
}

function requestUrl(request: UpgradeRequest, remote: NetAddress | undefined): string {
  const host = request.headers.get("host") ?? remote?.hostname ?? "localhost";
  try {
    return new URL(request.target, `ws://${host}`).href;
  } catch {
    return `ws://localhost${request.target.startsWith("/") ? request.target : "/"}`;
  }
}
