/**
 * What a broker carries for one published message: a kind byte (text or
 * binary) and the payload. Brokers move bytes; without the kind byte a text
 * message would arrive in another process as binary, or the other way round.
 *
 * @example
 * ```ts
 * import { decodeMessage, encodeMessage } from "./message.ts";
 * const bytes = encodeMessage("hello");
 * console.log(decodeMessage(bytes)); // "hello"
 * ```
 * @module
 */

const KIND_TEXT = 1;
const KIND_BINARY = 2;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
// Text is encoded here first, then copied out at its exact size: one allocation per message.
let scratch = new Uint8Array(4096);

/**
 * A message as broker bytes: its kind, then its payload (UTF-8 for text).
 *
 * @example
 * ```ts
 * encodeMessage(new Uint8Array([7])); // Uint8Array [2, 7]
 * ```
 */
export function encodeMessage(data: string | Uint8Array): Uint8Array {
  if (typeof data === "string") {
    // Room for the worst case, 3 bytes per UTF-16 unit.
    if (scratch.length < 1 + data.length * 3) scratch = new Uint8Array(1 + data.length * 3);
    scratch[0] = KIND_TEXT;
    const { written } = utf8.encodeInto(data, scratch.subarray(1));
    return scratch.slice(0, 1 + written);
  }
  const out = new Uint8Array(1 + data.length);
  out[0] = KIND_BINARY;
  out.set(data, 1);
  return out;
}

/**
 * The message in broker bytes, or undefined when they are not one (another
 * program on the same channel): a broker is shared, and bad input must not
 * reach sockets or crash the process.
 *
 * @example
 * ```ts
 * decodeMessage(new Uint8Array([2, 7])); // Uint8Array [7]
 * decodeMessage(new Uint8Array([9])); // undefined
 * ```
 */
export function decodeMessage(bytes: Uint8Array): string | Uint8Array | undefined {
  if (bytes.length === 0) return undefined;
  if (bytes[0] === KIND_BINARY) return bytes.subarray(1);
  if (bytes[0] !== KIND_TEXT) return undefined;
  try {
    return strictUtf8.decode(bytes.subarray(1));
  } catch {
    return undefined;
  }
}
