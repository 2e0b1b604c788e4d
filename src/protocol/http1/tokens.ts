/**
 * RFC 9110 §5.6.2 tokens, the grammar of subprotocol and extension names.
 *
 * @example
 * ```ts
 * import { isToken } from "./tokens.ts";
 * isToken("chat.v2"); // true
 * isToken("has space"); // false
 * ```
 * @module
 */

const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TCHAR[c.charCodeAt(0)] = 1;
}

/**
 * True when `value` is a non-empty token.
 *
 * @example
 * ```ts
 * isToken(""); // false
 * ```
 */
export function isToken(value: string): boolean {
  return isTokenAt(value, 0, value.length);
}

/**
 * True when `text.slice(start, end)` is a non-empty token, without making
 * that slice (a head parser checks names where they lie in the head).
 *
 * @example
 * ```ts
 * isTokenAt("Host: h", 0, 4); // true
 * isTokenAt("Host: h", 0, 5); // false (":")
 * ```
 */
export function isTokenAt(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

/**
 * Split a comma-separated header value into trimmed, non-empty items.
 *
 * @example
 * ```ts
 * splitList(" a, b ,,c"); // ["a", "b", "c"]
 * ```
 */
export function splitList(value: string): string[] {
  return value.split(",").map((item) => item.trim()).filter((item) => item.length > 0);
}

/**
 * True when the comma-separated list in `text.slice(start, end)` holds
 * `token` (given in lower case), ignoring case and the whitespace
 * `String#trim` removes. It answers exactly what
 * `value.toLowerCase().split(",").map((item) => item.trim()).includes(token)`
 * answers, without making any of those strings.
 *
 * @example
 * ```ts
 * const value = "keep-alive, Upgrade";
 * listIncludes(value, 0, value.length, "upgrade"); // true
 * ```
 */
export function listIncludes(text: string, start: number, end: number, token: string): boolean {
  while (start <= end) {
    let comma = text.indexOf(",", start);
    if (comma < 0 || comma > end) comma = end;
    let first = start;
    let last = comma;
    while (first < last && isTrimmed(text.charCodeAt(first))) first++;
    while (last > first && isTrimmed(text.charCodeAt(last - 1))) last--;
    if (last - first === token.length && equalsLowered(text, first, token)) return true;
    start = comma + 1;
  }
  return false;
}

// Latin1 letters never lower-case into ASCII, so an ASCII fold decides for
// heads; other text takes toLowerCase itself (U+212A KELVIN SIGN is "k").
function equalsLowered(text: string, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let c = text.charCodeAt(start + i);
    if (c > 0xff) return text.slice(start, start + lower.length).toLowerCase() === lower;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

// What String#trim removes: WhiteSpace and LineTerminator (ECMA-262 §12.2, §12.3).
function isTrimmed(c: number): boolean {
  if (c <= 0xff) return c === 32 || (c >= 9 && c <= 13) || c === 0xa0;
  return c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f ||
    c === 0x205f || c === 0x3000 || c === 0xfeff;
}
