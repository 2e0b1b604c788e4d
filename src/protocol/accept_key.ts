/**
 * The opening handshake's key exchange (RFC 6455 §4.1, §4.2.2): the client
 * sends 16 random bytes in base64; the server proves it read them by
 * answering SHA-1(key + GUID) in base64.
 *
 * @example
 * ```ts
 * import { acceptKey, generateKey } from "./accept_key.ts";
 * acceptKey("dGhlIHNhbXBsZSBub25jZQ=="); // "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
 * const key = generateKey(); // 24 base64 characters
 * ```
 * @module
 */

import { sha1 } from "./sha1.ts";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const encoder = new TextEncoder();

/**
 * The `Sec-WebSocket-Accept` value for `key`.
 *
 * @example
 * ```ts
 * acceptKey("dGhlIHNhbXBsZSBub25jZQ=="); // "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
 * ```
 */
export function acceptKey(key: string): string {
  return toBase64(sha1(encoder.encode(key + GUID)));
}

/**
 * A fresh `Sec-WebSocket-Key`: 16 bytes from the CSPRNG, base64.
 *
 * @example
 * ```ts
 * atob(generateKey()).length; // 16
 * ```
 */
export function generateKey(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * Base64 of `bytes` (the runtime-neutral way: `btoa` over a binary string).
 *
 * @example
 * ```ts
 * toBase64(new Uint8Array([104, 105])); // "aGk="
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
