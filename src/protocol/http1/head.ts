/**
 * A strict, limited HTTP/1.1 head parser (RFC 9112) for the opening
 * handshake: CRLF line endings only, tokens for methods and field names,
 * no obs-fold, no control characters, bounded size and header count. It
 * scans with plain loops — no regular expressions that could backtrack.
 *
 * @example
 * ```ts
 * import { findHeadEnd, parseRequestHead } from "./head.ts";
 * const bytes = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
 * const end = findHeadEnd(bytes, 0);
 * const head = parseRequestHead(bytes.subarray(0, end));
 * console.log(head.method, head.target, head.fields.get("host"));
 * ```
 * @module
 */

import { DEFAULT_MAX_HEAD_BYTES, DEFAULT_MAX_HEADERS } from "../defaults.ts";
import { WebSocketError } from "../errors.ts";
import { HeaderFields } from "./header_fields.ts";
import { decodeLatin1 } from "./latin1.ts";
import { isToken, isTokenAt } from "./tokens.ts";

/** Limits of one head. */
export interface HeadLimits {
  /** Most bytes in the head, blank line included (default 16384). */
  maxHeadBytes?: number;
  /** Most header fields (default 100). */
  maxHeaders?: number;
}

/** A parsed request head. */
export interface RequestHead {
  /** Method, e.g. `GET`. */
  method: string;
  /** Request target, e.g. `/chat?room=1`. */
  target: string;
  /** `HTTP/1.1`. */
  version: string;
  /** Fields as received, with `Headers.get`'s lookup. */
  fields: HeaderFields;
  /** Fields as a `Headers` (names lower-cased; repeated fields joined with ", "), built on first use. */
  readonly headers: Headers;
  /** Fields as received, as pairs (a new array each time). */
  readonly rawHeaders: [string, string][];
}

/** A parsed response head. */
export interface ResponseHead {
  /** `HTTP/1.1`. */
  version: string;
  /** Status code. */
  status: number;
  /** Reason phrase. */
  statusText: string;
  /** Fields as received, with `Headers.get`'s lookup. */
  fields: HeaderFields;
  /** Fields as a `Headers`, built on first use. */
  readonly headers: Headers;
  /** Fields as received, as pairs (a new array each time). */
  readonly rawHeaders: [string, string][];
}

export { DEFAULT_MAX_HEAD_BYTES, DEFAULT_MAX_HEADERS } from "../defaults.ts";

/**
 * The index just past the blank line ending a head, or -1. `from` lets a
 * caller resume the search as bytes arrive.
 *
 * @example
 * ```ts
 * findHeadEnd(new TextEncoder().encode("A\r\n\r\nrest"), 0); // 5
 * ```
 */
export function findHeadEnd(buffer: Uint8Array, from: number): number {
  for (let i = Math.max(from, 3); i < buffer.length; i++) {
    if (buffer[i] === 10 && buffer[i - 1] === 13 && buffer[i - 2] === 10 && buffer[i - 3] === 13) return i + 1;
  }
  return -1;
}

/**
 * Parse a request head (through its blank line).
 *
 * @example
 * ```ts
 * parseRequestHead(new TextEncoder().encode("GET /x HTTP/1.1\r\nHost: h\r\n\r\n")).target; // "/x"
 * ```
 */
export function parseRequestHead(bytes: Uint8Array, limits: HeadLimits = {}): RequestHead {
  const lines = checkHead(bytes, limits);
  const text = decodeLatin1(bytes);
  const end = text.indexOf("\r\n");
  // Exactly two spaces, as `line.split(" ").length === 3` would demand.
  const first = text.indexOf(" ");
  const second = first < 0 || first > end ? -1 : text.indexOf(" ", first + 1);
  const third = second < 0 || second > end ? -1 : text.indexOf(" ", second + 1);
  const method = second < 0 || second > end ? "" : common(text, 0, first, "GET");
  const target = method === "" ? "" : text.slice(first + 1, second);
  const version = method === "" ? "" : common(text, second + 1, end, "HTTP/1.1");
  if (
    method === "" || (third >= 0 && third < end) || !isToken(method) || !isTarget(target) || !isVersion(version)
  ) {
    throw malformed(`bad request line "${text.slice(0, Math.min(end, 80))}"`);
  }
  return new ParsedRequest(method, target, version, parseFields(text, end + 2, lines - 2, limits));
}

/**
 * Parse a response head (through its blank line).
 *
 * @example
 * ```ts
 * parseResponseHead(new TextEncoder().encode("HTTP/1.1 101 Switching Protocols\r\n\r\n")).status; // 101
 * ```
 */
