/**
 * The small typed interface between the sans-I/O protocol and the frame codec.
 *
 * The protocol never sees WASM memory: it asks a {@link Codec} for a
 * {@link Decoder} (bytes in, frame events out) and an {@link Encoder}
 * (message in, frame bytes out). Production uses the WASM codec; tests may
 * inject an independent TypeScript reference to run the protocol differentially.
 *
 * @example
 * ```ts
 * import { loadCodec } from "./load.ts";
 * const codec = await loadCodec();
 * const decoder = codec.decoder({ role: "client", maxPayload: 1 << 20, maxFragments: 1024 });
 * decoder.push(new Uint8Array([0x81, 0x02, 0x68, 0x69]), {
 *   onData: (view, text, first, last) => console.log(text, first, last, view.length),
 *   onControl: () => {},
 *   onError: (code) => console.error(code),
 * });
 * ```
 * @module
 */

import type { FrameError } from "./frame_errors.ts";

export type { FrameError } from "./frame_errors.ts";

/** Which end of the connection we are; it decides the masking rules. */
export type Role = "client" | "server";

/** Opcodes of RFC 6455 §5.2. */
export const OPCODE_CONTINUATION = 0x0;
/** Text frame opcode. */
export const OPCODE_TEXT = 0x1;
/** Binary frame opcode. */
export const OPCODE_BINARY = 0x2;
/** Close frame opcode. */
export const OPCODE_CLOSE = 0x8;
/** Ping frame opcode. */
export const OPCODE_PING = 0x9;
/** Pong frame opcode. */
export const OPCODE_PONG = 0xa;

/**
 * The largest `maxPayload` a decoder applies (2^53 - 1): every length up to it
 * is exact as a double, so a length announced in 64 bits is never rounded past it.
 *
 * @example
 * ```ts
 * Math.min(Infinity, MAX_PAYLOAD); // 9007199254740991
 * ```
 */
export const MAX_PAYLOAD: number = Number.MAX_SAFE_INTEGER;

/**
 * The largest `maxFragments` a decoder applies (2^32 - 1, a u32).
 *
 * @example
 * ```ts
 * Math.min(Infinity, MAX_FRAGMENTS); // 4294967295
 * ```
 */
export const MAX_FRAGMENTS: number = 0xffffffff;

/**
 * Limits and role for one decoder.
 *
 * @example
 * ```ts
 * const options: DecoderOptions = { role: "server", maxPayload: 1 << 20, maxFragments: 1024 };
 * ```
 */
export interface DecoderOptions {
  /** Our role: a server rejects unmasked frames, a client rejects masked ones (1002). */
  role: Role;
  /** Largest message, summed over its fragments, in bytes (1009 beyond it); capped at 2^53 - 1. */
  maxPayload: number;
  /** Most frames one message may span (1009 beyond it); capped at 2^32 - 1. */
  maxFragments: number;
  /** RSV1 is allowed on the first frame of a data message (a negotiated extension). */
  allowRsv1?: boolean;
}

/**
 * Receives what a decoder finds, synchronously, in wire order.
 *
 * Views point into codec memory and are valid only during the call: copy or
 * decode them before returning. The one exception is a whole binary message
 * (`first` and `last`, neither text nor compressed): it comes as a fresh
 * array, the sink's to keep.
 *
 * @example
 * ```ts
 * const sink: FrameSink = {
 *   onData(view, text, first, last) { console.log(view.length, text, first, last); },
 *   onControl(opcode, payload) { console.log(opcode, payload.length); },
 *   onError(code) { console.error("protocol error", code); },
 * };
 * ```
 */
export interface FrameSink {
  /**
   * A piece of a data message's payload, unmasked. For text, the bytes so
   * far are valid UTF-8 (a sequence may still be open until `last`).
   * `first` marks the start of a message, `last` its end (both may be set,
   * and `view` may be empty, e.g. for an empty message or an empty fragment).
   * `frameRemaining` (when known) is how many payload bytes of the current
   * frame are still to come: a hint to size the message buffer once.
   * `compressed` marks every piece of a message whose first frame had RSV1
   * (RFC 7692 permessage-deflate): its bytes are compressed, and text was
   * not UTF-8 checked (the extension checks it once inflated).
   */
  onData(
    view: Uint8Array,
    text: boolean,
    first: boolean,
    last: boolean,
    frameRemaining?: number,
    compressed?: boolean,
  ): void;
  /**
   * A whole control frame (ping, pong, close), unmasked. A close payload has
   * already been checked: length 0 or ≥ 2, a code valid on the wire, a
   * UTF-8 reason. `payload` lies in decoder memory: valid only during the call.
   */
  onControl(opcode: number, payload: Uint8Array): void;
  /**
   * A protocol violation, by its stable code (the protocol's error table
   * gives its close code). The decoder is dead afterwards: further input is ignored.
   */
  onError(code: FrameError): void;
}

