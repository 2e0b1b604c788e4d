/**
 * Fetch's port blocking: a WebSocket's handshake is a fetch of an `http:`
 * or `https:` URL, and Fetch refuses those to a "bad port" (one of a
 * protocol a request could be smuggled into: SMTP, IRC, SIP…) as a
 * network error. The WebSocket then fails as any connection that could
 * not be made: `error`, then `close` with 1006, never an exception.
 *
 * @example
 * ```ts
 * import { isBadPort } from "./bad_port.ts";
 * isBadPort(25); // true: SMTP
 * isBadPort(8080); // false
 * ```
 * @module
 */

// The Fetch Standard's list (https://fetch.spec.whatwg.org/#port-blocking), in its order.
// deno-fmt-ignore
const BAD_PORTS = new Set([
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109,
  110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530,
  531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190,
  5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/**
 * True when Fetch blocks `port` for `http:` and `https:` (and so for `ws:`
 * and `wss:`).
 *
 * @example
 * ```ts
 * isBadPort(6667); // true: IRC
 * ```
 */
export function isBadPort(port: number): boolean {
  return BAD_PORTS.has(port);
}
