/**
 * Received messages that can be sent on as frames without a copy. A large
 * message read whole from a buffer the session owns is handed to the
 * application in place, right behind the header it came with: the frame
 * header of an unmasked copy of it fits in those bytes (it is the received
 * header less the 4-byte mask key, or as long for an unmasked one). When the
 * application sends that very array (an echo, a relay), the encoder writes
 * the header there and the frame is the array's own bytes.
 *
 * Such a frame is borrowed: its payload is the application's, which may
 * change it after `send()` returns. A transport writes a borrowed frame to
 * the operating system before `write` returns, and copies what it could not
 * write, so the peer receives the bytes as they were at `send()`.
 *
 * Arrays are known by identity (weakly held): a view the application makes
 * of a message is another array, and is copied as any other.
 *
 * @example
 * ```ts
 * import { hasHeaderRoom, isBorrowed, markBorrowed, markHeaderRoom } from "./in_place_frames.ts";
 * const chunk = new Uint8Array(100_000);
 * const message = chunk.subarray(14, 70_000);
 * markHeaderRoom(message);
 * hasHeaderRoom(message); // true
 * hasHeaderRoom(message.subarray(0)); // false: another array
 * const frame = chunk.subarray(4, 70_000);
 * markBorrowed(frame);
 * isBorrowed(frame); // true
 * ```
 * @module
 */

/** Messages shorter than this are copied as before: the lookups would cost more than the copy saves. */
export const IN_PLACE_MIN = 16 * 1024;

const withRoom = new WeakSet<Uint8Array>();
const borrowed = new WeakSet<Uint8Array>();

/**
 * Record that the bytes right before `message` in its buffer held its
 * received frame header and are read by no one: an unmasked header for it
 * may be written there.
 *
 * @example
 * ```ts
 * markHeaderRoom(new Uint8Array(20_000).subarray(10));
 * ```
 */
export function markHeaderRoom(message: Uint8Array): void {
  withRoom.add(message);
}

/**
 * Whether `payload` is a message marked by {@link markHeaderRoom} (this very array).
 *
 * @example
 * ```ts
 * hasHeaderRoom(new Uint8Array(20_000)); // false
 * ```
 */
export function hasHeaderRoom(payload: Uint8Array): boolean {
  return payload.length >= IN_PLACE_MIN && withRoom.has(payload);
}

/**
 * Record that `frame` lies over application memory: it must leave (or be
 * copied) before the transport's `write` returns.
 *
 * @example
 * ```ts
 * markBorrowed(new Uint8Array(20_000));
 * ```
 */
export function markBorrowed(frame: Uint8Array): void {
  borrowed.add(frame);
}

/**
 * Whether `frame` was marked by {@link markBorrowed}.
 *
 * @example
 * ```ts
 * isBorrowed(new Uint8Array(20_000)); // false
 * ```
 */
export function isBorrowed(frame: Uint8Array): boolean {
  return frame.length >= IN_PLACE_MIN && borrowed.has(frame);
}
