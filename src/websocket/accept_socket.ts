/**
 * The socket of a connection the server accepted: OPEN from the start, with
 * the request it came with, its session's events going to the socket (or
 * to a server's handler object instead).
 *
 * @example
 * ```ts
 * import { acceptSocket, type AcceptedConnection } from "./accept_socket.ts";
 * declare const accepted: AcceptedConnection;
 * const core = acceptSocket(new EventTarget(), accepted);
 * console.log(core.readyState); // 1
 * ```
 * @module
 */

import type { Session } from "../session/session.ts";
import type { SessionEvents } from "../session/contract.ts";
import { SocketCore } from "./socket_core.ts";
import type { KeptRequest } from "./upgrade_info.ts";

/**
 * The first argument of `new WebSocket` when the server makes a socket
 * (with an {@link AcceptedConnection} as the second): not exported from the
 * package, so no user code can pass it.
 *
 * @example
 * ```ts
 * import { WebSocket } from "./websocket.ts";
 * declare const accepted: AcceptedConnection;
 * const ws = new WebSocket(ACCEPTED as unknown as string, accepted as unknown as string);
 * console.log(ws.readyState); // 1
 * ```
 */
export const ACCEPTED: unique symbol = Symbol("accepted");

/**
 * What the server hands over to make an accepted socket.
 *
 * @example
 * ```ts
 * import type { Session } from "../session/session.ts";
 * import type { KeptRequest } from "./upgrade_info.ts";
 * declare const session: Session;
 * declare const upgrade: KeptRequest;
 * const accepted: AcceptedConnection = { session, protocol: "chat", extensions: "", upgrade };
 * ```
 */
export interface AcceptedConnection {
  /** The open session. */
  session: Session;
  /** The subprotocol chosen ("" for none). */
  protocol: string;
  /** The extensions agreed ("" for none). */
  extensions: string;
  /** The upgrade request, as kept. */
  upgrade: KeptRequest;
  /**
   * Where the session's events go instead of the socket's own listeners (a
   * server's handler object); the socket then fires no events, and the
   * events must keep its state through {@link SocketCore.closed}.
   */
  events?: (core: SocketCore) => SessionEvents;
}

/**
 * The state of a socket the server accepted, firing at `target`: OPEN, and
 * told the session's events.
 *
 * @example
 * ```ts
 * declare const accepted: AcceptedConnection;
 * const core = acceptSocket(new EventTarget(), accepted);
 * console.log(core.upgrade?.url === core.url); // true
 * ```
 */
export function acceptSocket(target: EventTarget, accepted: AcceptedConnection): SocketCore {
  const core = new SocketCore(target, accepted.upgrade.url, accepted.upgrade);
  core.readyState = 1;
  core.protocol = accepted.protocol;
  core.extensions = accepted.extensions;
  core.session = accepted.session;
  accepted.session.setEvents(accepted.events?.(core) ?? core);
  return core;
}
