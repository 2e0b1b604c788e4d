/**
 * The one owner of views on WASM memory, and a small allocator over it.
 * Views are re-taken whenever `memory.grow` has detached the old buffer;
 * blocks are recycled through per-size free lists (sizes here are few and
 * fixed: decoder states, read regions, descriptor tables, the encoder's scratch).
 *
 * @example
 * ```ts
 * import { WasmMemory } from "./wasm_memory.ts";
 * declare const instance: WebAssembly.Instance;
 * const memory = new WasmMemory(instance.exports.memory as WebAssembly.Memory, 1024);
 * const block = memory.alloc(4096);
 * memory.u8[block] = 1;
 * memory.free(block, 4096);
 * ```
 * @module
 */

const PAGE = 65536;

/**
 * Views and allocation over one `WebAssembly.Memory`.
 *
 * @example
 * ```ts
 * const memory = new WasmMemory(new WebAssembly.Memory({ initial: 1 }), 0);
 * const pointer = memory.alloc(16);
 * memory.view.setUint32(pointer, 7, true);
 * ```
 */
export class WasmMemory {
  readonly #memory: WebAssembly.Memory;
  #u8: Uint8Array;
  #view: DataView;
  #top: number;
  readonly #free = new Map<number, number[]>();

  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.#memory = memory;
    this.#u8 = new Uint8Array(memory.buffer);
    this.#view = new DataView(memory.buffer);
    this.#top = align(heapBase);
  }

  /** Bytes of the whole memory (re-taken after growth). */
  get u8(): Uint8Array {
    if (this.#u8.byteLength === 0) this.#retake();
    return this.#u8;
  }

  /** A DataView of the whole memory (re-taken after growth). */
  get view(): DataView {
    // Ask the Uint8Array: a DataView's byteLength throws once its buffer is detached.
    if (this.#u8.byteLength === 0) this.#retake();
    return this.#view;
  }

  /** A block of `size` bytes (16-byte aligned), recycled or new. */
  alloc(size: number): number {
    size = align(size);
    const recycled = this.#free.get(size)?.pop();
    if (recycled !== undefined) return recycled;
    const pointer = this.#top;
    const end = pointer + size;
    const have = this.#memory.buffer.byteLength;
    if (end > have) {
      this.#memory.grow(Math.ceil((end - have) / PAGE));
      this.#retake();
    }
    this.#top = end;
    return pointer;
  }

  /** Return a block from {@link WasmMemory.alloc} with the same `size`. */
  free(pointer: number, size: number): void {
    size = align(size);
    let list = this.#free.get(size);
    if (list === undefined) this.#free.set(size, list = []);
    list.push(pointer);
  }

  #retake(): void {
    this.#u8 = new Uint8Array(this.#memory.buffer);
    this.#view = new DataView(this.#memory.buffer);
  }
}

function align(n: number): number {
  return (n + 15) & ~15;
}
