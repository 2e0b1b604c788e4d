/**
 * The one table of failures: every error id maps to a stable `WS_ERR_*`
 * code, the close code to send, and a reason. Messages read "Cannot ...: ...".
 *
 * @example
 * ```ts
 * import { errorInfo, WebSocketError } from "./errors.ts";
 * const info = errorInfo("WS_ERR_INVALID_UTF8");
 * console.log(info.closeCode); // 1007
 * const err = new WebSocketError("WS_ERR_INVALID_UTF8");
 * console.log(err.code, err.message);
 * ```
 * @module
 */

/** What one failure means on the wire and to the application. */
export interface ErrorInfo {
  /** Close code to send (0 when the failure happens before the connection is open). */
  closeCode: number;
  /** Close reason (at most 123 bytes) and the end of the error message. */
  reason: string;
  /** What could not be done, after "Cannot" (default "continue the WebSocket connection"). */
  action?: string;
}

/**
 * Every failure wasmws reports, by stable code.
 *
 * @example
 * ```ts
 * ERRORS.WS_ERR_INVALID_UTF8.closeCode; // 1007
 * ```
 */
export const ERRORS = {
  WS_ERR_INVALID_OPCODE: { closeCode: 1002, reason: "reserved opcode" },
  WS_ERR_UNEXPECTED_RSV: { closeCode: 1002, reason: "RSV bits set without a negotiated extension" },
  WS_ERR_EXPECTED_FIN: { closeCode: 1002, reason: "fragmented control frame" },
  WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH: { closeCode: 1002, reason: "control frame longer than 125 bytes" },
  WS_ERR_EXPECTED_MASK: { closeCode: 1002, reason: "client frame not masked" },
  WS_ERR_UNEXPECTED_MASK: { closeCode: 1002, reason: "server frame masked" },
  WS_ERR_INVALID_PAYLOAD_LENGTH: { closeCode: 1002, reason: "invalid payload length encoding" },
  WS_ERR_INVALID_CONTINUATION: { closeCode: 1002, reason: "continuation frame without a message" },
  WS_ERR_EXPECTED_CONTINUATION: { closeCode: 1002, reason: "new data frame inside a fragmented message" },
  WS_ERR_MESSAGE_TOO_BIG: { closeCode: 1009, reason: "message too big" },
  WS_ERR_TOO_MANY_FRAGMENTS: { closeCode: 1009, reason: "too many fragments" },
  WS_ERR_INVALID_UTF8: { closeCode: 1007, reason: "invalid UTF-8" },
  WS_ERR_INVALID_COMPRESSED_DATA: { closeCode: 1007, reason: "invalid compressed data" },
  WS_ERR_INVALID_CLOSE_PAYLOAD: { closeCode: 1002, reason: "close payload of 1 byte" },
  WS_ERR_INVALID_CLOSE_CODE: { closeCode: 1002, reason: "invalid close code" },
  WS_ERR_DATA_AFTER_CLOSE: { closeCode: 1002, reason: "data after close" },
  WS_ERR_UNEXPECTED_EOF: { closeCode: 1006, reason: "connection closed without a close frame" },
  WS_ERR_CLOSE_TIMEOUT: { closeCode: 1006, reason: "close handshake timed out" },
  WS_ERR_IDLE_TIMEOUT: { closeCode: 1006, reason: "peer did not answer in time" },
  WS_ERR_BUFFER_FULL: { closeCode: 1008, reason: "send buffer above its high-water mark" },
  WS_ERR_HANDSHAKE_STATUS: { closeCode: 0, reason: "unexpected handshake response status" },
  WS_ERR_HANDSHAKE_HEADER: { closeCode: 0, reason: "invalid handshake response header" },
  WS_ERR_HANDSHAKE_ACCEPT: { closeCode: 0, reason: "Sec-WebSocket-Accept does not match the key" },
  WS_ERR_HANDSHAKE_SUBPROTOCOL: { closeCode: 0, reason: "server chose a subprotocol that was not offered" },
  WS_ERR_HANDSHAKE_EXTENSION: { closeCode: 0, reason: "server chose an extension that was not offered" },
  WS_ERR_HANDSHAKE_DEFLATE: { closeCode: 0, reason: "invalid permessage-deflate response" },
  WS_ERR_HANDSHAKE_TOO_LARGE: { closeCode: 0, reason: "handshake head too large" },
  WS_ERR_HANDSHAKE_MALFORMED: { closeCode: 0, reason: "malformed HTTP head" },
  WS_ERR_HANDSHAKE_TIMEOUT: { closeCode: 0, reason: "handshake timed out" },
  WS_ERR_CONNECT: { closeCode: 0, reason: "connection failed" },
  WS_ERR_BAD_PORT: { closeCode: 0, reason: "the port is one Fetch blocks (a bad port)" },
  WS_ERR_PROXY_REFUSED: { closeCode: 0, reason: "the proxy refused the tunnel" },
  WS_ERR_PROXY_UNSUPPORTED: { closeCode: 0, reason: "this runtime cannot tunnel TLS through an https: proxy" },
  WS_ERR_ABORTED: { closeCode: 0, reason: "aborted" },
  // The server's own failures: listening, and what an application hook did.
  WS_ERR_LISTEN_PORT: { closeCode: 0, reason: "the port must be an integer from 0 to 65535", action: "listen" },
  WS_ERR_LISTEN_IN_USE: { closeCode: 0, reason: "the address is in use", action: "listen" },
  WS_ERR_LISTEN_HOSTNAME: { closeCode: 0, reason: "the hostname is not an address of this machine", action: "listen" },
  WS_ERR_LISTEN_TLS: { closeCode: 0, reason: "the TLS certificate or key is not valid", action: "listen" },
  WS_ERR_LISTEN: { closeCode: 0, reason: "the runtime refused", action: "listen" },
  WS_ERR_HANDLER: { closeCode: 1011, reason: "the application's handler failed", action: "serve the connection" },
  WS_ERR_SERVER_FULL: { closeCode: 0, reason: "maxConnections reached", action: "accept the connection" },
  WS_ERR_REUSE_PORT: { closeCode: 0, reason: "reusePort is not supported by this runtime", action: "listen" },
  WS_ERR_RECONNECT_QUEUE_FULL: { closeCode: 0, reason: "too many messages wait for the reconnection" },
} as const satisfies Record<string, ErrorInfo>;

