/**
 * What a server's connections are accepted with: the application's hooks
 * (`upgrade`, and `websocket` as a function or a handler object, or
 * `stream`), the limits, and what an `upgrade` hook may answer.
 *
 * @example
 * ```ts
 * import type { AcceptOptions } from "./accept_options.ts";
 * const options: AcceptOptions<{ user: string }> = {
 *   upgrade: (request) => ({ data: { user: new URL(request.url).searchParams.get("user") ?? "anonymous" } }),
 *   websocket: { message: (ws, data) => ws.send(`${ws.data.user}: ${data}`) },
 * };
 * ```
 * @module
 */

import type { DeflateOptions } from "../protocol/deflate_negotiation.ts";
import { validateDeflateOptions } from "../protocol/deflate_negotiation.ts";
import type { WebSocketError } from "../protocol/errors.ts";
import type { WebSocket, WebSocketOptions } from "../websocket/websocket.ts";
import type { WebSocketStream } from "../websocket/stream.ts";
import type { UpgradeInfo } from "../websocket/upgrade_info.ts";
import type { ServerErrorHook, ServerFailures } from "./failures.ts";
import type { FetchHandler } from "./http.ts";

/** The answer of an `upgrade` hook; `data` goes with the socket as `ws.data`. */
export type UpgradeDecision<T = undefined> =
  | void
  | boolean
  | Response
  | {
    /**
     * The subprotocol to answer with: one the client offered. Left out, the
     * first one offered is taken (as ws does); `""` answers with none.
     */
    protocol?: string;
    /** Extra headers on the 101 response (e.g. `Set-Cookie`). */
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
 * import type { ServerWebSocket } from "./accept_options.ts";
 * const greet = (ws: ServerWebSocket<{ user: string }>) => ws.send(`hello ${ws.data.user}`);
 * ```
 */
export type ServerWebSocket<T = undefined> = WebSocket & { data: T };

/**
 * A server's connections as Bun.serve and uWebSockets present them: one
 * plain function per kind of event, called with the socket. No `Event` is
 * made and no listener dispatched, which is what small messages cost most.
 * The socket is the same `ServerWebSocket` as ever (`send`, `close`, `ping`,
 * `subscribe`, `publish`, `data`, `readyState`, `bufferedAmount`), but
 * fires no events of its own. Each call waits for the microtasks of the one
 * before; `open` comes first, `close` exactly once and last. A handler that
 * throws or rejects closes the connection with 1011 and its error goes to
 * `onError` (from `error` or `close`, the connection already ending, it
 * only goes to `onError`).
 *
 * @example
 * ```ts
 * import type { WebSocketHandlers } from "./accept_options.ts";
 * const chat: WebSocketHandlers<{ room: string }> = {
 *   open: (ws) => ws.subscribe(ws.data.room),
 *   message: (ws, data) => ws.publish(ws.data.room, data),
 *   close: (ws, code, reason) => console.log("left", ws.data.room, code, reason),
 * };
 * ```
 */
export interface WebSocketHandlers<T = undefined> {
  /** The connection is open; frames that came with the request are delivered after this returns. */
  open?(ws: ServerWebSocket<T>, request: UpgradeInfo): unknown;
  /**
   * A whole message: a `string` for text, for binary a `Uint8Array` the
   * application owns. A large one may be a view of the buffer it was read
   * into, which other messages read with it share: write within the view
   * only, and mind `byteOffset` when reaching for `.buffer`.
   */
  message?(ws: ServerWebSocket<T>, data: string | Uint8Array): unknown;
  /**
   * A `send` left `highWaterMark` bytes or more buffered, and all of them
   * have now gone to the operating system: send more. So a loop that sends
   * while `ws.bufferedAmount < highWaterMark` resumes here.
   */
  drain?(ws: ServerWebSocket<T>): unknown;
  /** A ping arrived (the pong is already on its way). */
  ping?(ws: ServerWebSocket<T>, payload: Uint8Array): unknown;
  /** A pong arrived; `rtt` in ms when it answers one of `ws.ping()`'s. */
  pong?(ws: ServerWebSocket<T>, payload: Uint8Array, rtt: number | undefined): unknown;
  /** The connection failed (a protocol violation, a timeout, a full buffer); `close` follows. */
  error?(ws: ServerWebSocket<T>, error: WebSocketError): unknown;
  /** The connection is closed; called once, last. */
  close?(ws: ServerWebSocket<T>, code: number, reason: string, wasClean: boolean): unknown;
}

/** What every accepted connection shares: hooks and limits. */
export interface AcceptOptions<T = undefined> extends
  Pick<
    WebSocketOptions,
    "maxPayload" | "maxFragments" | "closeTimeout" | "idleTimeout" | "highWaterMark" | "onBufferFull"
  > {
  /**
   * Called with each open socket (attach listeners here); or a handler
   * object ({@link WebSocketHandlers}) whose functions are called directly,
   * with no events made. If it throws or rejects, the connection is closed
   * with 1011 and the error goes to `onError`.
   */
  websocket?: ((ws: ServerWebSocket<T>, request: UpgradeInfo) => unknown) | WebSocketHandlers<T>;
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
   * Told when an application hook (`websocket` or one of its handlers,
   * `upgrade`, `fetch`) throws or rejects (`WS_ERR_HANDLER`, the thrown
   * value as `cause`), and at the start of each burst of connections
   * refused past `maxConnections` (`WS_ERR_SERVER_FULL`). Default:
   * `console.error`, the message naming the peer.
   */
  onError?: ServerErrorHook;
  /**
   * Requests that are not upgrades (default: 426), with the peer's address
   * as `info.remoteAddress`.
   */
  fetch?: FetchHandler;
  /**
   * Give up on a client that has not sent its upgrade request after this many
   * ms (default 10000); with `tls`, its TLS handshake counts too (not on Deno,
   * which cannot close a connection whose TLS handshake has not begun).
   */
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
