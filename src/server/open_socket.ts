/**
 * The last step of an accepted upgrade: the 101 goes out, the session
 * switches to frames, and the application gets its socket (through its
 * `websocket` function, its handler object, or as a stream), before the
 * frames that came with the request are delivered.
 *
 * @example
 * ```ts
 * import { type Accepted, openSocket } from "./open_socket.ts";
 * declare const accepted: Accepted<undefined>;
 * openSocket(accepted);
 * ```
 * @module
 */

import type { Codec } from "../codec/mod.ts";
import type { DeflateAgreement } from "../extensions/compressor.ts";
import { compressorSettings } from "../extensions/compressor.ts";
import { withDeflate } from "../extensions/deflate_codec.ts";
import type { ZlibModule } from "../extensions/zlib_stream.ts";
import type { UpgradeRequest } from "../protocol/server_handshake.ts";
import { acceptResponse } from "../protocol/server_responses.ts";
import type { Session } from "../session/session.ts";
import { acceptedStream } from "../websocket/stream.ts";
import { type KeptRequest, upgradeInfo } from "../websocket/upgrade_info.ts";
import { WebSocket } from "../websocket/websocket.ts";
import { ACCEPTED, type AcceptedConnection } from "../websocket/accept_socket.ts";
import type { SocketCore } from "../websocket/socket_core.ts";
import type { AcceptOptions, ServerWebSocket, WebSocketHandlers } from "./accept_options.ts";
import type { AcceptPhase } from "./accept_phase.ts";
import type { ServerFailures } from "./failures.ts";
import { HandlerEvents, type HandlerServer } from "./handler_events.ts";
import type { ClientRegistry } from "./registry.ts";

/** One upgrade request on its way to an open socket. */
export interface Upgrading<T> {
  session: Session;
  request: UpgradeRequest;
  phase: AcceptPhase;
  options: AcceptOptions<T>;
  registry: ClientRegistry;
  failures: ServerFailures;
  /** The connection came over TLS. */
  secure: boolean;
  /** The server's resolved `highWaterMark` (a handler object's `drain` watches it). */
  highWaterMark: number;
}

/** What {@link openSocket} needs beyond the request: the application's decision, and the codec. */
export interface Accepted<T> extends Upgrading<T> {
  kept: KeptRequest;
  protocol: string;
  headers: [string, string][] | undefined;
  codec: Codec;
  data: T | undefined;
  /** The agreed permessage-deflate, if any. */
  deflate: { header: string; zlib: ZlibModule; agreement: DeflateAgreement } | undefined;
}

/**
 * Answer 101 and hand the open socket to the application; frames that came
 * with the request are delivered once its `websocket` hook has run.
 *
 * @example
 * ```ts
 * declare const accepted: Accepted<{ user: string }>;
 * openSocket(accepted); // the 101 is written, `websocket` called
 * ```
 */
export function openSocket<T>(accepted: Accepted<T>): void {
  const { session, request, phase, options, registry, kept, protocol, headers, codec, data, failures, deflate } =
    accepted;
  // The peer may have left, or the server begun its shutdown, while the hook ran.
  if (session.isClosed || registry.closing) return session.terminate();
  const extensions = deflate?.header ?? "";
  session.transport.write(
    acceptResponse({ key: request.key, protocol: protocol || undefined, extensions: extensions || undefined, headers }),
  );
  const { websocket, stream } = options;
  // A handler object takes the session's events itself: the socket fires none.
  let handlers: HandlerEvents<T> | undefined;
  const events = typeof websocket === "object" && websocket !== null && stream === undefined
    ? (core: SocketCore) =>
      handlers = new HandlerEvents(core, handlerServer(websocket, failures, accepted.highWaterMark))
    : undefined;
  const ws = acceptedWebSocket({ session, protocol, extensions, upgrade: kept, events }) as ServerWebSocket<T>;
  if (data !== undefined) ws.data = data;
  // A stream handler reads through the stream; the socket stays for `clients`, pings and state.
  const streamed = stream && acceptedStream({ session, protocol, extensions, url: kept.url });
  if (streamed) session.setEvents(streamed.events);
  registry.opened(
    session,
    ws,
    deflate && { zlib: deflate.zlib, settings: compressorSettings("server", deflate.agreement) },
  );
  // Open before the application sees the socket, so what it sends there goes out;
  // the frames that came with the request wait until its listeners are attached.
  session.open(deflate ? withDeflate(codec, deflate.zlib, "server", deflate.agreement) : codec, "server", EMPTY);
  const info = upgradeInfo(kept.url, kept.remoteAddress, request.fields);
  if (handlers !== undefined) handlers.open(info);
  else {
    // The application could not set the socket up: 1011 (RFC 6455 §7.4.1), not a socket nobody listens to.
    const failed = (error: unknown): void => {
      failures.handler("websocket", error, kept.remoteAddress);
      if (!session.isClosed) session.close(1011, "");
    };
    try {
      const done = streamed
        ? stream!(streamed.stream, info)
        : typeof websocket === "function"
        ? websocket(ws, info)
        : undefined;
      if (done instanceof Promise) done.catch(failed);
    } catch (error) {
      failed(error);
    }
  }
  phase.open((bytes) => session.onData(bytes));
}

const EMPTY = new Uint8Array(0);

// One per server (its failures object is its own), not one per connection.
const handlerServers = new WeakMap<ServerFailures, HandlerServer<unknown>>();
function handlerServer<T>(
  handlers: WebSocketHandlers<T>,
  failures: ServerFailures,
  highWaterMark: number,
): HandlerServer<T> {
  let server = handlerServers.get(failures) as HandlerServer<T> | undefined;
  if (server === undefined || server.handlers !== handlers || server.highWaterMark !== highWaterMark) {
    server = { handlers, failures, highWaterMark };
    handlerServers.set(failures, server as HandlerServer<unknown>);
  }
  return server;
}

/**
 * Make the `WebSocket` of a connection the server accepted: OPEN at once,
 * with the request it came with. Only the server makes these.
 *
 * @example
 * ```ts
 * import type { AcceptedConnection } from "../websocket/accept_socket.ts";
 * declare const accepted: AcceptedConnection;
 * const ws = acceptedWebSocket(accepted);
 * console.log(ws.readyState); // 1
 * ```
 */
export function acceptedWebSocket(accepted: AcceptedConnection): WebSocket {
  return new WebSocket(ACCEPTED as unknown as string, accepted as unknown as string);
}
