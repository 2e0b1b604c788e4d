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
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
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
