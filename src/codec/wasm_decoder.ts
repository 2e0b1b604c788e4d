/**
 * A decoder over the WASM core. Received bytes are read straight into WASM
 * memory, and one call parses every complete frame in them, unmasking and
 * UTF-8-checking payloads where they landed; the descriptor table it writes
 * is walked here to call the sink. Between messages a decoder holds no WASM
 * memory: its state block is taken for an unfinished frame or message only,
 * and descriptor tables are lent per commit.
 *
 * @example
 * ```ts
 * import { WasmDecoder } from "./wasm_decoder.ts";
 * import type { WasmExports } from "./wasm_exports.ts";
 * import type { WasmMemory } from "./wasm_memory.ts";
 * declare const wasm: WasmExports;
 * declare const memory: WasmMemory;
 * const decoder = new WasmDecoder(wasm, memory, [], { role: "server", maxPayload: 1 << 20, maxFragments: 1000 });
 * ```
 * @module
 */

import * as abi from "./abi.ts";
import { copyOf } from "../bytes/small_copy.ts";
import { frameErrorOf } from "./frame_errors.ts";
import { type Decoder, type DecoderOptions, type FrameSink, MAX_FRAGMENTS, MAX_PAYLOAD } from "./mod.ts";
import type { WasmMemory } from "./wasm_memory.ts";
import { READ_SIZE, type WasmExports } from "./wasm_exports.ts";
import { IN_PLACE_MIN, InPlaceReader } from "./in_place.ts";

// Shorter runs of payload are cheaper to copy into WASM memory than to check for.
const PASS_THROUGH_MIN = 4096;
// The piece flags of a message that is whole, binary and not compressed.
const WHOLE_BINARY_MASK = abi.PIECE_FIRST | abi.PIECE_LAST | abi.PIECE_TEXT | abi.PIECE_COMPRESSED;
const WHOLE_BINARY = abi.PIECE_FIRST | abi.PIECE_LAST;

/**
 * One connection's decoder.
 *
 * @example
 * ```ts
 * import type { FrameSink } from "./mod.ts";
 * declare const decoder: WasmDecoder;
 * declare const sink: FrameSink;
 * const region = decoder.reserve(); // a transport reads into this
 * region.set([0x81, 0x02, 0x68, 0x69]);
 * decoder.commit(4, sink); // sink.onData("hi" bytes, text, first, last)
 * ```
 */
export class WasmDecoder implements Decoder {
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
  // The owned read being pushed, while it is.
  #inPlace: InPlaceReader | undefined;

  /** A decoder on `memory`, borrowing descriptor tables from the codec's shared `tables`. */
  constructor(wasm: WasmExports, memory: WasmMemory, tables: number[], options: DecoderOptions) {
    this.#wasm = wasm;
    this.#memory = memory;
    this.#tables = tables;
    // The WASM side compares f64 lengths (exact below 2^53) and holds the fragment count in a u32.
    this.#maxPayload = Math.min(options.maxPayload, MAX_PAYLOAD);
    this.#maxFragments = Math.min(options.maxFragments, MAX_FRAGMENTS);
    this.#flags = (options.role === "server" ? abi.FLAG_SERVER : 0) | (options.allowRsv1 ? abi.FLAG_ALLOW_RSV1 : 0);
  }

