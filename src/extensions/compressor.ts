/**
 * The sending half of permessage-deflate (RFC 7692 §7.2.1): compress a
 * message's payload with a sync flush and drop the 4-byte tail.
 *
 * Without context takeover a compressor's window is forgotten after every
 * message, so one zlib stream per parameter set, reset after each use,
 * serves every connection of the process: an idle connection holds no
 * compressor at all, and a broadcast compresses once for all its receivers
 * (output depends only on the payload and the parameters). With context
 * takeover a connection gets its own stream, on its first compressed message.
 *
 * @example
 * ```ts
 * import { loadZlib } from "./zlib_stream.ts";
 * import { compressorSettings, MessageCompressor } from "./compressor.ts";
 * const zlib = (await loadZlib())!;
 * const settings = compressorSettings("server", {
 *   params: { serverNoContextTakeover: true, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15 },
 * });
 * const compressed = new MessageCompressor(zlib, settings).compress(new TextEncoder().encode("hello hello hello"));
 * ```
 * @module
 */

import type { Role } from "../codec/mod.ts";
import type { DeflateParams } from "../protocol/deflate_negotiation.ts";
import { releaseScratch, type ZlibModule, ZlibStream } from "./zlib_stream.ts";

/**
 * What one connection agreed, plus how it compresses.
 *
 * @example
 * ```ts
 * const agreement: DeflateAgreement = {
 *   params: { serverNoContextTakeover: true, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15 },
 *   threshold: 1024,
 * };
 * ```
 */
export interface DeflateAgreement {
  /** The negotiated parameters. */
  params: DeflateParams;
  /** Messages shorter than this many bytes go uncompressed (default 1024). */
  threshold?: number;
  /** zlib level (default 6). */
  level?: number;
  /** zlib memLevel (default 8). */
  memLevel?: number;
}

/**
 * How our side compresses, derived once per connection.
 *
 * @example
 * ```ts
 * declare const settings: CompressorSettings;
 * console.log(settings.key); // e.g. "15/6/8": connections with equal keys share compressed frames
 * ```
 */
export interface CompressorSettings {
  /** zlib windowBits for our compressor (9–15). */
  windowBits: number;
  /** zlib level. */
  level: number;
  /** zlib memLevel. */
  memLevel: number;
  /** Smallest payload compressed. */
  threshold: number;
  /** Our compressor keeps its window between messages. */
  contextTakeover: boolean;
  /** Equal keys (and no context takeover) compress identically. */
  key: string;
}

/**
 * The compressor settings of `role` under `agreement`.
 *
 * @example
 * ```ts
 * compressorSettings("client", {
 *   params: { serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 8 },
 * }).windowBits; // 9
 * ```
 */
export function compressorSettings(role: Role, agreement: DeflateAgreement): CompressorSettings {
  const params = agreement.params;
  const bits = role === "server" ? params.serverMaxWindowBits : params.clientMaxWindowBits;
  // zlib refuses a raw deflate window of 8 bits; with 9 its longest distance is 250 bytes,
  // inside the 256 the peer keeps (ws does the same).
  const windowBits = Math.max(9, bits);
  const level = agreement.level ?? 6;
  const memLevel = agreement.memLevel ?? 8;
  return {
    windowBits,
    level,
    memLevel,
    threshold: agreement.threshold ?? 1024,
    contextTakeover: !(role === "server" ? params.serverNoContextTakeover : params.clientNoContextTakeover),
    key: `${windowBits}/${level}/${memLevel}`,
  };
}

const shared = new Map<string, ZlibStream>();

function streamFor(zlib: ZlibModule, settings: CompressorSettings): ZlibStream {
  return new ZlibStream(zlib, "deflate", {
    windowBits: settings.windowBits,
    level: settings.level,
    memLevel: settings.memLevel,
  });
}

/**
 * Compress `payload` without context (the shared stream of `settings`);
 * returns a fresh copy without the 4-byte tail.
 *
 * @example
 * ```ts
 * declare const zlib: import("./zlib_stream.ts").ZlibModule;
 * declare const settings: CompressorSettings;
 * compressAlone(zlib, settings, new TextEncoder().encode("abcabcabc"));
 * ```
 */
export function compressAlone(zlib: ZlibModule, settings: CompressorSettings, payload: Uint8Array): Uint8Array {
  let stream = shared.get(settings.key);
  if (stream === undefined) shared.set(settings.key, stream = streamFor(zlib, settings));
  try {
    return withoutTail(stream.write(payload, false));
  } finally {
    stream.reset();
  }
}

// §7.2.1: a sync flush ends with an empty stored block, 00 00 ff ff; the receiver puts it back.
function withoutTail(output: Uint8Array): Uint8Array {
  const copy = output.slice(0, Math.max(0, output.length - 4));
  releaseScratch();
  return copy;
}

/**
 * One connection's compressor.
 *
 * @example
 * ```ts
 * declare const compressor: MessageCompressor;
 * compressor.compress(new Uint8Array(2048)); // a few bytes
 * ```
 */
export class MessageCompressor {
  readonly settings: CompressorSettings;
  readonly #zlib: ZlibModule;
  #own: ZlibStream | undefined;

  /** A compressor for one connection (its own stream only with context takeover, made on first use). */
  constructor(zlib: ZlibModule, settings: CompressorSettings) {
    this.#zlib = zlib;
    this.settings = settings;
  }

  /** The compressed payload (a fresh array, tail removed). */
  compress(payload: Uint8Array): Uint8Array {
    if (!this.settings.contextTakeover) return compressAlone(this.#zlib, this.settings, payload);
    const stream = this.#own ??= streamFor(this.#zlib, this.settings);
    return withoutTail(stream.write(payload, false));
  }

  /** Give the connection's own stream back (if it has one). */
  close(): void {
    this.#own?.close();
    this.#own = undefined;
  }
}
