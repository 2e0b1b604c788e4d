/**
 * `MessageEvent.origin` of a socket's messages, found without a slot per
 * socket to cache it in: one short comparison per message while the
 * sockets' origins stay the same.
 *
 * @example
 * ```ts
 * import { messageOrigin } from "./message_origin.ts";
 * console.log(messageOrigin("ws://127.0.0.1:8080/chat?x=1")); // "ws://127.0.0.1:8080"
 * ```
 * @module
 */

import { originOf } from "../protocol/ws_url.ts";

// The URL is serialized, so when it starts with the last origin found and a
// "/" (where the authority of a special URL ends), that is its origin too.
// The sockets of a server mostly share one; the URL is parsed only when the
// origin changes.
let lastOrigin = "";

/**
 * The origin of the serialized socket URL `url`, as a message event reports it.
 *
 * @example
 * ```ts
 * messageOrigin("wss://example.com:8443/a"); // "wss://example.com:8443"
 * messageOrigin("wss://example.com:8443/b"); // the same, without parsing the URL
 * ```
 */
export function messageOrigin(url: string): string {
  const origin = lastOrigin;
  if (origin.length > 0 && url.charCodeAt(origin.length) === 0x2f && url.startsWith(origin)) return origin;
  return lastOrigin = originOf(url);
}