/**
 * Incremental frame parser for one connection: bytes in, frame events out.
 *
 * Zero-copy input: {@link Decoder.reserve} lends a region of codec memory,
 * the transport reads into it, {@link Decoder.commit} parses what landed
 * there. {@link Decoder.push} copies bytes in for transports that own their
 * buffers. Every byte given is consumed: partial headers and partial control
 * frames are carried inside the decoder, partial data payloads are delivered
 * as they arrive.
 *
 * @example
 * ```ts
 * declare const decoder: Decoder;
 * declare const sink: FrameSink;
 * const region = decoder.reserve();
 * region.set([0x89, 0x00]); // as if a socket read 2 bytes into it
 * decoder.commit(2, sink); // sink.onControl(0x9, empty)
 * ```
 */
export interface Decoder {
  /**
   * Lend a writable region of at least `min` bytes (default: the decoder's
   * read size) for the next read. Valid until the next commit, push or
   * reserve; never hold it across an `await` that may run other decoders
   * unless the transport owns the region until commit.
   */
  reserve(min?: number): Uint8Array;
  /** Parse `n` bytes that were written at the start of the last reserved region. */
  commit(n: number, sink: FrameSink): void;
  /**
   * Copy `bytes` in and parse them. `owned`: the caller gives `bytes` away
   * (nobody else holds or reuses them), so a large binary message may be
   * handed to the sink as a view of them rather than a copy.
   */
  push(bytes: Uint8Array, sink: FrameSink, owned?: boolean): void;
  /** Allow RSV1 from now on (an extension was negotiated after creation). */
  setAllowRsv1(allow: boolean): void;
  /** Release the decoder's memory; it must not be used afterwards. */
  dispose(): void;
}

/**
 * Builds frames to send. Results are fresh buffers the caller owns.
 *
 * @example
 * ```ts
 * declare const encoder: Encoder;
 * const frame = encoder.encodeText("hi"); // 0x81 0x02 ... for a server, masked for a client
 * console.log(encoder.payloadLength); // 2
 * ```
 */
export interface Encoder {
  /**
   * Payload bytes of the frame the last `encode` or `encodeText` call
   * returned: what the frame carries for the application, so nobody re-parses
   * a header to learn it.
   */
  readonly payloadLength: number;
  /** One frame with `payload`; masked with a fresh key in the client role. */
  encode(opcode: number, payload: Uint8Array, fin?: boolean, rsv1?: boolean): Uint8Array;
  /** One text frame (FIN set) holding `text` as UTF-8. */
  encodeText(text: string): Uint8Array;
}

/**
 * Incremental UTF-8 validation of one text message given in pieces.
 *
 * @example
 * ```ts
 * declare const check: Utf8Check;
 * check.update(new Uint8Array([0xc3])); // true so far
 * check.update(new Uint8Array([0xa9])) && check.finish(); // true: "é"
 * ```
 */
export interface Utf8Check {
  /** Continue over `bytes`; false once they cannot be UTF-8 (fail fast). */
  update(bytes: Uint8Array): boolean;
  /** The message ended: false when a sequence is left open or was rejected. */
  finish(): boolean;
}

/**
 * A frame codec: the factory for per-connection decoders and encoders.
 *
 * @example
 * ```ts
 * declare const codec: Codec;
 * const encoder = codec.encoder("client");
 * const decoder = codec.decoder({ role: "client", maxPayload: 100 << 20, maxFragments: 100_000 });
 * ```
 */
export interface Codec {
  /** A new decoder with its own parser state. */
  decoder(options: DecoderOptions): Decoder;
  /** An encoder for `role` (clients mask, servers do not). */
  encoder(role: Role): Encoder;
  /** A UTF-8 check for bytes the decoder did not see (inflated text); optional for test codecs. */
  utf8Check?(): Utf8Check;
}
