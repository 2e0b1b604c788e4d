/**
 * What `send()` accepts, and the conversions between it and bytes: kept
 * apart from the WebSocket class so its WebIDL logic reads on its own.
 *
 * @example
 * ```ts
 * import { bytesOf, sizeOf } from "./message_data.ts";
 * sizeOf("héllo"); // 6
 * bytesOf(new ArrayBuffer(4)).length; // 4
 * ```
 * @module
 */

/** Data `send()` accepts. */
export type Outgoing = string | ArrayBufferLike | ArrayBufferView | Blob;

const encoder = new TextEncoder();

/**
 * Whether `send()` takes `data` as binary (anything else is sent as its string form).
 *
 * @example
 * ```ts
 * isBinary(new Uint8Array(1)); // true
 * isBinary("text"); // false
 * ```
 */
export function isBinary(data: unknown): data is ArrayBufferLike | ArrayBufferView | Blob {
  return data instanceof ArrayBuffer || ArrayBuffer.isView(data) || data instanceof Blob ||
    (typeof SharedArrayBuffer !== "undefined" && data instanceof SharedArrayBuffer);
}

/**
 * The bytes `data` adds to `bufferedAmount`: UTF-8 length for text.
 *
 * @example
 * ```ts
 * sizeOf("é"); // 2
 * ```
 */
export function sizeOf(data: Outgoing): number {
  if (typeof data === "string") return encoder.encode(data).length;
  if (data instanceof Blob) return data.size;
  return data.byteLength;
}

/**
 * A `Uint8Array` over the same memory as `data` (no copy).
 *
 * @example
 * ```ts
 * bytesOf(new Uint16Array([1])).length; // 2
 * ```
 */
export function bytesOf(data: ArrayBufferLike | ArrayBufferView): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/**
 * An `ArrayBuffer` holding exactly `bytes`: their own buffer when they span it, else a copy.
 *
 * @example
 * ```ts
 * toArrayBuffer(new Uint8Array([1, 2])).byteLength; // 2
 * ```
 */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const buffer = bytes.buffer as ArrayBuffer;
  return bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength
    ? buffer
    : buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}