  /** Always {@link READ_SIZE} bytes: larger pushes are split. */
  reserve(): Uint8Array {
    if (this.#region === 0) this.#region = this.#memory.alloc(READ_SIZE);
    return this.#memory.u8.subarray(this.#region, this.#region + READ_SIZE);
  }

  /** `n` bytes landed in the reserved region: parse and deliver them (see {@link Decoder.commit}). */
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

  /**
   * Bytes from a buffer the transport owns: copied in, a read's worth at a
   * time, except the middle of a long frame that needs nothing from WASM.
   * `owned`: the caller gives `bytes` away (nobody else holds or reuses
   * them), so a large binary message may be kept in them (see `in_place.ts`).
   */
  push(bytes: Uint8Array, sink: FrameSink, owned = false): void {
    let offset = bytes.length > PASS_THROUGH_MIN ? this.#passThrough(bytes, sink) : 0;
    // Only a read that may hold a large message is worth watching.
    const inPlace = owned && bytes.length >= IN_PLACE_MIN ? new InPlaceReader(bytes) : undefined;
    this.#inPlace = inPlace;
    try {
      while (offset < bytes.length && !this.#dead) {
        const end = Math.min(offset + READ_SIZE, bytes.length);
        this.reserve().set(offset === 0 && end === bytes.length ? bytes : bytes.subarray(offset, end));
        if (inPlace !== undefined) inPlace.base = offset;
        this.commit(end - offset, sink);
        offset = end;
      }
    } finally {
      this.#inPlace = undefined;
    }
    inPlace?.finish(sink);
  }

  /**
   * Hand on the open data frame's payload from `bytes` where it lies when
   * WASM would only copy it: unmasked (what a client receives) and binary or
   * compressed (no UTF-8 to check before inflating). A client reading a large
   * message through a runtime that owns its buffers (Bun) saves a copy of it.
   * The frame's last byte is left to the parser, so that only the parser ends
   * frames and messages. Returns how many bytes were delivered.
   */
  #passThrough(bytes: Uint8Array, sink: FrameSink): number {
    const state = this.#state;
    if (state === 0 || this.#dead) return 0;
    const view = this.#memory.view;
    if (view.getUint32(state + abi.STATE_PHASE, true) !== abi.PHASE_DATA) return 0;
    if ((view.getUint32(state + abi.STATE_FRAME, true) & abi.FRAME_MASKED) !== 0) return 0;
    const opcode = view.getUint32(state + abi.STATE_MESSAGE_OPCODE, true);
    const compressed = view.getUint32(state + abi.STATE_COMPRESSED, true) !== 0;
    if (opcode !== 2 && !compressed) return 0;
    const remaining = view.getFloat64(state + abi.STATE_REMAINING, true);
    const n = Math.min(remaining - 1, bytes.length);
    if (n < PASS_THROUGH_MIN) return 0;
    const first = view.getUint32(state + abi.STATE_FIRST_PENDING, true) !== 0;
    view.setUint32(state + abi.STATE_FIRST_PENDING, 0, true);
    view.setFloat64(state + abi.STATE_REMAINING, remaining - n, true);
    const left = Math.min(remaining - n, 0xffffffff);
    sink.onData(bytes.subarray(0, n), opcode === 1, first, false, left, compressed);
    return n;
  }

  /** Accept RSV1 from now on (an extension was agreed); applied to the state block when one is held. */
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

  /** Give back everything held; later input is ignored. */
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
        this.#deliver(table, count, sink, input);
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

  /** A binary piece of an owned read: see {@link InPlaceReader.piece}. */
  #gather(
    sink: FrameSink,
    flags: number,
    pointer: number,
    end: number,
    region: number,
    remaining: number,
  ): Uint8Array | null | undefined {
    // A first piece that is not the last ends the parsed input, so the state is still at its frame.
    const fin = (flags & abi.PIECE_LAST) !== 0 ||
      (remaining > 0 && (this.#memory.view.getUint32(this.#state + abi.STATE_FRAME, true) & abi.FRAME_FIN) !== 0);
    return this.#inPlace!.piece(sink, this.#memory.u8, pointer, end, region, flags, remaining, fin);
  }

  #deliver(table: number, count: number, sink: FrameSink, region: number): void {
    for (let i = 0; i < count; i++) {
      // Re-read the views each time: a sink call may have grown memory.
      const view = this.#memory.view;
      const d = table + i * abi.DESCRIPTOR_SIZE;
      const word = view.getUint32(d + abi.DESC_KIND, true);
      const kind = word & abi.DESC_KIND_MASK;
      if (kind === abi.KIND_ERROR) {
        this.#dead = true;
        sink.onError(frameErrorOf(view.getUint32(d + abi.DESC_ERROR, true)));
        return;
      }
      const pointer = view.getUint32(d + abi.DESC_POINTER, true);
      const end = pointer + view.getUint32(d + abi.DESC_LENGTH, true);
      if (kind === abi.KIND_DATA) {
        const flags = word >>> abi.DESC_FLAGS_SHIFT;
        const inPlace = this.#inPlace;
        const remaining = inPlace === undefined ? 0 : view.getUint32(d + abi.DESC_REMAINING, true);
        if (
          inPlace !== undefined && (flags & (abi.PIECE_TEXT | abi.PIECE_COMPRESSED)) === 0 &&
          inPlace.wants((flags & abi.PIECE_FIRST) !== 0, end - pointer, remaining)
        ) {
          const message = this.#gather(sink, flags, pointer, end, region, remaining);
          if (message === null) continue;
          if (message !== undefined) {
            sink.onData(message, false, true, true, 0, false);
            if (this.#dead) return;
            continue;
          }
        }
        // A whole binary message is the sink's to keep: one slice, where a view and a copy of it would be two arrays.
        const bytes = (flags & WHOLE_BINARY_MASK) === WHOLE_BINARY
          ? copyOf(this.#memory.u8, pointer, end)
          : this.#memory.u8.subarray(pointer, end);
        sink.onData(
          bytes,
          (flags & abi.PIECE_TEXT) !== 0,
          (flags & abi.PIECE_FIRST) !== 0,
          (flags & abi.PIECE_LAST) !== 0,
          view.getUint32(d + abi.DESC_REMAINING, true),
          (flags & abi.PIECE_COMPRESSED) !== 0,
        );
      } else {
        sink.onControl((word >>> abi.DESC_OPCODE_SHIFT) & 0xff, this.#memory.u8.subarray(pointer, end));
      }
      if (this.#dead) return;
    }
  }
}