/** A stable error code, e.g. `"WS_ERR_INVALID_UTF8"`. */
export type ErrorCode = keyof typeof ERRORS;

/**
 * The table entry for `code`.
 *
 * @example
 * ```ts
 * errorInfo("WS_ERR_MESSAGE_TOO_BIG").closeCode; // 1009
 * ```
 */
export function errorInfo(code: ErrorCode): ErrorInfo {
  return ERRORS[code];
}

/**
 * An error with a stable `code`, the close code it leads to, and optional
 * details (e.g. the handshake response).
 *
 * @example
 * ```ts
 * const err = new WebSocketError("WS_ERR_HANDSHAKE_STATUS", "got 200", { status: 200 });
 * console.log(err.code, err.closeCode, err.details);
 * ```
 */
export class WebSocketError extends Error {
  /** The stable code, e.g. `"WS_ERR_INVALID_UTF8"`. */
  readonly code: ErrorCode;
  /** The close code this failure sends or reports. */
  readonly closeCode: number;
  /** Extra facts, e.g. `{ status, headers, body }` of a failed handshake. */
  readonly details?: Record<string, unknown>;

  /**
   * An error for `code`; `detail` replaces the table's reason in the message,
   * `options.action` the table's action (e.g. `"listen on 127.0.0.1:8080"`).
   */
  constructor(
    code: ErrorCode,
    detail?: string,
    details?: Record<string, unknown>,
    options?: ErrorOptions & { action?: string },
  ) {
    const info: ErrorInfo = ERRORS[code];
    const action = options?.action ?? info.action ?? "continue the WebSocket connection";
    super(
      `Cannot ${action}: ${detail ?? info.reason}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "WebSocketError";
    this.code = code;
    this.closeCode = info.closeCode;
    if (details !== undefined) this.details = details;
  }
}
