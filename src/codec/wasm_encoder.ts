/**
 * An encoder over the WASM core. Server frames are copied behind their
 * header; client frames are masked with fresh keys, by a JS loop when short
 * and through WASM memory when long. Encoders hold no per-connection state.
 *
 * @example
 * ```ts
 * import { WasmEncoder } from "./wasm_encoder.ts";
 * declare const encoder: WasmEncoder;
 * const frame = encoder.encode(0x2, new Uint8Array([1, 2, 3]));
 * ```
 * @module
 */

import * as abi from "./abi.ts";
import { copyInto } from "../bytes/small_copy.ts";
import type { Encoder } from "./mod.ts";
import type { WasmMemory } from "./wasm_memory.ts";
import type { JsMasker, MaskKeys } from "./mask_keys.ts";
import type { FrameSlab } from "./frame_slab.ts";
import { READ_SIZE, type WasmExports } from "./wasm_exports.ts";

/**
 * The encoder of one role (client frames masked, server frames not).
 *
 * @example
 * ```ts
 * declare const encoder: WasmEncoder;
 * const frame = encoder.encodeText("hello");
 * ```
 */
export class WasmEncoder implements Encoder {
  readonly #wasm: WasmExports;
  readonly #memory: WasmMemory;
  readonly #scratch: number;
  readonly #slab: FrameSlab;
  readonly #keys: MaskKeys | undefined;
  readonly #masker: JsMasker;
  readonly #jsMaskBelow: number;
  /** Payload bytes of the frame the last call returned. */
  payloadLength = 0;

  /** An encoder writing through `memory`'s scratch region; `keys` given means client frames, masked. */
  constructor(
    wasm: WasmExports,
    memory: WasmMemory,
    scratch: number,
    slab: FrameSlab,
    keys: MaskKeys | undefined,
    masker: JsMasker,
    jsMaskBelow: number,
  ) {
    this.#wasm = wasm;
    this.#memory = memory;
    this.#scratch = scratch;
    this.#slab = slab;
    this.#keys = keys;
    this.#masker = masker;
    this.#jsMaskBelow = jsMaskBelow;
  }

  /** One frame around `payload`, masked in the client role. */
  encode(opcode: number, payload: Uint8Array, fin = true, rsv1 = false): Uint8Array {
    const first = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
    const length = payload.length;
    this.payloadLength = length;
    const masked = this.#keys !== undefined;
    const key = masked ? this.#keys!.next() : 0;
    const headerLength = (length < 126 ? 2 : length < 65536 ? 4 : 10) + (masked ? 4 : 0);
    const frame = this.#slab.take(headerLength + length);
    writeHeader(frame, first, length, masked, key);
    if (!masked) {
      copyInto(frame, headerLength, payload);
    } else if (length < this.#jsMaskBelow) {
      this.#masker.maskInto(payload, frame, headerLength, key);
    } else {
      // Through WASM in scratch-sized pieces: SIMD masking beats a JS loop even with the copies.
      const scratch = this.#scratch + abi.ENCODE_HEADROOM;
      for (let offset = 0; offset < length; offset += READ_SIZE) {
        const piece = payload.subarray(offset, offset + READ_SIZE);
        this.#memory.u8.set(piece, scratch);
        this.#wasm.mask(scratch, piece.length, key, offset & 3);
        frame.set(this.#memory.u8.subarray(scratch, scratch + piece.length), headerLength + offset);
      }
    }
    return frame;
  }

  /** A text frame, encoded as UTF-8 straight into WASM memory when it fits the scratch region. */
  encodeText(text: string): Uint8Array {
    // Worst case 3 bytes per UTF-16 unit; longer text goes through encode().
    if (text.length * 3 > READ_SIZE) return this.encode(0x1, textEncoder.encode(text));
    const scratch = this.#scratch;
    const payload = scratch + abi.ENCODE_HEADROOM;
    const u8 = this.#memory.u8;
    const { written } = textEncoder.encodeInto(text, u8.subarray(payload, payload + READ_SIZE));
    this.payloadLength = written;
    const masked = this.#keys !== undefined;
    const start = this.#wasm.encodeFrame(scratch, written, 0x81, masked ? 1 : 0, masked ? this.#keys!.next() : 0);
    return this.#slab.copy(this.#memory.u8, start, payload + written);
  }
}

const textEncoder = new TextEncoder();

/** Write a frame header at the start of `frame` (RFC 6455 §5.2). */
function writeHeader(frame: Uint8Array, first: number, length: number, masked: boolean, key: number): void {
  frame[0] = first;
  const maskBit = masked ? 0x80 : 0;
  let p: number;
  if (length < 126) {
    frame[1] = maskBit | length;
    p = 2;
  } else if (length < 65536) {
    frame[1] = maskBit | 126;
    frame[2] = length >>> 8;
    frame[3] = length & 0xff;
    p = 4;
  } else {
    frame[1] = maskBit | 127;
    // Two 32-bit halves: no BigInt (1.8% of a Bun echo server's time at 1 MiB). Lengths stay below 2^53.
    const high = Math.floor(length / 0x100000000);
    frame[2] = high >>> 24;
    frame[3] = (high >>> 16) & 0xff;
    frame[4] = (high >>> 8) & 0xff;
    frame[5] = high & 0xff;
    frame[6] = length >>> 24;
    frame[7] = (length >>> 16) & 0xff;
    frame[8] = (length >>> 8) & 0xff;
    frame[9] = length & 0xff;
    p = 10;
  }
  if (masked) {
    frame[p] = key & 0xff;
    frame[p + 1] = (key >>> 8) & 0xff;
    frame[p + 2] = (key >>> 16) & 0xff;
    frame[p + 3] = key >>> 24;
  }
}
