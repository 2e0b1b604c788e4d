/**
 * The answer to a connection past `maxConnections`: `503 Service
 * Unavailable` with `Retry-After` and `Connection: close`, then the end of
 * the connection. A reset would tell the client nothing.
 *
 * @example
 * ```ts
 * import { answerUnavailable } from "./unavailable.ts";
 * import type { Transport } from "../transport/types.ts";
 * declare const transport: Transport;
 * answerUnavailable(transport, 2000);
 * ```
 * @module
 */

import { rejectResponse } from "../protocol/server_responses.ts";
import type { Transport, TransportSink } from "../transport/types.ts";

/** Seconds a refused client is told to wait before it tries again. */
export const RETRY_AFTER_SECONDS = 1;

const ANSWER = rejectResponse(503, [["Retry-After", String(RETRY_AFTER_SECONDS)]], "Service Unavailable\n");
// What the peer sends is read and dropped: unread bytes at close would turn the FIN into a reset, losing the answer.
const SCRATCH = new Uint8Array(2048);

/**
 * Answer 503 on `transport` and end it; destroy it if the peer has not
 * closed its side within `linger` ms.
 *
 * @example
 * ```ts
 * import type { Transport } from "../transport/types.ts";
 * declare const transport: Transport;
 * answerUnavailable(transport, 10_000);
 * ```
 */
export function answerUnavailable(transport: Transport, linger: number): void {
  const timer = setTimeout(() => transport.destroy(), linger);
  const sink: TransportSink = {
    buffer: () => SCRATCH,
    onRead: () => {},
    onData: () => {},
    onPeerEnd: () => {},
    onDrain: () => {},
    onClosed: () => clearTimeout(timer),
  };
  transport.start(sink);
  // A copy: a transport may keep what it is given until it is written.
  transport.write(ANSWER.slice());
  transport.end();
}
