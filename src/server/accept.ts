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
import { type HandshakeReader, Session } from "../session/session.ts";
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
  const accepting = new Accepting(transport, options as AcceptOptions<unknown>, registry, context);
  accepting.session.startHandshake(accepting);
  registry.track(accepting.session);
  if (context.initial !== undefined && context.initial.length > 0) accepting.receive(context.initial);
}

// One connection until its upgrade request is answered: the session's
// handshake reader itself, one object rather than a closure per callback
// (handshakes are many, and what they leave is what a server's young
// generation grows on).
class Accepting implements HandshakeReader {
  readonly session: Session;
  readonly #transport: Transport;
  readonly #options: AcceptOptions<unknown>;
  readonly #registry: ClientRegistry;
  readonly #context: AcceptContext;
  readonly #shared: Shared;
  readonly #failures: ServerFailures;
  readonly #phase: AcceptPhase;
  #handshake: ServerHandshake;
  #headDone = false;
  // Between two requests of a persistent connection: the keep-alive timer runs, not the handshake's.
  #idle = false;
  // Made at the first plain HTTP request.
  #http: HttpConnection | undefined;

  constructor(transport: Transport, options: AcceptOptions<unknown>, registry: ClientRegistry, context: AcceptContext) {
    const shared = this.#shared = sharedOf(options);
    this.#transport = transport;
    this.#options = options;
    this.#registry = registry;
    this.#context = context;
    this.#failures = context.failures ?? shared.failures;
    this.session = new Session(transport, NO_EVENTS, shared.session);
    this.#handshake = new ServerHandshake(shared.limits);
    this.#phase = new AcceptPhase(transport, this.#handshakeTimeout);
  }

  get #handshakeTimeout(): number {
    return this.#options.handshakeTimeout ?? DEFAULT_SERVER_HANDSHAKE_TIMEOUT;
  }

  onData(bytes: Uint8Array): void {
    if (this.#headDone) this.#phase.push(bytes);
    else this.receive(bytes);
  }

  onDrain(): void {
    this.#http?.drain();
  }

  // A client may half-close once its request is out: the answer still goes back, then ends the connection.
  onPeerEnd(): boolean {
    return this.#http?.peerEnded() ?? false;
  }

  onClosed(): void {
    this.#phase.settle();
    this.#http?.close();
  }

  /** Bytes of the head (or of the next request on a persistent connection). */
  receive(bytes: Uint8Array): void {
    if (this.#idle) {
      this.#idle = false;
      this.#phase.rearm(this.#handshakeTimeout);
    }
    this.#onStep(this.#handshake.receive(bytes));
  }

  #onStep(step: ServerHandshakeStep): void {
    if (!step.done || this.#headDone) return;
    this.#headDone = true;
    const phase = this.#phase;
    if ("reject" in step) {
      return phase.refuse(rejectResponse(step.reject.status, step.reject.headers, step.reject.body));
    }
    phase.push(step.rest);
    if ("notUpgrade" in step) return this.#answer(step.notUpgrade);
    const upgrading = {
      session: this.session,
      request: step.request,
      phase,
      options: this.#options,
      registry: this.#registry,
      failures: this.#failures,
      secure: this.#context.secure === true,
      highWaterMark: this.#shared.session.highWaterMark,
    };
    try {
      decideUpgrade(upgrading)?.catch((error) => this.#upgradeFailed(error));
    } catch (error) {
      this.#upgradeFailed(error);
    }
  }

  #upgradeFailed(error: unknown): void {
    this.#failures.handler("upgrade", error, this.#transport.remoteAddress);
    if (!this.session.isClosed) this.#phase.refuse(rejectResponse(500));
  }

  #answer(request: Extract<ServerHandshakeStep, { notUpgrade: unknown }>["notUpgrade"]): void {
    const transport = this.#transport;
    const failed = (error: unknown) => this.#failures.handler("fetch", error, transport.remoteAddress);
    this.#http ??= new HttpConnection(transport, this.#phase, this.#options, { secure: this.#context.secure, failed });
    this.#http.answer(request, (queued) => this.#nextRequest(queued));
  }

  // A persistent connection's answer is out: its next request may already be here, pipelined.
  #nextRequest(queued: Uint8Array): boolean {
    this.#handshake = new ServerHandshake(this.#shared.limits);
    this.#headDone = false;
    this.#idle = true;
    if (queued.length > 0) this.receive(queued);
    return this.#headDone;
  }
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
