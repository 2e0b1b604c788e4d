/**
 * The states of a WebSocket connection (WHATWG `readyState`) and how it
 * ended: the vocabulary of the one state machine in `connection.ts`.
 *
 * @example
 * ```ts
 * import { CLOSED, type CloseResult } from "./connection_state.ts";
 * const result: CloseResult = { code: 1000, reason: "", wasClean: true, error: undefined };
 * console.log(CLOSED, result.wasClean); // 3 true
 * ```
 * @module
 */

/**
 * `readyState`: the opening handshake is under way (a session before its connection exists).
 *
 * @example
 * ```ts
 * console.log(CONNECTING); // 0
 * ```
 */
export const CONNECTING = 0;
/**
 * `readyState`: open; messages flow both ways.
 *
 * @example
 * ```ts
 * console.log(OPEN); // 1
 * ```
 */
export const OPEN = 1;
/**
 * `readyState`: a close frame went one way or the other, or the connection failed.
 *
 * @example
 * ```ts
 * console.log(CLOSING); // 2
 * ```
 */
export const CLOSING = 2;
/**
 * `readyState`: the transport is gone.
 *
 * @example
 * ```ts
 * console.log(CLOSED); // 3
 * ```
 */
export const CLOSED = 3;
/**
 * One of {@link CONNECTING}, {@link OPEN}, {@link CLOSING}, {@link CLOSED}.
 *
 * @example
 * ```ts
 * const state: ReadyState = OPEN;
 * ```
 */
export type ReadyState = typeof CONNECTING | typeof OPEN | typeof CLOSING | typeof CLOSED;

/**
 * How a connection ended, as WHATWG reports it in `close` (and `error`).
 *
 * @example
 * ```ts
 * const result: CloseResult = { code: 1006, reason: "", wasClean: false, error: undefined };
 * ```
 */
export interface CloseResult {
  /** The peer's close code; 1006 when no close frame arrived (RFC 6455 §7.1.5), 1005 when it had none. */
  code: number;
  /** The peer's close reason. */
  reason: string;
  /** Both close frames were exchanged, nothing failed, and the transport is gone. */
  wasClean: boolean;
  /** The first failure, if the connection failed. */
  error: Error | undefined;
}
