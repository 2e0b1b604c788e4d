/**
 * Close codes and close frame payloads (RFC 6455 §5.5.1, §7.4; WHATWG `close()`).
 *
 * @example
 * ```ts
 * import { encodeClosePayload, isValidWireCloseCode, parseClosePayload } from "./close_codes.ts";
 * isValidWireCloseCode(1005); // false: never sent on the wire
 * parseClosePayload(encodeClosePayload(1000, "bye")); // { code: 1000, reason: "bye" }
 * ```
 * @module
 */

/** The longest close reason in UTF-8 bytes (125 minus the 2-byte code). */
export const MAX_CLOSE_REASON_BYTES = 123;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Codes a peer may send: 1000–1003, 1007–1014 (IANA registered), 3000–4999.
 *
 * @example
 * ```ts
 * isValidWireCloseCode(1011); // true
 * ```
 */
export function isValidWireCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/**
 * Codes an application may pass to WHATWG `close()`: 1000 or 3000–4999.
 *
 * @example
 * ```ts
 * isValidApplicationCloseCode(1001); // false
 * ```
 */
export function isValidApplicationCloseCode(code: number): boolean {
  return code === 1000 || (code >= 3000 && code <= 4999);
}

/**
 * Code and reason of a close payload the decoder already validated; an
 * empty payload means 1005 ("no status received").
 *
 * @example
 * ```ts
 * parseClosePayload(new Uint8Array(0)); // { code: 1005, reason: "" }
 * ```
 */
export function parseClosePayload(payload: Uint8Array): { code: number; reason: string } {
  if (payload.length < 2) return { code: 1005, reason: "" };
  // "UTF-8 decode without BOM" (WHATWG): a leading BOM is kept as a character.
  return { code: (payload[0] << 8) | payload[1], reason: decoder.decode(payload.subarray(2)) };
}

/**
 * A close payload: the 2-byte code and the UTF-8 reason. Without a code the
 * payload is empty, unless there is a reason: then the code is 1000 (as
 * WHATWG `close()` does). A reason over 123 bytes throws a `RangeError`.
 *
 * @example
 * ```ts
 * encodeClosePayload(1000, "ok"); // Uint8Array [3, 232, 111, 107]
 * encodeClosePayload(); // Uint8Array []
 * ```
 */
export function encodeClosePayload(code?: number, reason = ""): Uint8Array {
  const text = encoder.encode(reason);
  if (text.length > MAX_CLOSE_REASON_BYTES) {
    throw new RangeError(`Cannot encode close reason: ${text.length} bytes, more than ${MAX_CLOSE_REASON_BYTES}`);
  }
  if (code === undefined) {
    if (text.length === 0) return new Uint8Array(0);
    code = 1000;
  }
  const payload = new Uint8Array(2 + text.length);
  payload[0] = code >> 8;
  payload[1] = code & 0xff;
  payload.set(text, 2);
  return payload;
}

/**
 * Codes a server's socket may close with: 1000 and 3000–4999 as a page may,
 * and those RFC 6455 §7.4.1 (and IANA) give an endpoint to end with: 1001–1003,
 * 1007–1009, 1011–1014. Not 1010, which only a client sends.
 *
 * @example
 * ```ts
 * isValidServerCloseCode(1008); // true: policy violation
 * ```
 */
export function isValidServerCloseCode(code: number): boolean {
  return isValidWireCloseCode(code) && code !== 1010;
}

/**
 * The WHATWG `close(code, reason)` argument checks: `code` (converted as a
 * `[Clamp] unsigned short`) must be 1000 or 3000–4999 (`InvalidAccessError`),
 * `reason` at most 123 UTF-8 bytes (`SyntaxError`). Returns the converted code.
 * With `server`, the code may also be one of {@link isValidServerCloseCode}'s
 * (WHATWG's limit keeps pages from speaking for the browser; a server speaks
 * for itself).
 *
 * @example
 * ```ts
 * checkCloseArguments(1000, "bye"); // 1000
 * checkCloseArguments(4999.4, undefined); // 4999
 * checkCloseArguments(1008, "policy", true); // 1008, on a server's socket
 * checkCloseArguments(1001, undefined); // throws InvalidAccessError: 1001 is the browser's own
 * ```
 */
export function checkCloseArguments(
  code: number | undefined,
  reason: string | undefined,
  server = false,
): number | undefined {
  if (code !== undefined) {
    code = clampUnsignedShort(code);
    if (server ? !isValidServerCloseCode(code) : !isValidApplicationCloseCode(code)) {
      const allowed = server ? "1000-1003, 1007-1009, 1011-1014 or 3000-4999" : "neither 1000 nor in 3000-4999";
      throw new DOMException(`Cannot close: code ${code} is ${server ? "not " : ""}${allowed}`, "InvalidAccessError");
    }
  }
  if (reason !== undefined && encoder.encode(reason).length > MAX_CLOSE_REASON_BYTES) {
    throw new DOMException("Cannot close: reason longer than 123 bytes", "SyntaxError");
  }
  return code;
}

/**
 * WebIDL `[Clamp] unsigned short`: NaN is 0, values outside 0–65535 are
 * clamped, and a fraction rounds to the nearest integer, a half to the even
 * one (2999.5 to 3000, 1000.5 to 1000, 4999.6 to 5000). Chromium truncates
 * instead; Firefox and WebIDL round.
 *
 * @example
 * ```ts
 * clampUnsignedShort(66536); // 65535
 * clampUnsignedShort(-1); // 0
 * ```
 */
export function clampUnsignedShort(value: number): number {
  // Unary plus, not Number(): a BigInt or a Symbol is a TypeError, as WebIDL's ToNumber makes it.
  const n = +value;
  if (n >= 65535) return 65535;
  if (!(n > 0)) return 0;
  const below = Math.floor(n);
  const fraction = n - below;
  return fraction > 0.5 || (fraction === 0.5 && below % 2 === 1) ? below + 1 : below;
}
