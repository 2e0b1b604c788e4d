/**
 * One accepted transport, from its first byte to an upgrade request (or a
 * plain HTTP answer): the strict request parse, the handshake timeout, and
 * persistent HTTP between requests. The request then goes to the
 * application (`upgrade_decision.ts`) and the socket opens
 * (`open_socket.ts`). Shared by `serve()` and the `node:http` upgrade path.
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

import type { HeadLimits } from "../protocol/http1/head.ts";
import { ServerHandshake, type ServerHandshakeStep } from "../protocol/server_handshake.ts";
import { rejectResponse } from "../protocol/server_responses.ts";
import { DEFAULT_SERVER_HANDSHAKE_TIMEOUT } from "../protocol/defaults.ts";
import { Session } from "../session/session.ts";
import { type ResolvedSessionOptions, resolveSessionOptions } from "../session/options.ts";
import type { Transport } from "../transport/types.ts";
import type { AcceptContext, AcceptOptions } from "./accept_options.ts";
import { AcceptPhase } from "./accept_phase.ts";
import { ServerFailures } from "./failures.ts";
import { HttpConnection } from "./http_connection.ts";
import type { ClientRegistry } from "./registry.ts";
import { decideUpgrade } from "./upgrade_decision.ts";

export {
  type AcceptContext,
  type AcceptOptions,
  checkAcceptOptions,
  type ServerWebSocket,
  type UpgradeDecision,
  type WebSocketHandlers,
} from "./accept_options.ts";

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
      const secure = context.secure === true;
      const highWaterMark = shared.session.highWaterMark;
      const upgrading = { session, request: step.request, phase, options, registry, failures, secure, highWaterMark };
      const failed = (error: unknown): void => {
        failures.handler("upgrade", error, transport.remoteAddress);
        if (!session.isClosed) phase.refuse(rejectResponse(500));
      };
      try {
        decideUpgrade(upgrading)?.catch(failed);
      } catch (error) {
        failed(error);
      }
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

const NO_EVENTS = {};

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
