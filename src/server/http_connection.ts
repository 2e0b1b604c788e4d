/**
 * One connection's plain HTTP requests, answered one after another (RFC
 * 9112 §9.3): each answer is written whole before the next request is
 * read, so pipelined requests are answered in order. The connection
 * persists while the client, the answer and the server's limits allow
 * (`keepAliveTimeout` idle between requests, `maxRequestsPerConnection`).
 *
 * @example
 * ```ts
 * import { HttpConnection } from "./http_connection.ts";
 * import { AcceptPhase } from "./accept_phase.ts";
 * import type { Transport } from "../transport/types.ts";
 * declare const transport: Transport;
 * const phase = new AcceptPhase(transport, 10_000);
 * const http = new HttpConnection(transport, phase, { fetch: () => new Response("hi") }, {});
 * http.answer({ method: "GET", target: "/", headers: new Headers({ host: "x" }) }, () => false);
 * ```
 * @module
 */

import type { AcceptPhase } from "./accept_phase.ts";
import { type FetchHandler, HttpFlow, type HttpRequestHead, respondHttp } from "./http.ts";
import type { Transport } from "../transport/types.ts";

/** The server's settings for plain HTTP. */
export interface HttpConnectionOptions {
  /** The application's handler (default: 426). */
  fetch?: FetchHandler;
  /** Idle ms allowed between requests (default 5000); 0 answers one request per connection. */
  keepAliveTimeout?: number;
  /** Most requests on one connection (default 1000). */
  maxRequestsPerConnection?: number;
}

/** What the accept code knows about the connection. */
export interface HttpConnectionContext {
  /** Over TLS: request URLs are `https://`. */
  secure?: boolean;
  /** The `fetch` handler failed (default: logged). */
  failed?: (error: unknown) => void;
}

/**
 * The plain HTTP side of one accepted connection.
 *
 * @example
 * ```ts
 * declare const http: HttpConnection;
 * http.drain(); // the transport's drain, forwarded
 * ```
 */
export class HttpConnection {
  readonly #transport: Transport;
  readonly #phase: AcceptPhase;
  readonly #options: HttpConnectionOptions;
  readonly #context: HttpConnectionContext;
  #answered = 0;
  // The answer being written: it streams by the transport's drain and stops when it closes.
  #flow: HttpFlow | undefined;
  #peerEnded = false;

  /** Answers on `transport`; request bodies and pipelined bytes wait in `phase.late`. */
  constructor(
    transport: Transport,
    phase: AcceptPhase,
    options: HttpConnectionOptions,
    context: HttpConnectionContext,
  ) {
    this.#transport = transport;
    this.#phase = phase;
    this.#options = options;
    this.#context = context;
  }

  /**
   * Answer the request whose head is `head`. If the connection persists,
   * `next` gets the bytes that came after it (the next request's, maybe
   * none) and says whether a whole head was among them.
   */
  answer(head: HttpRequestHead, next: (queued: Uint8Array) => boolean): void {
    const flow = this.#flow = new HttpFlow();
    const options = this.#options;
    const timeout = options.keepAliveTimeout ?? 5000;
    const phase = this.#phase;
    const keepAlive = timeout > 0 && ++this.#answered < (options.maxRequestsPerConnection ?? 1000);
    const context = {
      secure: this.#context.secure,
      received: (persists: boolean) => persists ? phase.settle() : phase.discard(),
      flow,
      keepAlive,
      keepAliveTimeout: timeout,
      failed: this.#context.failed,
    };
    void respondHttp(this.#transport, head, phase.late, options.fetch, context).then((persists) => {
      this.#flow = undefined;
      if (!persists || flow.signal.aborted) return phase.discard();
      const started = next(phase.next(timeout));
      // The client half-closed after its last request: nothing more can come.
      if (this.#peerEnded && !started) this.#transport.end();
    });
  }

  /** The transport's write queue emptied. */
  drain(): void {
    this.#flow?.drain();
  }

  /**
   * The peer half-closed. True while an answer is on its way: it goes out
   * (with any pipelined before the FIN), then the connection ends.
   */
  peerEnded(): boolean {
    this.#peerEnded = this.#flow !== undefined;
    return this.#peerEnded;
  }

  /** The transport is gone. */
  close(): void {
    this.#flow?.close();
  }
}
