/**
 * Incremental UTF-8 validation over the WASM core's automaton, for bytes
 * that never passed through the frame parser (inflated permessage-deflate
 * text): copied into the codec's scratch region a piece at a time.
 *
 * @example
 * ```ts
 * import { WasmUtf8Check } from "./utf8_check.ts";
 * import type { WasmExports } from "./wasm_exports.ts";
 * import type { WasmMemory } from "./wasm_memory.ts";
 * declare const wasm: WasmExports;
 * declare const memory: WasmMemory;
 * declare const scratch: number;
 * const check = new WasmUtf8Check(wasm, memory, scratch);
 * check.update(Uint8Array.of(0xe2, 0x82)); // true: a sequence may still be open
 * check.finish(); // false: it was never completed
 * ```
 * @module
 */

import * as abi from "./abi.ts";
import type { Utf8Check } from "./mod.ts";
import type { WasmMemory } from "./wasm_memory.ts";
import { READ_SIZE, type WasmExports } from "./wasm_exports.ts";

/**
 * One text message's validation state.
 *
 * @example
 * ```ts
 * declare const check: WasmUtf8Check;
 * check.update(new TextEncoder().encode("héllo")) && check.finish(); // true
 * ```
 */
export class WasmUtf8Check implements Utf8Check {
  readonly #wasm: WasmExports;
  readonly #memory: WasmMemory;
  readonly #scratch: number;
  #state: number = abi.UTF8_ACCEPT;

  /** A check using `scratch` (at least READ_SIZE bytes of `memory`). */
  constructor(wasm: WasmExports, memory: WasmMemory, scratch: number) {
    this.#wasm = wasm;
    this.#memory = memory;
    this.#scratch = scratch;
  }

  /** Continue over `bytes`; false as soon as they cannot be UTF-8. */
  update(bytes: Uint8Array): boolean {
    for (let offset = 0; offset < bytes.length && this.#state !== abi.UTF8_REJECT; offset += READ_SIZE) {
      const piece = bytes.subarray(offset, offset + READ_SIZE);
      this.#memory.u8.set(piece, this.#scratch);
      this.#state = this.#wasm.utf8Validate(this.#state, this.#scratch, piece.length);
    }
    return this.#state !== abi.UTF8_REJECT;
  }

  /** The text ended: false when a sequence is left open (or was rejected). */
  finish(): boolean {
    return this.#state === abi.UTF8_ACCEPT;
  }
}
