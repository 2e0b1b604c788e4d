/**
 * What the WASM core exports, and the size of one read it parses: shared by
 * the codec's decoder and encoder, and by tests that call the core directly.
 *
 * @example
 * ```ts
 * import { READ_SIZE, type WasmExports } from "./wasm_exports.ts";
 * declare const instance: WebAssembly.Instance;
 * const wasm = instance.exports as unknown as WasmExports;
 * console.log(wasm.heapBase(), READ_SIZE);
 * ```
 * @module
 */

/**
 * Bytes one read may land in WASM memory.
 *
 * @example
 * ```ts
 * const region = new Uint8Array(READ_SIZE); // what a transport may fill in one read
 * ```
 */
export const READ_SIZE = 64 * 1024;

/**
 * The raw exports of wasm/assembly/index.ts.
 *
 * @example
 * ```ts
 * declare const wasm: WasmExports;
 * wasm.mask(wasm.heapBase(), 16, 0x12345678, 0); // unmask 16 bytes in place
 * ```
 */
export interface WasmExports {
  /** The core's one memory. */
  memory: WebAssembly.Memory;
  /** Where free memory starts (after the core's static data). */
  heapBase(): number;
  /** XOR `length` bytes in place with `key`, starting at key byte `phase`. */
  mask(pointer: number, length: number, key: number, phase: number): void;
  /** Mask while copying from `source` to `target`. */
  maskCopy(source: number, target: number, length: number, key: number, phase: number): void;
  /** Continue UTF-8 validation from `state` over the bytes; returns the new state. */
  utf8Validate(state: number, pointer: number, length: number): number;
  /** Set up a decoder state block. */
  decoderInit(state: number, flags: number, maxPayload: number, maxFragments: number): void;
  /** Parse bytes into descriptors in `table`; returns how many. */
  decode(state: number, input: number, length: number, table: number): number;
  /** Frame the `length` payload bytes at `out + ENCODE_HEADROOM` (masking them when `masked`); returns where the frame starts. */
  encodeFrame(out: number, length: number, first: number, masked: number, key: number): number;
}
