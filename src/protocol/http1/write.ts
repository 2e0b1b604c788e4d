/**
 * Writing HTTP/1.1 heads: header fields checked so that no value can split
 * the head, and text as latin1 bytes, the way heads are parsed.
 *
 * @example
 * ```ts
 * import { encodeLatin1, formatFields } from "./write.ts";
 * encodeLatin1(`HTTP/1.1 403 Forbidden\r\n${formatFields([["X-Reason", "no"]])}\r\n`);
 * ```
 * @module
 */

import { isToken } from "./tokens.ts";

/**
 * True when `value` may be sent as a field value: no control characters but
 * HTAB, and no character above U+00FF (heads are written as latin1).
 *
 * @example
 * ```ts
 * isFieldValue("a=1; Path=/"); // true
 * isFieldValue("a\r\nInjected: 1"); // false
 * ```
 */
export function isFieldValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127 || c > 255) return false;
  }
  return true;
}

/**
 * Serialize header fields, refusing a bad name or a value that could split
 * the head (CR, LF, NUL) with a `TypeError`.
 *
 * @example
 * ```ts
 * formatFields([["Set-Cookie", "id=1"]]); // "Set-Cookie: id=1\r\n"
 * ```
 */
export function formatFields(fields: Iterable<[string, string]>): string {
  let text = "";
  for (const [name, value] of fields) {
    if (!isToken(name)) throw new TypeError(`Cannot set header "${name}": not a valid name`);
    if (!isFieldValue(value)) throw new TypeError(`Cannot set header "${name}": its value holds a control character`);
    text += `${name}: ${value}\r\n`;
  }
  return text;
}

/**
 * A head as bytes, one byte per character (latin1), the way it is parsed.
 *
 * @example
 * ```ts
 * encodeLatin1("caf\u00e9"); // Uint8Array [99, 97, 102, 233]
 * ```
 */
export function encodeLatin1(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  writeLatin1(bytes, 0, text);
  return bytes;
}

/**
 * Write `text` as latin1 into `bytes` at `offset`, so a head can be put
 * together from pieces without joining them into one string first. Returns
 * the offset just past it.
 *
 * @example
 * ```ts
 * const bytes = new Uint8Array(4);
 * writeLatin1(bytes, writeLatin1(bytes, 0, "ab"), "\r\n"); // 4
 * ```
 */
export function writeLatin1(bytes: Uint8Array, offset: number, text: string): number {
  for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  return offset + text.length;
}
