// Test helper, not a test: a permessage-deflate peer built on node:zlib's
// public API alone (independent of src/extensions/): it compresses as RFC
// 7692 §7.2.1 says (sync flush, tail removed) and inflates what we send.
import * as zlib from "node:zlib";

const SYNC = zlib.constants.Z_SYNC_FLUSH;
const TAIL = [0x00, 0x00, 0xff, 0xff];

/** RFC 7692 §7.2.3 examples: compressed payloads of "Hello" (the tail removed). */
export const RFC_HELLO = {
  /** §7.2.3.1 one compressed message. */
  single: Uint8Array.of(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00),
  /** §7.2.3.2 the same message again, sharing the LZ77 window with the one before. */
  shared: Uint8Array.of(0xf2, 0x00, 0x11, 0x00, 0x00),
  /** §7.2.3.3 a DEFLATE block with no compression. */
  stored: Uint8Array.of(0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00),
  /** §7.2.3.4 a block with BFINAL set. */
  bfinal: Uint8Array.of(0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00),
  /** §7.2.3.5 two DEFLATE blocks in one message. */
  twoBlocks: Uint8Array.of(0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00),
};

/** Compress one message on its own (no context), the tail removed. */
export function deflateAlone(payload: Uint8Array | string, windowBits = 15): Uint8Array {
  const bytes = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  const out = zlib.deflateRawSync(bytes, { finishFlush: SYNC, windowBits: Math.max(9, windowBits) });
  assertTail(out);
  return new Uint8Array(out.subarray(0, out.length - 4));
}

function assertTail(out: Uint8Array): void {
  const tail = [...out.subarray(out.length - 4)];
  if (tail.join() !== TAIL.join()) throw new Error(`a sync flush ended with ${tail}, not 00 00 ff ff`);
}

/** A compressor keeping its window across messages (context takeover), through zlib's stream API. */
export class ContextDeflater {
  readonly #stream: zlib.DeflateRaw;
  #chunks: Uint8Array[] = [];

  constructor(windowBits = 15) {
    this.#stream = zlib.createDeflateRaw({ windowBits: Math.max(9, windowBits) });
    this.#stream.on("data", (chunk: Uint8Array) => this.#chunks.push(chunk));
  }

  async compress(payload: Uint8Array | string): Promise<Uint8Array> {
    this.#stream.write(typeof payload === "string" ? new TextEncoder().encode(payload) : payload);
    await new Promise<void>((resolve) => this.#stream.flush(SYNC, () => resolve()));
    const out = new Uint8Array(this.#chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of this.#chunks) out.set(chunk, (at += chunk.length) - chunk.length);
    this.#chunks = [];
    assertTail(out);
    return out.subarray(0, out.length - 4);
  }

  close(): void {
    this.#stream.close();
  }
}

/**
 * Inflates the messages we send, in order: with context takeover the
 * messages so far (each with its tail put back) are one DEFLATE stream, so
 * the newest message is what inflating them all adds at the end.
 */
export class PeerInflater {
  #stream: number[] = [];
  #before = 0;
  readonly #contextTakeover: boolean;
  readonly #windowBits: number;
  readonly #chunkSize: number | undefined;

  /**
   * `strictWindow`: inflate in 64-byte pieces, so that back-references reach
   * only into the `windowBits` window (inflating into one large buffer would
   * reach back into it, hiding a distance the agreed window does not allow).
   */
  constructor(contextTakeover: boolean, windowBits = 15, strictWindow = false) {
    this.#contextTakeover = contextTakeover;
    this.#windowBits = windowBits;
    this.#chunkSize = strictWindow ? 64 : undefined;
  }

  inflate(payload: Uint8Array): Uint8Array {
    if (!this.#contextTakeover) this.#stream = [];
    this.#stream.push(...payload, ...TAIL);
    const all = zlib.inflateRawSync(Uint8Array.from(this.#stream), {
      finishFlush: SYNC,
      windowBits: this.#windowBits,
      chunkSize: this.#chunkSize,
    });
    const before = this.#contextTakeover ? this.#before : 0;
    this.#before = all.length;
    return new Uint8Array(all.subarray(before));
  }
}
