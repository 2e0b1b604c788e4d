/**
 * The {@link Codec} over the WASM core. Received bytes are read straight
 * into WASM memory, and one call parses every complete frame in them,
 * unmasking and UTF-8-checking payloads where they landed; the descriptor
 * table it writes is walked here to call the sink. A decoder keeps only its
 * small state block between reads: descriptor tables are lent per commit.
 *
 * @example
 * ```ts
 * import { createWasmCodec } from "./wasm_codec.ts";
 * declare const instance: WebAssembly.Instance;
 * const codec = createWasmCodec(instance);
 * const frame = codec.encoder("client").encodeText("hello"); // masked with a fresh key
 * ```
 * @module
 */

import * as abi from "./abi.ts";
import type { Codec, Decoder, DecoderOptions, Encoder, FrameSink } from "./mod.ts";
import { WasmMemory } from "./wasm_memory.ts";
import { JsMasker, MaskKeys } from "./mask_keys.ts";
import { FrameSlab } from "./frame_slab.ts";

/** Bytes one read may land in WASM memory. */
export const READ_SIZE = 64 * 1024;

/** Tuning of {@link createWasmCodec}. */
export interface WasmCodecOptions {
  /**
   * Client frames with fewer payload bytes are masked by a JS loop; longer
   * ones go through WASM in scratch-sized pieces. The default is the
   * crossover measured by scripts/bench/codec.ts (see BENCHMARKS.md).
   */
  jsMaskBelow?: number;
}

const JS_MASK_BELOW = 512;

/** The raw exports of wasm/assembly/index.ts. */
export interface WasmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  mask(pointer: number, length: number, key: number, phase: number): void;
  maskCopy(source: number, target: number, length: number, key: number, phase: number): void;
  utf8Validate(state: number, pointer: number, length: number): number;
  decoderInit(state: number, flags: number, maxPayload: number, maxFragments: number): void;
  decode(state: number, input: number, length: number, table: number): number;
  encodeFrame(out: number, length: number, first: number, masked: number, key: number): number;
}

/**
 * A Codec over an instantiated WASM core.
 *
 * @example
 * ```ts
 * declare const instance: WebAssembly.Instance;
 * const decoder = createWasmCodec(instance).decoder({ role: "server", maxPayload: 1 << 20, maxFragments: 1000 });
 * ```
 */
export function createWasmCodec(instance: WebAssembly.Instance, options: WasmCodecOptions = {}): Codec {
  const wasm = instance.exports as unknown as WasmExports;
  const memory = new WasmMemory(wasm.memory, wasm.heapBase());
  const scratch = memory.alloc(abi.ENCODE_HEADROOM + READ_SIZE);
  const keys = new MaskKeys();
  const masker = new JsMasker();
  const tables: number[] = [];
  const slab = new FrameSlab();
  const jsMaskBelow = options.jsMaskBelow ?? JS_MASK_BELOW;
  // Encoders keep no per-connection state: one per role serves every connection.
  const encoders = {
    client: new WasmEncoder(wasm, memory, scratch, slab, keys, masker, jsMaskBelow),
    server: new WasmEncoder(wasm, memory, scratch, slab, undefined, masker, jsMaskBelow),
  };
  return {
    decoder: (options) => new WasmDecoder(wasm, memory, tables, options),
    encoder: (role) => encoders[role],
  };
}

class WasmDecoder implements Decoder {
  readonly #wasm: WasmExports;
  readonly #memory: WasmMemory;
  /** Spare descriptor tables, shared by the codec's decoders: a commit takes one and gives it back after delivery. */
  readonly #tables: number[];
  readonly #maxPayload: number;
  readonly #maxFragments: number;
  // Held only while a frame or a fragmented message is unfinished: between
  // messages a decoder knows nothing a fresh one would not, and a server's
  // idle connections are many.
  #state = 0;
  #region = 0;
  #flags: number;
  #depth = 0;
  #dead = false;

