/**
 * A strict, limited HTTP/1.1 head parser (RFC 9112) for the opening
 * handshake: CRLF line endings only, tokens for methods and field names,
 * no obs-fold, no control characters, bounded size and header count. It
 * scans with plain loops — no regular expressions that could backtrack.
 *
 * @example
 * ```ts
 * import { findHeadEnd, parseRequestHead } from "./http1.ts";
 * const bytes = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
 * const end = findHeadEnd(bytes, 0);
 * const head = parseRequestHead(bytes.subarray(0, end));
 * console.log(head.method, head.target, head.headers.get("host"));
 * ```
 * @module
 */

import { WebSocketError } from "./errors.ts";
import { isToken } from "./tokens.ts";

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
  /** Fields (names lower-cased; repeated fields joined with ", "). */
  headers: Headers;
  /** Fields as received. */
  rawHeaders: [string, string][];
}

/** A parsed response head. */
export interface ResponseHead {
  /** `HTTP/1.1`. */
  version: string;
  /** Status code. */
  status: number;
  /** Reason phrase. */
  statusText: string;
  /** Fields. */
  headers: Headers;
  /** Fields as received. */
  rawHeaders: [string, string][];
}

/** Default head size limit. */
export const DEFAULT_MAX_HEAD_BYTES = 16384;
/** Default header count limit. */
export const DEFAULT_MAX_HEADERS = 100;

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
  const lines = splitLines(bytes, limits);
  const parts = lines[0].split(" ");
  if (parts.length !== 3 || !isToken(parts[0]) || !isTarget(parts[1]) || !isVersion(parts[2])) {
    throw malformed(`bad request line "${lines[0].slice(0, 80)}"`);
  }
  const [headers, rawHeaders] = parseFields(lines, limits);
  return { method: parts[0], target: parts[1], version: parts[2], headers, rawHeaders };
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
  const lines = splitLines(bytes, limits);
  const line = lines[0];
  const version = line.slice(0, 8);
  const code = line.slice(9, 12);
  if (!isVersion(version) || line[8] !== " " || !isStatusCode(code) || (line.length > 12 && line[12] !== " ")) {
    throw malformed(`bad status line "${line.slice(0, 80)}"`);
  }
  const [headers, rawHeaders] = parseFields(lines, limits);
  return { version, status: Number(code), statusText: line.slice(13), headers, rawHeaders };
}

function splitLines(bytes: Uint8Array, limits: HeadLimits): string[] {
  if (bytes.length > (limits.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES)) {
    throw new WebSocketError("WS_ERR_HANDSHAKE_TOO_LARGE");
  }
  const lines: string[] = [];
  let line = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 13) {
      if (bytes[i + 1] !== 10) throw malformed("CR without LF");
      lines.push(line);
      line = "";
      i++;
    } else if (b === 10) {
      throw malformed("bare LF");
    } else if ((b < 32 && b !== 9) || b === 127) {
      throw malformed("control character in head");
    } else {
      line += String.fromCharCode(b);
    }
  }
  if (line !== "" || lines.length < 2 || lines[lines.length - 1] !== "") {
    throw malformed("head not ended by a blank line");
  }
  lines.pop();
  return lines;
}

function parseFields(lines: string[], limits: HeadLimits): [Headers, [string, string][]] {
  if (lines.length - 1 > (limits.maxHeaders ?? DEFAULT_MAX_HEADERS)) {
    throw new WebSocketError("WS_ERR_HANDSHAKE_TOO_LARGE", "too many header fields");
  }
  const headers = new Headers();
  const raw: [string, string][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line[0] === " " || line[0] === "\t") throw malformed("obsolete line folding");
    const colon = line.indexOf(":");
    const name = colon < 0 ? "" : line.slice(0, colon);
    if (!isToken(name)) throw malformed(`bad header field "${line.slice(0, 80)}"`);
    const value = trimOws(line.slice(colon + 1));
    raw.push([name, value]);
    headers.append(name, value);
  }
  return [headers, raw];
}

// Only SP and HTAB are optional whitespace (RFC 9110 §5.6.3); String#trim would
// also eat U+00A0, which is a valid latin1 obs-text byte.
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value[start] === " " || value[start] === "\t")) start++;
  while (end > start && (value[end - 1] === " " || value[end - 1] === "\t")) end--;
  return value.slice(start, end);
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
