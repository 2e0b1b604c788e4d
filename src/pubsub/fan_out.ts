/**
 * One message to many sockets: encode the frame once, hand the same bytes to
 * every session. Server frames are never masked, so one encoding serves
 * everyone; each transport gives the frame back to the pool once written,
 * so the frame has one owner per socket plus the encoder's, given back by
 * {@link releaseShared}. A socket that reads slowly only grows its own
 * transport queue, where its `highWaterMark` / `onBufferFull` policy
 * applies; it never holds back the others.
 *
 * @example
 * ```ts
 * import { encodeShared, releaseShared, sendShared } from "./fan_out.ts";
 * import { loadCodec } from "../codec/load.ts";
 * import type { Session } from "../session/session.ts";
 * declare const sessions: Session[];
 * const shared = encodeShared((await loadCodec()).encoder("server"), "hello");
 * for (const session of sessions) sendShared(shared, session);
 * releaseShared(shared);
 * ```
 * @module
 */

import { type Encoder, OPCODE_BINARY } from "../codec/mod.ts";
import { framePool } from "../bytes/frame_pool.ts";
import type { Session } from "../session/session.ts";

/** A message encoded once for many sockets. */
export interface SharedFrame {
  /** The whole frame, header included. */
  readonly frame: Uint8Array;
  /** Application bytes in it (what `bufferedAmount` counts). */
  readonly payloadBytes: number;
}

/**
 * Encode `data` once for every socket that will get it.
 *
 * This is the place for "compress once": with permessage-deflate agreed
 * without context takeover, the compressed frame is the same for every
 * socket that agreed to it, so it would be made here, once, beside the plain
 * one, and {@link sendShared} would pick the one each session agreed on.
 *
 * @example
 * ```ts
 * import { loadCodec } from "../codec/load.ts";
 * const shared = encodeShared((await loadCodec()).encoder("server"), new Uint8Array([1, 2]));
 * console.log(shared.frame.length, shared.payloadBytes); // 4 2
 * releaseShared(shared);
 * ```
 */
export function encodeShared(encoder: Encoder, data: string | Uint8Array): SharedFrame {
  if (typeof data !== "string") return { frame: encoder.encode(OPCODE_BINARY, data), payloadBytes: data.length };
  const frame = encoder.encodeText(data);
  return { frame, payloadBytes: encoder.payloadLength };
}

/**
 * Hand the shared frame to one session; false when it takes no more
 * messages (its closing handshake began).
 *
 * @example
 * ```ts
 * import type { Session } from "../session/session.ts";
 * declare const shared: SharedFrame;
 * declare const session: Session;
 * if (!sendShared(shared, session)) console.log("closing: not sent");
 * ```
 */
export function sendShared(shared: SharedFrame, session: Session): boolean {
  framePool.retain(shared.frame);
  if (session.sendFrame(shared.frame, shared.payloadBytes)) return true;
  framePool.give(shared.frame);
  return false;
}

/**
 * The encoder's own ownership ends: once every transport has given the
 * frame back too, its buffer returns to the pool.
 *
 * @example
 * ```ts
 * declare const shared: SharedFrame;
 * releaseShared(shared);
 * ```
 */
export function releaseShared(shared: SharedFrame): void {
  framePool.give(shared.frame);
}
