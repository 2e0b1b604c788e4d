/**
 * Chunked transfer coding (RFC 9112 §7.1), read only as far as a client needs
 * it: to show the body of a refused upgrade.
 *
 * @example
 * ```ts
 * import { decodeChunked } from "./http1_chunked.ts";
 * decodeChunked(new TextEncoder().encode("3\r\nabc\r\n0\r\n\r\n")).complete; // true
 * ```
 * @module
 */

/** What {@link decodeChunked} found so far. */
export interface ChunkedBody {
  /** The data of the chunks received in full or in part. */
  body: Uint8Array;
  /** The last chunk (size 0) has arrived. */
  complete: boolean;
}

/**
 * Decode a `Transfer-Encoding: chunked` body as far as it has arrived
 * (RFC 9112 §7.1); trailers are ignored. Used only to show the body of a
 * refused upgrade, so a malformed chunk ends the body instead of throwing.
 *
 * @example
 * ```ts
 * decodeChunked(new TextEncoder().encode("3\r\nabc\r\n0\r\n\r\n")); // { body: "abc" bytes, complete: true }
 * ```
 */
export function decodeChunked(bytes: Uint8Array): ChunkedBody {
  const parts: Uint8Array[] = [];
  let at = 0;
  let complete = false;
  while (at < bytes.length) {
    let size = 0;
    let digits = 0;
    let i = at;
    for (; i < bytes.length && digits <= 8; i++, digits++) {
      const value = hexValue(bytes[i]);
      if (value < 0) break;
      size = size * 16 + value;
    }
    const lineEnd = findLineEnd(bytes, i);
    if (lineEnd < 0) break;
    if (digits === 0 || digits > 8) {
      complete = true;
      break;
    }
    if (size === 0) {
      complete = true;
      break;
    }
    const end = Math.min(lineEnd + size, bytes.length);
    parts.push(bytes.subarray(lineEnd, end));
    at = end + 2;
  }
  const body = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.length;
  }
  return { body, complete };
}

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  if (byte >= 97 && byte <= 102) return byte - 87;
  if (byte >= 65 && byte <= 70) return byte - 55;
  return -1;
}

// The index after the next CRLF at or after `from` (chunk extensions are skipped), or -1.
function findLineEnd(bytes: Uint8Array, from: number): number {
  for (let i = from + 1; i < bytes.length; i++) if (bytes[i] === 10 && bytes[i - 1] === 13) return i + 1;
  return -1;
}
