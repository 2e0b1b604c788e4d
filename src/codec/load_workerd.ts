/**
 * workerd's way to load the WASM core: it refuses to compile bytes at run
 * time, so the `.wasm` is imported as a module (its default export is a
 * compiled `WebAssembly.Module`) and handed to the loader. Only the npm
 * build's `workerd` entry imports this file; Deno cannot type-check the import.
 *
 * @example
 * ```ts
 * import "./load_workerd.ts"; // before anything opens a socket
 * ```
 * @module
 */

// @ts-ignore: workerd (and bundlers targeting it) resolve .wasm imports to a WebAssembly.Module.
import wasmModule from "./_wasm.wasm";
import { provideWasmModule } from "./load.ts";

provideWasmModule(wasmModule as WebAssembly.Module);
