/**
 * The {@link Codec} over the WASM core: one memory, one scratch region, one
 * encoder per role shared by every connection, and a decoder per connection
 * (`wasm_decoder.ts`, `wasm_encoder.ts`).
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
import type { Codec } from "./mod.ts";
import { WasmMemory } from "./wasm_memory.ts";
import { JsMasker, MaskKeys } from "./mask_keys.ts";
import { FrameSlab } from "./frame_slab.ts";
import { WasmDecoder } from "./wasm_decoder.ts";
import { WasmEncoder } from "./wasm_encoder.ts";
import { WasmUtf8Check } from "./utf8_check.ts";
import { READ_SIZE, type WasmExports } from "./wasm_exports.ts";

export { READ_SIZE, type WasmExports } from "./wasm_exports.ts";

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
// JavaScriptCore (Bun) makes a small typed array in its own heap in ~5 ns and a
// view of a slab in ~35 ns; fresh arrays win up to ~300 bytes. V8 puts every
// array above 64 bytes off-heap at ~0.3-0.8 µs, so there slabs serve all sizes.
const FRESH_FRAMES_BELOW = "Bun" in globalThis ? 256 : 0;

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
  const slab = new FrameSlab(FRESH_FRAMES_BELOW);
  const jsMaskBelow = options.jsMaskBelow ?? JS_MASK_BELOW;
  // Encoders keep no per-connection state: one per role serves every connection.
  const encoders = {
    client: new WasmEncoder(wasm, memory, scratch, slab, keys, masker, jsMaskBelow),
    server: new WasmEncoder(wasm, memory, scratch, slab, undefined, masker, jsMaskBelow),
  };
  return {
    decoder: (options) => new WasmDecoder(wasm, memory, tables, options),
    encoder: (role) => encoders[role],
    // The encoder's scratch serves too: every use of it is synchronous.
    utf8Check: () => new WasmUtf8Check(wasm, memory, scratch + abi.ENCODE_HEADROOM),
  };
}
