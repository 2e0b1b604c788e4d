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

import { sha1Into } from "./sha1.ts";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const encoder = new TextEncoder();
const GUID_BYTES = encoder.encode(GUID);
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
// Every server answer computes one of these; its scratch is reused, so the
// only thing each call makes is the answer itself. A real key (24 characters)
// fits MESSAGE; anything longer or not ASCII takes the general path.
const MESSAGE = new Uint8Array(64 + GUID_BYTES.length);
const DIGEST = new Uint8Array(20);
const CODES: number[] = Array.from({ length: 28 }, () => 0);

/**
 * The `Sec-WebSocket-Accept` value for `key`.
 *
 * @example
 * ```ts
 * acceptKey("dGhlIHNhbXBsZSBub25jZQ=="); // "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
 * ```
 */
export function acceptKey(key: string): string {
  if (!writeAscii(key)) {
    const bytes = encoder.encode(key + GUID);
    sha1Into(bytes, bytes.length, DIGEST);
  } else {
    MESSAGE.set(GUID_BYTES, key.length);
    sha1Into(MESSAGE, key.length + GUID_BYTES.length, DIGEST);
  }
  // 20 bytes are six 3-byte groups and a 2-byte rest: 27 characters and one "=".
  let c = 0;
  for (let i = 0; i < 20; i += 3) {
    const group = (DIGEST[i] << 16) | (DIGEST[i + 1] << 8) | (i + 2 < 20 ? DIGEST[i + 2] : 0);
    CODES[c++] = ALPHABET.charCodeAt(group >>> 18);
    CODES[c++] = ALPHABET.charCodeAt((group >>> 12) & 63);
    CODES[c++] = ALPHABET.charCodeAt((group >>> 6) & 63);
    CODES[c++] = i + 2 < 20 ? ALPHABET.charCodeAt(group & 63) : 61;
  }
  return String.fromCharCode.apply(null, CODES);
}

// UTF-8 of an ASCII key is the key itself; false means "not that case".
function writeAscii(key: string): boolean {
  if (key.length > MESSAGE.length - GUID_BYTES.length) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) return false;
    MESSAGE[i] = c;
  }
  return true;
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

// Arguments cost a stack slot each; stay well within every engine's limit.
const CHUNK = 8192;

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
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const chunk = bytes.subarray(start, Math.min(start + CHUNK, bytes.length));
    binary += String.fromCharCode.apply(null, chunk as unknown as number[]);
  }
  return btoa(binary);
}
