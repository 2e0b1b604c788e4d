/**
 * How a request body is framed (RFC 9112 §6.3), and a strict, incremental
 * decoder of a chunked one (§7.1). Strict where the client's reader of a
 * refused upgrade is lenient: a body two parsers frame differently is how
 * requests get smuggled, so anything ambiguous is refused.
 *
 * @example
 * ```ts
 * import { bodyFraming, ChunkedDecoder } from "./request_body.ts";
 * bodyFraming(new Headers({ "transfer-encoding": "chunked" }), 1024); // { chunked: true }
 * const decoder = new ChunkedDecoder(1024);
 * decoder.push(new TextEncoder().encode("3;x=1\r\nabc\r\n0\r\n\r\n")); // "done"
 * decoder.body(); // "abc" as bytes
 * ```
 * @module
 */

import { GrowingBuffer } from "../../bytes/growing_buffer.ts";

/** A body of `length` bytes, a chunked one, or the status that refuses the request. */
export type BodyFraming = { length: number } | { chunked: true } | { status: 400 | 413 | 501 };

/**
 * The framing of a request body of at most `maxBytes`: both Transfer-Encoding
 * and Content-Length, or a final coding other than chunked, is a 400; codings
 * below chunked (which this server does not decode) a 501.
 *
 * @example
 * ```ts
 * bodyFraming(new Headers({ "content-length": "5, 5" }), 1024); // { length: 5 }
 * bodyFraming(new Headers({ "content-length": "+5" }), 1024); // { status: 400 }
 * ```
 */
export function bodyFraming(headers: Headers, maxBytes: number): BodyFraming {
  const coding = headers.get("transfer-encoding");
  const length = headers.get("content-length");
  if (coding !== null) {
    if (length !== null) return { status: 400 };
    const codings = coding.toLowerCase().split(",").map((name) => name.trim());
    if (codings.indexOf("chunked") !== codings.length - 1) return { status: 400 };
    return codings.length === 1 ? { chunked: true } : { status: 501 };
  }
  const size = length === null ? 0 : parseContentLength(length);
  return size < 0 ? { status: 400 } : size > maxBytes ? { status: 413 } : { length: size };
}

/**
 * A Content-Length field value: 1*DIGIT, or a list of one value repeated
 * (RFC 9110 §8.6); -1 for anything else ("+3", "0x3", "1e3", "3, 4").
 *
 * @example
 * ```ts
 * parseContentLength("42"); // 42
 * parseContentLength("1e3"); // -1
 * ```
 */
export function parseContentLength(field: string): number {
  const values = field.split(",").map((value) => value.trim());
  if (!/^[0-9]+$/.test(values[0]) || values.some((value) => value !== values[0])) return -1;
  return Number(values[0]);
}

/** Where a {@link ChunkedDecoder} stands after a push. */
export type ChunkedState = "more" | "done" | "malformed" | "too-large";

// Longest chunk-size line (with its extensions) or trailer section: a peer
// must not keep the server parsing forever without sending data.
const MAX_LINE_BYTES = 8 * 1024;
const CR = 13;
const LF = 10;

const SIZE = 0; // chunk-size hex digits
const SIZE_SPACE = 1; // whitespace after the size, which only an extension may follow
const EXTENSION = 2; // from ";" up to CR, ignored
const SIZE_LF = 3;
const DATA = 4;
const DATA_CR = 5;
const DATA_LF = 6;
const TRAILER = 7; // at the start of a trailer line, or of the final CRLF
const TRAILER_LINE = 8;
const TRAILER_LF = 9;
const FINAL_LF = 10;

/**
 * Feed it the bytes that follow the request head as they come; it keeps the
 * chunk data (at most `maxBytes`) and skips extensions and trailers. Sizes
 * are hex digits only: no sign, prefix or leading space.
 *
 * @example
 * ```ts
 * const decoder = new ChunkedDecoder(4);
 * decoder.push(new TextEncoder().encode("5\r\n")); // "too-large"
 * ```
 */
