/**
 * permessage-deflate (RFC 7692) as a {@link Codec} around the frame codec:
 * the one seam between the extension and the connection. Its decoder lets
 * RSV1 through and inflates compressed messages piece by piece as they
 * arrive (§7.2.2), bounded by `maxPayload` on the inflated size and UTF-8
 * checked as they come out; its encoder compresses data messages at or above
 * the threshold and sets RSV1 (§7.2.1). Control frames, and messages sent
 * or received uncompressed, pass through untouched.
 *
 * @example
 * ```ts
 * import { withDeflate } from "./deflate_codec.ts";
 * import { loadZlib } from "./zlib_stream.ts";
 * import { loadCodec } from "../codec/load.ts";
 * const codec = withDeflate(await loadCodec(), (await loadZlib())!, "client", {
 *   params: { serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15 },
 * });
 * const frame = codec.encoder("client").encodeText("x".repeat(4096)); // RSV1 set, a few bytes long
 * ```
 * @module
 */

import type { FrameError } from "../codec/frame_errors.ts";
import type { Codec, Decoder, Encoder, FrameSink, Role, Utf8Check } from "../codec/mod.ts";
import { compressorSettings, type DeflateAgreement, MessageCompressor } from "./compressor.ts";
import { OutputLimitError, releaseScratch, type ZlibModule, ZlibStream } from "./zlib_stream.ts";

export type { DeflateAgreement } from "./compressor.ts";

/**
 * `codec` with permessage-deflate as agreed by `agreement`, for our `role`.
 *
 * @example
 * ```ts
 * import type { Codec } from "../codec/mod.ts";
 * import type { ZlibModule } from "./zlib_stream.ts";
 * declare const codec: Codec;
 * declare const zlib: ZlibModule;
 * const deflating = withDeflate(codec, zlib, "server", {
 *   params: { serverNoContextTakeover: true, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15 },
 *   threshold: 256,
 * });
 * ```
 */
export function withDeflate(codec: Codec, zlib: ZlibModule, role: Role, agreement: DeflateAgreement): Codec {
  const compressor = new MessageCompressor(zlib, compressorSettings(role, agreement));
  const params = agreement.params;
  const peer = {
    windowBits: role === "server" ? params.clientMaxWindowBits : params.serverMaxWindowBits,
    contextTakeover: !(role === "server" ? params.clientNoContextTakeover : params.serverNoContextTakeover),
  };
  const utf8 = codec.utf8Check?.bind(codec) ?? (() => new TextDecoderCheck());
  return {
    decoder: (options) =>
      new InflatingDecoder(
        codec.decoder({ ...options, allowRsv1: true }),
        zlib,
        peer,
        options.maxPayload,
        utf8,
        compressor,
      ),
    encoder: (encoderRole) => new DeflatingEncoder(codec.encoder(encoderRole), compressor),
    utf8Check: utf8,
  };
}

let sharedInflater: ZlibStream | undefined;

/** The decoder: inflates compressed messages on their way to the connection. */
class InflatingDecoder implements Decoder, FrameSink {
  readonly #inner: Decoder;
  readonly #zlib: ZlibModule;
  readonly #peer: { windowBits: number; contextTakeover: boolean };
  readonly #maxPayload: number;
  readonly #utf8: () => Utf8Check;
  readonly #compressor: MessageCompressor;
  #sink: FrameSink | undefined;
  // Kept between messages only with context takeover; otherwise only while a
  // compressed message arrives in several pieces.
  #own: ZlibStream | undefined;
  #produced = 0;
  #firstOut = true;
  #check: Utf8Check | undefined;
  #dead = false;

  constructor(
    inner: Decoder,
    zlib: ZlibModule,
    peer: { windowBits: number; contextTakeover: boolean },
    maxPayload: number,
    utf8: () => Utf8Check,
    compressor: MessageCompressor,
  ) {
    this.#inner = inner;
    this.#zlib = zlib;
    this.#peer = peer;
    this.#maxPayload = maxPayload;
    this.#utf8 = utf8;
    this.#compressor = compressor;
  }

  reserve(min?: number): Uint8Array {
    return this.#inner.reserve(min);
  }

  commit(n: number, sink: FrameSink): void {
    this.#sink = sink;
    this.#inner.commit(n, this);
  }

  push(bytes: Uint8Array, sink: FrameSink): void {
    this.#sink = sink;
    this.#inner.push(bytes, this);
  }

  setAllowRsv1(allow: boolean): void {
    this.#inner.setAllowRsv1(allow);
  }

