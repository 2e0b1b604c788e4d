/**
 * Bytes as text for a terminal: hex and base64 both ways, with no runtime's
 * `Buffer` (the command line runs on Deno, Bun and Node alike).
 *
 * @example
 * ```ts
 * import { fromHex, toBase64, toHex } from "./bytes_text.ts";
 * toHex(new Uint8Array([0xca, 0xfe])); // "cafe"
 * fromHex("ca fe"); // Uint8Array [202, 254]
 * toBase64(new Uint8Array([104, 105])); // "aGk="
 * ```
 * @module
 */

const HEX = "0123456789abcdef";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Lower-case hex, two digits a byte.
 *
 * @example
 * ```ts
 * toHex(new Uint8Array([0, 255])); // "00ff"
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += HEX[byte >> 4] + HEX[byte & 15];
  return text;
}

/**
 * Parse hex (either case; spaces and colons between bytes are allowed).
 * Throws a `SyntaxError` for anything else or an odd number of digits.
 *
 * @example
 * ```ts
 * fromHex("00:FF"); // Uint8Array [0, 255]
 * ```
 */
export function fromHex(text: string): Uint8Array {
  const digits = text.replace(/[\s:]/g, "");
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) {
    throw new SyntaxError(`Cannot read hex: "${text}" is not an even number of hex digits`);
  }
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/**
 * Standard base64 with padding (RFC 4648 §4).
 *
 * @example
 * ```ts
 * toBase64(new TextEncoder().encode("foob")); // "Zm9vYg=="
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    text += B64[n >> 18] + B64[(n >> 12) & 63];
    text += i + 1 < bytes.length ? B64[(n >> 6) & 63] : "=";
    text += i + 2 < bytes.length ? B64[n & 63] : "=";
  }
  return text;
}

/** How binary messages are shown. */
export type ShowMode = "hex" | "base64" | "text";

const utf8 = new TextDecoder();

/**
 * A binary message as one line of text, the way `--show` asks.
 *
 * @example
 * ```ts
 * showBytes(new Uint8Array([104, 105]), "hex"); // "6869"
 * showBytes(new Uint8Array([104, 105]), "text"); // "hi"
 * ```
 */
export function showBytes(bytes: Uint8Array, mode: ShowMode): string {
  return mode === "hex" ? toHex(bytes) : mode === "base64" ? toBase64(bytes) : utf8.decode(bytes);
}