export function parseResponseHead(bytes: Uint8Array, limits: HeadLimits = {}): ResponseHead {
  const lines = checkHead(bytes, limits);
  const text = decodeLatin1(bytes);
  const end = text.indexOf("\r\n");
  const line = text.slice(0, end);
  const version = line.slice(0, 8);
  const code = line.slice(9, 12);
  if (!isVersion(version) || line[8] !== " " || !isStatusCode(code) || (line.length > 12 && line[12] !== " ")) {
    throw malformed(`bad status line "${line.slice(0, 80)}"`);
  }
  const fields = parseFields(text, end + 2, lines - 2, limits);
  return new ParsedResponse(version, Number(code), line.slice(13), fields);
}

// Checks every byte in one pass, so that the head can then become one string
// in one go. Returns its number of CRLF-ended lines, the blank one included.
function checkHead(bytes: Uint8Array, limits: HeadLimits): number {
  if (bytes.length > (limits.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES)) {
    throw new WebSocketError("WS_ERR_HANDSHAKE_TOO_LARGE");
  }
  let lines = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b >= 32 && b !== 127) continue;
    if (b === 13) {
      if (bytes[i + 1] !== 10) throw malformed("CR without LF");
      lines++;
      i++;
    } else if (b === 10) {
      throw malformed("bare LF");
    } else if (b !== 9) {
      throw malformed("control character in head");
    }
  }
  // Every LF now follows a CR, so these bytes can only be a final empty line.
  const n = bytes.length;
  if (lines < 2 || bytes[n - 4] !== 13 || bytes[n - 3] !== 10 || bytes[n - 2] !== 13 || bytes[n - 1] !== 10) {
    throw malformed("head not ended by a blank line");
  }
  return lines;
}

// The usual method and version as the literal: no new string per request.
function common(text: string, start: number, end: number, usual: string): string {
  return end - start === usual.length && text.startsWith(usual, start) ? usual : text.slice(start, end);
}

function parseFields(text: string, start: number, count: number, limits: HeadLimits): HeaderFields {
  if (count > (limits.maxHeaders ?? DEFAULT_MAX_HEADERS)) {
    throw new WebSocketError("WS_ERR_HANDSHAKE_TOO_LARGE", "too many header fields");
  }
  const spans = new Array<number>(count * 2);
  for (let field = 0; field < count; field++) {
    const end = text.indexOf("\r\n", start);
    if (text[start] === " " || text[start] === "\t") throw malformed("obsolete line folding");
    let colon = text.indexOf(":", start);
    if (colon > end) colon = -1;
    if (colon < 0 || !isTokenAt(text, start, colon)) {
      throw malformed(`bad header field "${text.slice(start, Math.min(end, start + 80))}"`);
    }
    spans[field * 2] = start;
    spans[field * 2 + 1] = colon;
    start = end + 2;
  }
  return new HeaderFields(text, spans);
}

// The `Headers` and the pairs are made only for whoever reads them.
class ParsedHead {
  readonly fields: HeaderFields;

  constructor(fields: HeaderFields) {
    this.fields = fields;
  }

  get headers(): Headers {
    return this.fields.toHeaders();
  }

  get rawHeaders(): [string, string][] {
    return this.fields.pairs();
  }
}

class ParsedRequest extends ParsedHead implements RequestHead {
  readonly method: string;
  readonly target: string;
  readonly version: string;

  constructor(method: string, target: string, version: string, fields: HeaderFields) {
    super(fields);
    this.method = method;
    this.target = target;
    this.version = version;
  }
}

class ParsedResponse extends ParsedHead implements ResponseHead {
  readonly version: string;
  readonly status: number;
  readonly statusText: string;

  constructor(version: string, status: number, statusText: string, fields: HeaderFields) {
    super(fields);
    this.version = version;
    this.status = status;
    this.statusText = statusText;
  }
}

function isStatusCode(code: string): boolean {
  if (code.length !== 3 || code[0] < "1" || code[0] > "5") return false;
  return code[1] >= "0" && code[1] <= "9" && code[2] >= "0" && code[2] <= "9";
}

// Any HTTP/1.x: a later minor version is compatible with 1.1 (RFC 9110 §2.5).
function isVersion(value: string): boolean {
  return value.length === 8 && value.startsWith("HTTP/1.") && value[7] >= "0" && value[7] <= "9";
}

function isTarget(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 32 || c >= 127) return false;
  }
  return true;
}

function malformed(detail: string): WebSocketError {
  return new WebSocketError("WS_ERR_HANDSHAKE_MALFORMED", `malformed HTTP head: ${detail}`);
}
