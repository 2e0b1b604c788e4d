/**
 * One message to many sockets: `broadcast()` and topics alike. Server frames
 * are never masked, so one encoding serves every socket, and one compression
 * serves every socket that agreed the same permessage-deflate parameters
 * without context takeover (RFC 7692 §7.1.1: such a message depends on no
 * earlier one). A socket that compresses with context takeover has a
 * compressor of its own, so its copy is compressed for it alone.
 *
 * Each transport gives a frame back to the pool once written, so a frame has
 * one owner per socket plus the message's own, given back by
 * {@link SharedMessage.release}. A socket that reads slowly only grows its
 * own transport queue, where its `highWaterMark` / `onBufferFull` policy
 * applies; it never holds back the others.
 *
 * @example
 * ```ts
 * import { SharedMessage } from "./fan_out.ts";
 * import { loadCodec } from "../codec/load.ts";
 * import type { Session } from "../session/session.ts";
 * declare const sessions: Session[];
 * const message = new SharedMessage((await loadCodec()).encoder("server"), "hello");
 * for (const session of sessions) message.sendTo(session);
 * message.release();
 * ```
 * @module
 */

import { type Encoder, OPCODE_BINARY, OPCODE_TEXT } from "../codec/mod.ts";
import { compressAlone, type CompressorSettings } from "../extensions/compressor.ts";
import type { ZlibModule } from "../extensions/zlib_stream.ts";
import { framePool } from "../bytes/frame_pool.ts";
import type { Session } from "../session/session.ts";

/**
 * How one open connection compresses (see `src/extensions/compressor.ts`).
 *
 * @example
 * ```ts
 * declare const deflate: SessionDeflate;
 * console.log(deflate.settings.key, deflate.settings.contextTakeover);
 * ```
 */
export interface SessionDeflate {
  /** The loaded `node:zlib`. */
  zlib: ZlibModule;
  /** Our compressor's settings for that connection. */
  settings: CompressorSettings;
}

/**
 * Which sessions agreed permessage-deflate, and how (the server's registry knows).
 *
 * @example
 * ```ts
 * const none: DeflateLookup = () => undefined;
 * ```
 */
export type DeflateLookup = (session: Session) => SessionDeflate | undefined;

const textEncoder = new TextEncoder();
const NO_DEFLATE: DeflateLookup = () => undefined;

/**
 * A message on its way to many sessions: each frame it needs is made on
 * first need, once.
 *
 * @example
 * ```ts
 * import type { Session } from "../session/session.ts";
 * declare const message: SharedMessage;
 * declare const session: Session;
 * if (!message.sendTo(session)) console.log("closing: not sent");
 * ```
 */
export class SharedMessage {
  readonly #encoder: Encoder;
  readonly #data: string | Uint8Array;
  readonly #deflateOf: DeflateLookup;
  #plain: Uint8Array | undefined;
  #plainPayload = 0;
  #bytes: Uint8Array | undefined;
  #compressed: Map<string, Uint8Array> | undefined;

  /** `data` for sessions whose compression `deflateOf` tells (default: none compress). */
  constructor(encoder: Encoder, data: string | Uint8Array, deflateOf: DeflateLookup = NO_DEFLATE) {
    this.#encoder = encoder;
    this.#data = data;
    this.#deflateOf = deflateOf;
    if (typeof data !== "string") this.#bytes = data;
  }

  /** Hand the message to `session`; false when it takes no more messages (its closing handshake began). */
  sendTo(session: Session): boolean {
    const deflate = this.#deflateOf(session);
    if (deflate !== undefined) {
      if (deflate.settings.contextTakeover) return session.send(this.#data);
      const bytes = this.#bytes ??= textEncoder.encode(this.#data as string);
      // What bufferedAmount counts: the application's bytes, compressed or not.
      if (bytes.length >= deflate.settings.threshold) return send(session, this.#compressedFor(deflate), bytes.length);
    }
    return send(session, this.#plainFrame(), this.#plainPayload);
  }

  /** The message's own hold on its frames ends: each returns to the pool once every transport is done. */
  release(): void {
    if (this.#plain !== undefined) framePool.give(this.#plain);
    for (const frame of this.#compressed?.values() ?? []) framePool.give(frame);
    this.#plain = this.#compressed = undefined;
  }

  #plainFrame(): Uint8Array {
    if (this.#plain !== undefined) return this.#plain;
    const data = this.#data;
    const encoder = this.#encoder;
    this.#plain = typeof data === "string" ? encoder.encodeText(data) : encoder.encode(OPCODE_BINARY, data);
    this.#plainPayload = encoder.payloadLength;
    return this.#plain;
  }

  #compressedFor(deflate: SessionDeflate): Uint8Array {
    const key = deflate.settings.key;
    const compressed = this.#compressed ??= new Map();
    let frame = compressed.get(key);
    if (frame === undefined) {
      const payload = compressAlone(deflate.zlib, deflate.settings, this.#bytes!);
      const opcode = typeof this.#data === "string" ? OPCODE_TEXT : OPCODE_BINARY;
      compressed.set(key, frame = this.#encoder.encode(opcode, payload, true, true));
    }
    return frame;
  }
}

function send(session: Session, frame: Uint8Array, payloadBytes: number): boolean {
  framePool.retain(frame);
  if (session.sendFrame(frame, payloadBytes)) return true;
  framePool.give(frame);
  return false;
}
