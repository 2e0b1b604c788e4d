/**
 * `Sec-WebSocket-Extensions` (RFC 6455 §9.1). wasmws offers no extension
 * yet, so a server that answers with one fails the handshake.
 *
 * @example
 * ```ts
 * import { checkResponseExtensions } from "./extensions.ts";
 * checkResponseExtensions([], null); // ""
 * ```
 * @module
 */

import { WebSocketError } from "./errors.ts";
import { isToken, splitList } from "./tokens.ts";

/** One negotiated extension and its parameters. */
export interface ExtensionOffer {
  /** Extension name, e.g. `permessage-deflate`. */
  name: string;
  /** Parameters; `true` for a parameter without a value. */
  params: Record<string, string | true>;
}

/**
 * Parse an extension list; throws `WS_ERR_HANDSHAKE_HEADER` when malformed.
 *
 * @example
 * ```ts
 * parseExtensionHeader("permessage-deflate; client_max_window_bits");
 * // [{ name: "permessage-deflate", params: { client_max_window_bits: true } }]
 * ```
 */
export function parseExtensionHeader(value: string | null): ExtensionOffer[] {
  if (value === null) return [];
  return splitList(value).map((item) => {
    const [name, ...rest] = item.split(";").map((part) => part.trim());
    if (!isToken(name)) throw new WebSocketError("WS_ERR_HANDSHAKE_HEADER", `malformed extension "${item}"`);
    const params: Record<string, string | true> = {};
    for (const param of rest) {
      const eq = param.indexOf("=");
      const key = (eq < 0 ? param : param.slice(0, eq)).trim();
      let val: string | true = eq < 0 ? true : param.slice(eq + 1).trim();
      if (typeof val === "string" && val.length >= 2 && val.startsWith('"') && val.endsWith('"')) {
        val = val.slice(1, -1);
      }
      if (!isToken(key) || (val !== true && !isToken(val))) {
        throw new WebSocketError("WS_ERR_HANDSHAKE_HEADER", `malformed extension parameter "${param}"`);
      }
      params[key] = val;
    }
    return { name, params };
  });
}

/**
 * The client's check of the server's extensions: each must have been
 * offered; returns the header value to expose as `WebSocket.extensions`.
 *
 * @example
 * ```ts
 * checkResponseExtensions(["permessage-deflate"], "permessage-deflate"); // "permessage-deflate"
 * ```
 */
export function checkResponseExtensions(offered: string[], header: string | null): string {
  for (const extension of parseExtensionHeader(header)) {
    if (!offered.includes(extension.name)) {
      throw new WebSocketError(
        "WS_ERR_HANDSHAKE_EXTENSION",
        `the server chose "${extension.name}", which was not offered`,
      );
    }
  }
  return header?.trim() ?? "";
}
