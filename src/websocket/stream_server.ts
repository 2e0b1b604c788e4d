/**
 * The server side of `WebSocketStream`: what the server hands over to make
 * one (`acceptedStream()` in `stream.ts`), and where the session's events
 * go then. The stream reads the messages and learns the failure; the
 * `WebSocket` the server keeps for `clients` and `broadcast` follows the
 * state, pings and pongs; both learn the close, the socket first.
 *
 * @example
 * ```ts
 * import { type StreamSide, streamServerEvents } from "./stream_server.ts";
 * import { ON_CLOSE } from "../session/contract.ts";
 * declare const stream: StreamSide;
 * const events = streamServerEvents(stream, { [ON_CLOSE]: (code) => console.log("socket closed", code) });
 * ```
 * @module
 */

import {
  ON_CLOSE,
  ON_CLOSING,
  ON_ERROR,
  ON_MESSAGE,
  ON_PING,
  ON_PONG,
  type SessionEvents,
} from "../session/contract.ts";
import type { Session } from "../session/session.ts";

/**
 * A connection the server accepted, to be read as a stream.
 *
 * @example
 * ```ts
 * import type { Session } from "../session/session.ts";
 * declare const session: Session;
 * const accepted: AcceptedStream = { session, protocol: "chat", extensions: "", url: "ws://127.0.0.1:8080/" };
 * ```
 */
export interface AcceptedStream {
  /** The accepted connection's session. */
  session: Session;
  /** The subprotocol the server chose ("" when none). */
  protocol: string;
  /** The extensions the server agreed. */
  extensions: string;
  /** The request's URL. */
  url: string;
}

/** The events a stream handles itself. */
export type StreamSide = Required<Pick<SessionEvents, typeof ON_MESSAGE | typeof ON_ERROR | typeof ON_CLOSE>>;

/**
 * The events for a session read through `stream`, with `socket` (the
 * socket's own events) kept informed.
 *
 * @example
 * ```ts
 * import type { Session } from "../session/session.ts";
 * declare const session: Session;
 * declare const stream: StreamSide;
 * session.setEvents(streamServerEvents(stream, session.events));
 * ```
 */
export function streamServerEvents(stream: StreamSide, socket: SessionEvents): SessionEvents {
  return {
    [ON_MESSAGE]: (data) => stream[ON_MESSAGE](data),
    [ON_PING]: (payload) => socket[ON_PING]?.(payload),
    [ON_PONG]: (payload, rtt) => socket[ON_PONG]?.(payload, rtt),
    [ON_CLOSING]: (code, reason) => socket[ON_CLOSING]?.(code, reason),
    [ON_ERROR]: (error) => stream[ON_ERROR](error),
    [ON_CLOSE]: (code, reason, wasClean) => {
      socket[ON_CLOSE]?.(code, reason, wasClean);
      stream[ON_CLOSE](code, reason, wasClean);
    },
  };
}
