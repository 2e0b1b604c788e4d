/**
 * The URL of an upgrade request, `ws://` (`wss://` over TLS) + Host + target, as the WHATWG URL
 * parser writes it. Most requests are already in that form (a lower-case
 * name or a dotted IPv4 address, a plain path), and for those the parser
 * would hand back its input; only the others pay for a `URL` object.
 *
 * @example
 * ```ts
 * import { requestUrl } from "./request_url.ts";
 * requestUrl("/chat?room=1", "example.com:8080"); // "ws://example.com:8080/chat?room=1"
 * requestUrl("/a/../b", "EXAMPLE.com:80"); // "ws://example.com/b"
 * requestUrl("/", "example.com:443", true); // "wss://example.com/"
 * ```
 * @module
 */

/**
 * `new URL(target, "ws://" + host).href` (`wss://` when `secure`), or
 * `ws://localhost` and the path when that is no URL.
 *
 * @example
 * ```ts
 * requestUrl("/x", "bad host"); // "ws://localhost/x"
 * ```
 */
export function requestUrl(target: string, host: string, secure = false): string {
  const scheme = secure ? "wss://" : "ws://";
  // join makes one flat string: an idle socket keeps it, and a concatenation
  // would keep its pieces (and the head they were cut from) alive with it.
  if (isPlainHost(host, secure ? 443 : 80) && isPlainTarget(target)) {
    const url = [scheme, host, target].join("");
    // Every idle socket keeps its URL, and most of a server's are the same:
    // they share the last one's string rather than each keeping a copy.
    if (url === lastUrl) return lastUrl;
    return lastUrl = url;
  }
  try {
    return new URL(target, scheme + host).href;
  } catch {
    return `${scheme}localhost${target.startsWith("/") ? target : "/"}`;
  }
}

// Characters the URL parser leaves alone in a path and in a query. Left
// out on purpose: "%" in a path (a "%2e" segment is a dot segment), and
// everything some percent-encode set holds (", #, <, >, ', `, {, }, ^, |, \).
// The URL made last (see requestUrl).
let lastUrl = "";

const PATH = charSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&()*+,;=:@/");
const QUERY = charSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&()*+,;=:@/?%");

// An absolute path without "//" at the start (that would name a host) or a
// dot segment, whose characters need no percent-encoding.
function isPlainTarget(target: string): boolean {
  if (target[0] !== "/" || target[1] === "/") return false;
  let i = 0;
  for (; i < target.length && target[i] !== "?"; i++) {
    const c = target.charCodeAt(i);
    if (c >= 128 || PATH[c] === 0 || (c === 46 && target[i - 1] === "/")) return false;
  }
  for (; i < target.length; i++) {
    const c = target.charCodeAt(i);
    if (c >= 128 || QUERY[c] === 0) return false;
  }
  return true;
}

// A lower-case ASCII name whose last label starts with a letter (else the
// parser reads it as an IPv4 number), or a canonical dotted-quad address;
// then no port, or a canonical one that is not the scheme's default. Names
// with "xn--" labels go to the parser, which checks their punycode.
function isPlainHost(host: string, defaultPort: number): boolean {
  let colon = host.indexOf(":");
  if (colon < 0) colon = host.length;
  else if (!isPlainPort(host, colon + 1, defaultPort)) return false;
  if (colon === 0 || host.startsWith("xn--") || host.includes(".xn--")) return false;
  let label = 0;
  for (let i = 0; i < colon; i++) {
    const c = host.charCodeAt(i);
    if (c === 46) {
      if (i === label || i === colon - 1) return false;
      label = i + 1;
    } else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45)) {
      return false;
    }
  }
  const last = host.charCodeAt(label);
  return !(last >= 48 && last <= 57) || isDottedQuad(host, colon);
}

function isPlainPort(host: string, start: number, defaultPort: number): boolean {
  const digits = host.length - start;
  if (digits < 1 || digits > 5 || host[start] === "0") return false;
  let port = 0;
  for (let i = start; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c < 48 || c > 57) return false;
    port = port * 10 + c - 48;
  }
  return port <= 65535 && port !== defaultPort;
}

function isDottedQuad(host: string, end: number): boolean {
  let parts = 0;
  for (let start = 0; start <= end; parts++) {
    let dot = host.indexOf(".", start);
    if (dot < 0 || dot > end) dot = end;
    const digits = dot - start;
    if (digits < 1 || digits > 3 || (digits > 1 && host[start] === "0")) return false;
    let value = 0;
    for (let i = start; i < dot; i++) {
      const c = host.charCodeAt(i);
      if (c < 48 || c > 57) return false;
      value = value * 10 + c - 48;
    }
    if (value > 255) return false;
    start = dot + 1;
  }
  return parts === 4;
}

function charSet(chars: string): Uint8Array {
  const set = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) set[chars.charCodeAt(i)] = 1;
  return set;
}
