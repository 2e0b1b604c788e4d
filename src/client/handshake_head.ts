/**
 * What `onHandshakeHead` sees: the request head as sent, the response head
 * as received (what `wasmws connect --verbose` prints). Only the heads: the
 * frames after them are none of its business.
 *
 * @example
 * ```ts
 * import { responseTap } from "./handshake_head.ts";
 * const tap = responseTap((direction, head) => console.log(direction, head.split("\r\n")[0]));
 * tap(new TextEncoder().encode("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"));
 * ```
 * @module
 */

import { findHeadEnd } from "../protocol/http1/head.ts";
import { reportListenerError } from "../session/report.ts";

/** Where `onHandshakeHead` reports: the direction and the head as latin1 text. */
export type HeadListener = (direction: "request" | "response", head: string) => void;
const latin1 = new TextDecoder("latin1");

/**
 * Report one head; a listener that throws is reported, never fatal.
 *
 * @example
 * ```ts
 * tell((direction, head) => console.log(direction, head), "request", new TextEncoder().encode("GET / HTTP/1.1"));
 * ```
 */
export function tell(listener: HeadListener, direction: "request" | "response", head: Uint8Array): void {
  try {
    listener(direction, latin1.decode(head));
  } catch (error) {
    reportListenerError(error);
  }
}

/**
 * A tap for the bytes of the response: it collects them until the head's
 * blank line (at most 64 KiB), reports the head once, then lets go.
 *
 * @example
 * ```ts
 * const tap = responseTap((_direction, head) => console.log(head));
 * tap(new TextEncoder().encode("HTTP/1.1 101 Switching Protocols\r\n\r\n"));
 * ```
 */
export function responseTap(listener: HeadListener): (bytes: Uint8Array) => void {
  let seen: Uint8Array | undefined = new Uint8Array(0);
  return (bytes) => {
    if (seen === undefined) return;
    const joined = new Uint8Array(seen.length + bytes.length);
    joined.set(seen);
    joined.set(bytes, seen.length);
    const end = findHeadEnd(joined, Math.max(0, seen.length - 3));
    seen = end < 0 && joined.length <= 65536 ? joined : undefined;
    if (end >= 0) tell(listener, "response", joined.subarray(0, end));
  };
}
