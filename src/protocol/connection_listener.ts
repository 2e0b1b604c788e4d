/**
 * What a sans-I/O `Connection` asks of its driver, and the limits it
 * enforces on what it reads: the contract between `connection.ts` and the
 * session (or a test) that feeds it bytes and carries out its requests.
 *
 * @example
 * ```ts
 * import type { ConnectionLimits, ConnectionListener } from "./connection_listener.ts";
 * import { Connection } from "./connection.ts";
 * import { loadCodec } from "../codec/load.ts";
 * const limits: ConnectionLimits = { maxPayload: 1 << 20, maxFragments: 1000 };
 * const listener: ConnectionListener = {
 *   onWrite: (bytes) => console.log("send", bytes.length),
 *   onMessage: (data) => console.log("message", data),
 *   onPing: () => {},
 *   onPong: () => {},
 *   onPeerClose: (code, reason) => console.log("peer closed", code, reason),
 *   onProtocolError: (error) => {
 *     console.error(error.code);
 *     connection.sendFailure();
 *   },
 *   onEndTransport: () => console.log("close TCP now"),
 * };
 * const connection = new Connection(await loadCodec(), "server", listener, limits);
 * connection.push(new Uint8Array([0x88, 0x82, 1, 2, 3, 4, 0x02, 0xea]));
 * ```
 * @module
 */

import type { WebSocketError } from "./errors.ts";

/**
 * What the connection asks of its driver, synchronously and in order.
 *
 * @example
 * ```ts
 * const writes: Uint8Array[] = [];
 * const listener: ConnectionListener = {
 *   onWrite: (bytes) => void writes.push(bytes),
 *   onMessage: () => {},
 *   onPing: () => {},
 *   onPong: () => {},
 *   onPeerClose: () => {},
 *   onProtocolError: () => {},
 *   onEndTransport: () => {},
 * };
 * ```
 */
export interface ConnectionListener {
  /** Bytes to send, in order. `payloadBytes` is the application data they carry. */
  onWrite(bytes: Uint8Array, payloadBytes: number): void;
  /** A whole message: a string for text, a fresh `Uint8Array` for binary. */
  onMessage(data: string | Uint8Array): void;
  /** A ping arrived (a pong was already queued in reply). */
  onPing(payload: Uint8Array): void;
  /** A pong arrived. */
  onPong(payload: Uint8Array): void;
  /** The peer's close frame arrived (code 1005 when it carried none). */
  onPeerClose(code: number, reason: string): void;
  /**
   * The input broke the protocol: the failure is recorded and reading has
   * stopped, but nothing was sent yet. The driver calls the connection's
   * `sendFailure()` once every event that came before the
   * error was delivered (and the application's replies went out).
   */
  onProtocolError(error: WebSocketError): void;
  /** The protocol wants the transport closed now (RFC 6455 §7.1.1: the server closes TCP first). */
  onEndTransport(): void;
}

/**
 * Limits for received messages.
 *
 * @example
 * ```ts
 * const limits: ConnectionLimits = { maxPayload: 64 * 1024, maxFragments: 16 };
 * ```
 */
export interface ConnectionLimits {
  /** Largest message in bytes, across fragments (1009 beyond). */
  maxPayload: number;
  /** Most frames per message (1009 beyond). */
  maxFragments: number;
}