export class ChunkedDecoder {
  readonly #maxBytes: number;
  // Copied, not kept by reference: a view per chunk would pin each whole
  // read buffer, and a body in 1-byte chunks would cost ~100 bytes per byte.
  readonly #data = new GrowingBuffer();
  #received = 0; // chunk data announced so far
  #state = SIZE;
  #digits = 0;
  #size = 0; // of the chunk being read, then what is left of it
  #lineBytes = 0;
  #result: ChunkedState = "more";
  #rest: Uint8Array | undefined;

  /** A decoder that refuses a body of more than `maxBytes` of chunk data. */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Decode `bytes`; what follows the last chunk's trailers is kept for {@link ChunkedDecoder.rest}. */
  push(bytes: Uint8Array): ChunkedState {
    let at = 0;
    for (; at < bytes.length && this.#result === "more"; at++) {
      if (this.#state === DATA) {
        const end = Math.min(bytes.length, at + this.#size);
        this.#data.append(bytes.subarray(at, end));
        this.#size -= end - at;
        if (this.#size === 0) this.#state = DATA_CR;
        at = end - 1;
      } else {
        this.#result = this.#step(bytes[at]);
      }
    }
    if (this.#result === "done" && this.#rest === undefined) this.#rest = bytes.subarray(at);
    return this.#result;
  }

  /** The bytes that followed the end of the body (the next request's), once it is done. */
  rest(): Uint8Array {
    return this.#rest ?? new Uint8Array(0);
  }

  /** The chunk data received so far, in one array. */
  body(): Uint8Array {
    return this.#data.view.slice();
  }

  #step(byte: number): ChunkedState {
    if (++this.#lineBytes > MAX_LINE_BYTES) return "malformed";
    switch (this.#state) {
      case SIZE: {
        const value = hexValue(byte);
        if (value >= 0) {
          this.#digits++;
          this.#size = this.#size * 16 + value;
          return this.#received + this.#size > this.#maxBytes ? "too-large" : "more";
        }
        if (this.#digits === 0) return "malformed";
        if (byte === CR) this.#state = SIZE_LF;
        else if (byte === 59) this.#state = EXTENSION;
        else if (byte === 32 || byte === 9) this.#state = SIZE_SPACE;
        else return "malformed";
        return "more";
      }
      case SIZE_SPACE:
        if (byte === 59) this.#state = EXTENSION;
        return byte === 59 || byte === 32 || byte === 9 ? "more" : "malformed";
      case EXTENSION:
        if (byte === CR) this.#state = SIZE_LF;
        else if (byte === LF) return "malformed";
        return "more";
      case SIZE_LF:
        if (byte !== LF) return "malformed";
        this.#received += this.#size;
        this.#state = this.#size === 0 ? TRAILER : DATA;
        if (this.#size > 0) this.#lineBytes = 0;
        return "more";
      case DATA_CR:
        this.#state = DATA_LF;
        return byte === CR ? "more" : "malformed";
      case DATA_LF:
        this.#state = SIZE;
        this.#digits = 0;
        this.#lineBytes = 0;
        return byte === LF ? "more" : "malformed";
      case TRAILER:
        if (byte === LF) return "malformed";
        this.#state = byte === CR ? FINAL_LF : TRAILER_LINE;
        return "more";
      case TRAILER_LINE:
        if (byte === CR) this.#state = TRAILER_LF;
        else if (byte === LF) return "malformed";
        return "more";
      case TRAILER_LF:
        this.#state = TRAILER;
        return byte === LF ? "more" : "malformed";
      default: // FINAL_LF
        return byte === LF ? "done" : "malformed";
    }
  }
}

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  if (byte >= 97 && byte <= 102) return byte - 87;
  if (byte >= 65 && byte <= 70) return byte - 55;
  return -1;
}
