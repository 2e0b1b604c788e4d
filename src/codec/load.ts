/**
 * Instantiate the WASM core once per process. Deno, Bun and Node compile the
 * embedded bytes; workerd forbids compiling bytes at run time, so its entry
 * point imports the `.wasm` as a module and hands it over with
 * {@link provideWasmModule} before anything loads. The embedded bytes are
 * imported lazily, so workerd never even loads them.
 *
 * @example
 * ```ts
 * import { loadCodec } from "./load.ts";
 * const codec = await loadCodec();
 * const decoder = codec.decoder({ role: "client", maxPayload: 1 << 20, maxFragments: 1000 });
 * ```
 * @module
 */

import type { Codec } from "./mod.ts";
import { createWasmCodec } from "./wasm_codec.ts";

let provided: WebAssembly.Module | undefined;
let codec: Promise<Codec> | undefined;
let loaded: Codec | undefined;

/**
 * Use an already compiled module (workerd's way) instead of the embedded bytes.
 *
 * @example
 * ```ts
 * declare const module: WebAssembly.Module;
 * provideWasmModule(module);
 * ```
 */
export function provideWasmModule(module: WebAssembly.Module): void {
  provided = module;
}

/**
 * The process-wide WASM codec.
 *
 * @example
 * ```ts
 * const encoder = (await loadCodec()).encoder("server");
 * ```
 */
export function loadCodec(): Promise<Codec> {
  return codec ??= instantiate().then((made) => loaded = made);
}

/**
 * The process-wide WASM codec if {@link loadCodec} has finished loading it:
 * a server that loaded it before listening opens each socket without a
 * promise.
 *
 * @example
 * ```ts
 * await loadCodec();
 * console.log(loadedCodec() !== undefined); // true
 * ```
 */
export function loadedCodec(): Codec | undefined {
  return loaded;
}

async function instantiate(): Promise<Codec> {
  return createWasmCodec(await instantiateCore());
}

/**
 * A fresh instance of the core with its own memory. The codec uses one; tests
 * and benchmarks take their own to reach the raw exports without disturbing it.
 *
 * @example
 * ```ts
 * const instance = await instantiateCore();
 * console.log(Object.keys(instance.exports));
 * ```
 */
export async function instantiateCore(): Promise<WebAssembly.Instance> {
  const module = provided ?? await WebAssembly.compile(await embeddedBytes());
  return await WebAssembly.instantiate(module, {});
}

async function embeddedBytes(): Promise<Uint8Array<ArrayBuffer>> {
  const { WASM_BASE64, WASM_RELAXED_BASE64 } = await import("./_wasm_bytes.ts");
  // Relaxed SIMD: Node 22+, Deno, Bun; Node 20 refuses it and gets the
  // plain build, which gives the same results, only slower on UTF-8 checks.
  const relaxed = decode(WASM_RELAXED_BASE64);
  return WebAssembly.validate(relaxed) ? relaxed : decode(WASM_BASE64);
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