  dispose(): void {
    this.#inner.dispose();
    this.#own?.close();
    this.#own = undefined;
    this.#compressor.close();
    this.#dead = true;
  }

  onData(
    view: Uint8Array,
    text: boolean,
    first: boolean,
    last: boolean,
    frameRemaining?: number,
    compressed?: boolean,
  ): void {
    if (this.#dead) return;
    if (!compressed) return this.#sink!.onData(view, text, first, last, frameRemaining);
    if (first) {
      this.#produced = 0;
      this.#firstOut = true;
      this.#check = text ? this.#utf8() : undefined;
    }
    // A whole message without context takeover needs no stream of its own.
    const alone = first && last && !this.#peer.contextTakeover;
    const stream = alone
      ? sharedInflater ??= new ZlibStream(this.#zlib, "inflate", { windowBits: 15 })
      : this.#own ??= new ZlibStream(this.#zlib, "inflate", {
        windowBits: this.#peer.contextTakeover ? this.#peer.windowBits : 15,
      });
    let output: Uint8Array;
    try {
      output = stream.write(view, last, this.#maxPayload - this.#produced);
    } catch (error) {
      return this.#fail(
        error instanceof OutputLimitError ? "WS_ERR_MESSAGE_TOO_BIG" : "WS_ERR_INVALID_COMPRESSED_DATA",
      );
    } finally {
      if (alone) stream.reset();
    }
    if (last && !alone && !this.#peer.contextTakeover) {
      this.#own!.close();
      this.#own = undefined;
    } else if (last && stream.ended) {
      // A sender that ended its stream with BFINAL starts the next message from a fresh compressor.
      stream.reset();
    }
    this.#produced += output.length;
    const check = this.#check;
    if (check !== undefined && (!check.update(output) || (last && !check.finish()))) {
      return this.#fail("WS_ERR_INVALID_UTF8");
    }
    if (output.length === 0 && !last) return;
    const firstOut = this.#firstOut;
    this.#firstOut = false;
    // The inflater's output is reused: a whole binary message must be the sink's to keep (see FrameSink).
    this.#sink!.onData(firstOut && last && !text ? output.slice() : output, text, firstOut, last, 0);
    releaseScratch();
  }

  onControl(opcode: number, payload: Uint8Array): void {
    if (!this.#dead) this.#sink!.onControl(opcode, payload);
  }

  onError(code: FrameError): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#sink!.onError(code);
  }

  #fail(code: FrameError): void {
    this.#own?.close();
    this.#own = undefined;
    this.onError(code);
  }
}

/** The encoder: compresses data messages at or above the threshold. */
class DeflatingEncoder implements Encoder {
  readonly #inner: Encoder;
  readonly #compressor: MessageCompressor;
  readonly #threshold: number;
  // The application's bytes, compressed or not: what bufferedAmount counts.
  #payloadLength = 0;

  constructor(inner: Encoder, compressor: MessageCompressor) {
    this.#inner = inner;
    this.#compressor = compressor;
    this.#threshold = compressor.settings.threshold;
  }

  get payloadLength(): number {
    return this.#payloadLength;
  }

  encode(opcode: number, payload: Uint8Array, fin = true, rsv1 = false): Uint8Array {
    this.#payloadLength = payload.length;
    if (fin && (opcode === 1 || opcode === 2) && payload.length >= this.#threshold) {
      return this.#inner.encode(opcode, this.#compressor.compress(payload), true, true);
    }
    return this.#inner.encode(opcode, payload, fin, rsv1);
  }

  encodeText(text: string): Uint8Array {
    // Below the threshold even at 3 bytes per UTF-16 unit: no need to measure.
    if (text.length * 3 < this.#threshold) {
      const frame = this.#inner.encodeText(text);
      this.#payloadLength = this.#inner.payloadLength;
      return frame;
    }
    return this.encode(1, textEncoder.encode(text));
  }
}

const textEncoder = new TextEncoder();

// For codecs without a UTF-8 check of their own (test codecs): the WHATWG decoder, fatal and streaming.
class TextDecoderCheck implements Utf8Check {
  readonly #decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  #ok = true;

  update(bytes: Uint8Array): boolean {
    try {
      if (this.#ok) this.#decoder.decode(bytes, { stream: true });
    } catch {
      this.#ok = false;
    }
    return this.#ok;
  }

  finish(): boolean {
    try {
      if (this.#ok) this.#decoder.decode();
    } catch {
      this.#ok = false;
    }
    return this.#ok;
  }
}
