/**
 * The WHATWG constructor's URL rules: parse, map `http:`/`https:` to
 * `ws:`/`wss:`, refuse other schemes and fragments with `SyntaxError`, and
 * derive what the handshake needs (host, port, resource, Basic auth).
 *
 * @example
 * ```ts
 * import { parseWebSocketUrl } from "./ws_url.ts";
 * const target = parseWebSocketUrl("https://user:pw@example.com/chat?room=1");
 * console.log(target.url, target.port, target.resource, target.authorization);
 * // "wss://user:pw@example.com/chat?room=1" 443 "/chat?room=1" "Basic dXNlcjpwdw=="
 * ```
 * @module
 */

import { toBase64 } from "./accept_key.ts";

/** A parsed WebSocket URL. */
export interface WebSocketUrl {
  /** The serialized URL (`ws:` or `wss:`). */
  url: string;
  /** `wss:`. */
  secure: boolean;
  /** Host name or IP (IPv6 without brackets). */
  hostname: string;
  /** Port (80/443 by default). */
  port: number;
  /** The `Host` header value. */
  host: string;
  /** Path and query ("/" when empty). */
  resource: string;
  /** `Basic …` from the URL's userinfo, if any. */
  authorization?: string;
}

// A URL as an error message shows it: a 100 KB one must not flood a log.
function quoted(url: string | URL): string {
  const text = String(url);
  return text.length > 200 ? `"${text.slice(0, 200)}…" (${text.length} characters)` : `"${text}"`;
}

/**
 * Parse `url` as the WebSocket constructor does.
 *
 * @example
 * ```ts
 * parseWebSocketUrl("ws://[::1]:9000").hostname; // "::1"
 * ```
 */
export function parseWebSocketUrl(url: string | URL, base?: string): WebSocketUrl {
  let parsed: URL;
  try {
    parsed = new URL(String(url), base);
  } catch {
    throw new DOMException(`Cannot open a WebSocket to ${quoted(url)}: not a valid URL`, "SyntaxError");
  }
  if (parsed.protocol === "http:") parsed.protocol = "ws:";
  else if (parsed.protocol === "https:") parsed.protocol = "wss:";
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
    throw new DOMException(
      `Cannot open a WebSocket to ${quoted(url)}: the scheme must be ws:, wss:, http: or https:`,
      "SyntaxError",
    );
  }
  if (parsed.hash !== "" || parsed.href.endsWith("#")) {
    throw new DOMException(`Cannot open a WebSocket to ${quoted(url)}: a URL with a fragment`, "SyntaxError");
  }
  const secure = parsed.protocol === "wss:";
  const port = parsed.port === "" ? (secure ? 443 : 80) : Number(parsed.port);
  const hostname = parsed.hostname.startsWith("[") ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const result: WebSocketUrl = {
    url: parsed.href,
    secure,
    hostname,
    port,
    host: parsed.host,
    // An empty query ("ws://h/?") is still a query: `search` hides it, `href` does not.
    resource: (parsed.pathname || "/") + (parsed.search === "" && parsed.href.endsWith("?") ? "?" : parsed.search),
  };
  if (parsed.username !== "" || parsed.password !== "") {
    result.authorization = `Basic ${toBase64(percentDecode(`${parsed.username}:${parsed.password}`))}`;
  }
  return result;
}

/**
 * WHATWG URL "percent-decode": to bytes, not to a string, so "%FF" (not
 * UTF-8) survives where decodeURIComponent would throw.
 *
 * @example
 * ```ts
 * percentDecode("p%40ss"); // the bytes of "p@ss"
 * ```
 */
export function percentDecode(text: string): Uint8Array {
  const input = new TextEncoder().encode(text);
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const hex = input[i] === 37 && i + 2 < input.length ? String.fromCharCode(input[i + 1], input[i + 2]) : "";
    if (hex.length === 2 && isHex(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(input[i]);
  }
  return new Uint8Array(out);
}

function isHex(pair: string): boolean {
  return [...pair].every((c) => (c >= "0" && c <= "9") || (c >= "a" && c <= "f") || (c >= "A" && c <= "F"));
}

/**
 * The `origin` of a WebSocket URL, with the ws scheme kept, as browsers
 * report it in `MessageEvent.origin`.
 *
 * @example
 * ```ts
 * originOf("wss://example.com:8443/chat?x=1"); // "wss://example.com:8443"
 * ```
 */
export function originOf(url: string): string {
  return new URL(url.replace(/^ws/, "http")).origin.replace(/^http/, "ws");
}
