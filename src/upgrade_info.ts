/**
 * What an accepted socket knows about its upgrade request, and the lean form
 * it keeps between the handshake and the moment (if ever) the application
 * asks: the header fields as one "name: value" line each. One flat string
 * per idle connection costs far less than a `Headers` object.
 *
 * @example
 * ```ts
 * import { keepRequest, restoreRequest } from "./upgrade_info.ts";
 * const kept = keepRequest("ws://h/chat", undefined, [["Host", "h"], ["X-Id", "7"]]);
 * restoreRequest(kept).headers.get("x-id"); // "7"
 * ```
 * @module
 */

import type { NetAddress } from "./transport/types.ts";

/**
 * What an accepted (server-side) socket knows about its upgrade request.
 *
 * @example
 * ```ts
 * const info: UpgradeInfo = { url: "ws://h/", headers: new Headers(), remoteAddress: undefined };
 * ```
 */
export interface UpgradeInfo {
  /** The request URL (`ws://host/path?query`). */
  url: string;
  /** The request headers. */
  headers: Headers;
  /** The peer's address. */
  remoteAddress: NetAddress | undefined;
}

/**
 * An upgrade request as an accepted socket keeps it.
 *
 * @example
 * ```ts
 * const kept: KeptRequest = { url: "ws://h/", remoteAddress: undefined, fields: "Host: h" };
 * ```
 */
export interface KeptRequest {
  /** The request URL. */
  url: string;
  /** The peer's address. */
  remoteAddress: NetAddress | undefined;
  /** The header fields as sent, one "name: value" per line. */
  fields: string;
}

/**
 * The lean form of a request.
 *
 * @example
 * ```ts
 * keepRequest("ws://h/", undefined, [["Host", "h"]]).fields; // "Host: h"
 * ```
 */
export function keepRequest(
  url: string,
  remoteAddress: NetAddress | undefined,
  rawHeaders: [string, string][],
): KeptRequest {
  return { url, remoteAddress, fields: rawHeaders.map(([name, value]) => `${name}: ${value}`).join("\r\n") };
}

/**
 * The full request again, with a `Headers` built from the kept fields.
 *
 * @example
 * ```ts
 * restoreRequest({ url: "ws://h/", remoteAddress: undefined, fields: "A: 1\r\nA: 2" }).headers.get("a"); // "1, 2"
 * ```
 */
export function restoreRequest(kept: KeptRequest): UpgradeInfo {
  const lines = kept.fields === "" ? [] : kept.fields.split("\r\n");
  // Field names are tokens (no colon), so the first colon ends the name.
  const headers = new Headers(
    lines.map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
  );
  return { url: kept.url, headers, remoteAddress: kept.remoteAddress };
}
