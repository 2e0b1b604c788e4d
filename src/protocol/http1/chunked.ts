/**
 * Chunked transfer coding (RFC 9112 §7.1) as a server writes it for a body of
 * unknown length, and read as far as a client needs it: to show the body of
 * a refused upgrade (a server reads request bodies strictly, with
 * `ChunkedDecoder` in http1_request_body.ts).
 *
 * @example
 * ```ts
 * import { decodeChunked, encodeChunk, LAST_CHUNK } from "./chunked.ts";
 * decodeChunked(new TextEncoder().encode("3\r\nabc\r\n0\r\n\r\n")).complete; // true
 * encodeChunk(new TextEncoder().encode("abc")); // "3\r\nabc\r\n" as bytes
 * LAST_CHUNK; // "0\r\n\r\n" as bytes
 * ```
 * @module
 */

/**
 * The end of a chunked body: the last chunk and an empty trailer section.
 * Shared, so never to be written into.
 *
 * @example
 * ```ts
 * new TextDecoder().decode(LAST_CHUNK); // "0\r\n\r\n"
 * ```
 */
export const LAST_CHUNK: Uint8Array = new Uint8Array([48, 13, 10, 13, 10]);

/**
 * One chunk holding `data`, which must not be empty (an empty chunk is the
 * last one).
 *
 * @example
 * ```ts
 * encodeChunk(new Uint8Array(255)); // "ff\r\n", 255 bytes, "\r\n"
 * ```
 */
export function encodeChunk(data: Uint8Array): Uint8Array {
  const size = data.length.toString(16);
  const out = new Uint8Array(size.length + data.length + 4);
  for (let i = 0; i < size.length; i++) out[i] = size.charCodeAt(i);
  out[size.length] = 13;
  out[size.length + 1] = 10;
  out.set(data, size.length + 2);
  out[out.length - 2] = 13;
  out[out.length - 1] = 10;
  return out;
}

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