  constructor(wasm: WasmExports, memory: WasmMemory, tables: number[], options: DecoderOptions) {
    this.#wasm = wasm;
    this.#memory = memory;
    this.#tables = tables;
    this.#maxPayload = options.maxPayload;
    this.#maxFragments = options.maxFragments;
    this.#flags = (options.role === "server" ? abi.FLAG_SERVER : 0) | (options.allowRsv1 ? abi.FLAG_ALLOW_RSV1 : 0);
  }

  /** Always {@link READ_SIZE} bytes: larger pushes are split. */
  reserve(): Uint8Array {
    if (this.#region === 0) this.#region = this.#memory.alloc(READ_SIZE);
    return this.#memory.u8.subarray(this.#region, this.#region + READ_SIZE);
  }

  commit(n: number, sink: FrameSink): void {
    const region = this.#region;
    if (region === 0) return;
    // Detach first: a sink call may reserve the next read while this region is still parsed.
    this.#region = 0;
    try {
      this.#run(region, n, sink);
    } finally {
      this.#memory.free(region, READ_SIZE);
    }
  }

  push(bytes: Uint8Array, sink: FrameSink): void {
    for (let offset = 0; offset < bytes.length && !this.#dead; offset += READ_SIZE) {
      const chunk = bytes.subarray(offset, offset + READ_SIZE);
      this.reserve().set(chunk);
      this.commit(chunk.length, sink);
    }
  }

  setAllowRsv1(allow: boolean): void {
    this.#flags = allow ? this.#flags | abi.FLAG_ALLOW_RSV1 : this.#flags & ~abi.FLAG_ALLOW_RSV1;
    if (this.#state === 0) return;
    const view = this.#memory.view;
    const current = view.getUint32(this.#state + abi.STATE_FLAGS, true);
    view.setUint32(
      this.#state + abi.STATE_FLAGS,
      (current & ~abi.FLAG_ALLOW_RSV1) | (this.#flags & abi.FLAG_ALLOW_RSV1),
      true,
    );
  }

  dispose(): void {
    if (this.#dead && this.#state === 0 && this.#region === 0) return;
    if (this.#region !== 0) this.#memory.free(this.#region, READ_SIZE);
    if (this.#state !== 0) this.#memory.free(this.#state, abi.STATE_SIZE);
    this.#state = 0;
    this.#region = 0;
    this.#dead = true;
  }

  #run(input: number, length: number, sink: FrameSink): void {
    if (this.#dead) return;
    if (this.#state === 0) {
      this.#state = this.#memory.alloc(abi.STATE_SIZE);
      this.#wasm.decoderInit(this.#state, this.#flags, this.#maxPayload, this.#maxFragments);
    }
    const state = this.#state;
    this.#depth++;
    // A table of this commit's own, not the decoder's: idle decoders hold none, and a sink
    // call that commits (to this decoder or another) takes another, so the one being walked
    // stays intact until this delivery ends. The codec only ever holds as many tables as
    // commits were nested at once.
    const tables = this.#tables;
    const table = tables.pop() ?? this.#memory.alloc(abi.DESCRIPTOR_TABLE_SIZE);
    try {
      let offset = 0;
      while (offset < length && !this.#dead) {
        const count = this.#wasm.decode(state, input + offset, length - offset, table);
        offset += this.#memory.view.getUint32(state + abi.STATE_CONSUMED, true);
        this.#deliver(table, count, sink);
      }
    } finally {
      tables.push(table);
      // An error the WASM side found but a throwing sink never heard of still kills the decoder.
      if (this.#state !== 0 && (this.#memory.view.getUint32(state + abi.STATE_FLAGS, true) & abi.FLAG_DEAD) !== 0) {
        this.#dead = true;
      }
      // Only the outermost run may let the state go: a sink call can feed this decoder again.
      if (--this.#depth === 0 && this.#state !== 0 && (this.#dead || this.#atRest())) {
        this.#memory.free(this.#state, abi.STATE_SIZE);
        this.#state = 0;
      }
    }
  }

  /** Between messages: no header half read, no frame or fragmented message open. */
  #atRest(): boolean {
    const view = this.#memory.view;
    const state = this.#state;
    return view.getUint32(state + abi.STATE_PHASE, true) === abi.PHASE_HEADER &&
      view.getUint32(state + abi.STATE_CARRY_LENGTH, true) === 0 &&
      view.getUint32(state + abi.STATE_MESSAGE_OPCODE, true) === 0;
  }

  #deliver(table: number, count: number, sink: FrameSink): void {
    for (let i = 0; i < count; i++) {
      // Re-read the views each time: a sink call may have grown memory.
      const view = this.#memory.view;
      const d = table + i * abi.DESCRIPTOR_SIZE;
      const word = view.getUint32(d + abi.DESC_KIND, true);
      const kind = word & 0xff;
      if (kind === abi.KIND_ERROR) {
        this.#dead = true;
        sink.error(view.getUint32(d + abi.DESC_ERROR, true));
        return;
      }
      const pointer = view.getUint32(d + abi.DESC_POINTER, true);
      const bytes = this.#memory.u8.subarray(pointer, pointer + view.getUint32(d + abi.DESC_LENGTH, true));
      if (kind === abi.KIND_DATA) {
        const flags = word >>> 16;
        sink.data(
          bytes,
          (flags & abi.PIECE_TEXT) !== 0,
          (flags & abi.PIECE_FIRST) !== 0,
          (flags & abi.PIECE_LAST) !== 0,
          view.getUint32(d + abi.DESC_REMAINING, true),
        );
      } else {
        sink.control((word >>> 8) & 0xff, bytes);
      }
      if (this.#dead) return;
    }
  }
}

class WasmEncoder implements Encoder {
  readonly #wasm: WasmExports;
  readonly #memory: WasmMemory;
  readonly #scratch: number;
  readonly #slab: FrameSlab;
  readonly #keys: MaskKeys | undefined;
  readonly #masker: JsMasker;
  readonly #jsMaskBelow: number;

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

  encode(opcode: number, payload: Uint8Array, fin = true, rsv1 = false): Uint8Array {
    const first = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
    const length = payload.length;
    const masked = this.#keys !== undefined;
    const key = masked ? this.#keys!.next() : 0;
    const headerLength = (length < 126 ? 2 : length < 65536 ? 4 : 10) + (masked ? 4 : 0);
    const frame = this.#slab.take(headerLength + length);
    writeHeader(frame, first, length, masked, key);
    if (!masked) {
      frame.set(payload, headerLength);
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

  encodeText(text: string): Uint8Array {
    // Worst case 3 bytes per UTF-16 unit; longer text goes through encode().
    if (text.length * 3 > READ_SIZE) return this.encode(0x1, textEncoder.encode(text));
    const scratch = this.#scratch;
    const payload = scratch + abi.ENCODE_HEADROOM;
    const u8 = this.#memory.u8;
    const { written } = textEncoder.encodeInto(text, u8.subarray(payload, payload + READ_SIZE));
    const masked = this.#keys !== undefined;
    const start = this.#wasm.encodeFrame(scratch, written, 0x81, masked ? 1 : 0, masked ? this.#keys!.next() : 0);
    const frame = this.#slab.take(payload + written - start);
    frame.set(this.#memory.u8.subarray(start, payload + written));
    return frame;
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
    new DataView(frame.buffer, frame.byteOffset, 10).setBigUint64(2, BigInt(length));
    p = 10;
  }
  if (masked) {
    frame[p] = key & 0xff;
    frame[p + 1] = (key >>> 8) & 0xff;
    frame[p + 2] = (key >>> 16) & 0xff;
    frame[p + 3] = key >>> 24;
  }
}
