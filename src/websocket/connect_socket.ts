/**
 * The steps of `new WebSocket(url, protocols)` after WebIDL's conversions,
 * for a client socket: resolve the URL (against the runtime's location, if
 * any), check the protocols, and start connecting; the socket opens, or
 * fails, when the handshake is done.
 *
 * @example
 * ```ts
 * import { connectSocket } from "./connect_socket.ts";
 * const target = new EventTarget();
 * const core = connectSocket(target, "ws://127.0.0.1:8080", { protocols: ["chat"] });
 * target.addEventListener("open", () => core.send("hello"));
 * ```
 * @module
 */

import { connectClient, type WebSocketOptions } from "../client/connect.ts";
import { runtimeLocation } from "../client/location.ts";
import type { WebSocketError } from "../protocol/errors.ts";
import { normalizeProtocols } from "../protocol/subprotocols.ts";
import { parseWebSocketUrl } from "../protocol/ws_url.ts";
import { CloseEvent } from "./close_event.ts";
import { errorEvent } from "./events.ts";
import { toProtocols } from "./idl.ts";
import { SocketCore } from "./socket_core.ts";

/**
 * A CONNECTING client socket firing its events at `target`. A bad URL or
 * protocol list throws a `SyntaxError` here, before anything connects.
 *
 * @example
 * ```ts
 * const target = new EventTarget();
 * const core = connectSocket(target, "wss://echo.example", {});
 * target.addEventListener("close", () => console.log(core.readyState)); // 3
 * ```
 */
export function connectSocket(target: EventTarget, href: string, options: WebSocketOptions): SocketCore {
  const listed = toProtocols(options.protocols);
  const location = runtimeLocation();
  const url = parseWebSocketUrl(href, location?.href);
  const offered = normalizeProtocols(listed);
  const core = new SocketCore(target, url.url);
  const abort = core.abortController();
  const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
  connectClient(url, offered, { ...options, signal, origin: location?.origin }, {
    opened: (session, protocol, extensions) => {
      if (core.readyState !== 0) return;
      core.session = session;
      core.readyState = 1;
      core.protocol = protocol;
      core.extensions = extensions;
      core.fire(new Event("open"));
    },
    events: core,
  }).then(() => core.pump(), (error: WebSocketError) => failConnecting(core, error));
  return core;
}

// The connection could not be opened: CLOSED, `error`, then `close` with 1006 a microtask later.
function failConnecting(core: SocketCore, error: WebSocketError): void {
  core.readyState = 3;
  core.fire(errorEvent(error));
  queueMicrotask(() => core.fire(new CloseEvent("close", { code: 1006, reason: "", wasClean: false })));
}
