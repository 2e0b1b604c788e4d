/**
 * Subprotocol negotiation (RFC 6455 §4.1 and §11.3.4; WHATWG constructor rules).
 *
 * @example
 * ```ts
 * import { normalizeProtocols, selectProtocol } from "./subprotocols.ts";
 * const offered = normalizeProtocols(["chat", "superchat"]);
 * selectProtocol(offered, "chat"); // "chat"
 * ```
 * @module
 */

import { WebSocketError } from "./errors.ts";
import { isToken, splitList } from "./http1/tokens.ts";

/**
 * The constructor's `protocols` as a list; a non-token or a duplicate
 * (compared case-insensitively) throws `SyntaxError`.
 *
 * @example
 * ```ts
 * normalizeProtocols("chat"); // ["chat"]
 * ```
 */
export function normalizeProtocols(protocols?: string | string[]): string[] {
  if (protocols === undefined) return [];
  const list = typeof protocols === "string" ? [protocols] : [...protocols].map(String);
  const seen = new Set<string>();
  for (const protocol of list) {
    if (!isToken(protocol)) {
      throw new DOMException(`Cannot use subprotocol "${protocol}": not a valid token`, "SyntaxError");
    }
    const folded = protocol.toLowerCase();
    if (seen.has(folded)) throw new DOMException(`Cannot offer subprotocol "${protocol}" twice`, "SyntaxError");
    seen.add(folded);
  }
  return list;
}

/**
 * The client's check of the server's `Sec-WebSocket-Protocol`: one of the
 * offered protocols, or "" when none was offered and none chosen. RFC 6455
 * lets a server ignore the offer; the WHATWG handshake does not: offered
 * protocols that the response leaves unacknowledged fail the connection.
 *
 * @example
 * ```ts
 * selectProtocol([], null); // ""
 * selectProtocol(["a", "b"], "b"); // "b"
 * ```
 */
export function selectProtocol(offered: string[], header: string | null): string {
  if (header === null) {
    if (offered.length === 0) return "";
    throw new WebSocketError("WS_ERR_HANDSHAKE_SUBPROTOCOL", "the server chose none of the offered subprotocols");
  }
  const chosen = header.trim();
  if (!offered.includes(chosen)) {
    throw new WebSocketError("WS_ERR_HANDSHAKE_SUBPROTOCOL", `the server chose "${chosen}", which was not offered`);
  }
  return chosen;
}

/**
 * The server's view of `Sec-WebSocket-Protocol`: the offered tokens (the
 * field may repeat; empty list items are skipped). A header holding anything
 * but tokens offers nothing: `[]`.
 *
 * @example
 * ```ts
 * parseProtocolHeader("chat, superchat"); // ["chat", "superchat"]
 * ```
 */
export function parseProtocolHeader(value: string | null): string[] {
  if (value === null) return [];
  const list = splitList(value);
  return list.every(isToken) ? list : [];
}
