// RFC 6455 §5.3 masking in the WASM core, against a scalar reference: every
// length 0–300, every key phase, every alignment, in place and copying.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { instantiateCore } from "../../src/codec/load.ts";
import type { WasmExports } from "../../src/codec/wasm_codec.ts";

const wasm = (await instantiateCore()).exports as unknown as WasmExports;
const base = wasm.heapBase();
if (wasm.memory.buffer.byteLength < base + 4096) wasm.memory.grow(1);

function scalar(bytes: Uint8Array, key: Uint8Array, phase: number): Uint8Array {
  return bytes.map((b, i) => b ^ key[(phase + i) & 3]);
}

function keyNumber(key: Uint8Array): number {
  return (key[0] | (key[1] << 8) | (key[2] << 16) | (key[3] << 24)) >>> 0;
}

describe("RFC 6455 §5.3 masking", () => {
  it("matches the scalar reference for every length 0–300, phase and alignment (in place)", () => {
    const key = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);
    const source = crypto.getRandomValues(new Uint8Array(300));
    for (let length = 0; length <= 300; length++) {
      for (let phase = 0; phase < 4; phase++) {
        for (let align = 0; align < 16; align += length > 64 ? 5 : 1) {
          const memory = new Uint8Array(wasm.memory.buffer);
          const at = base + align;
          memory.set(source.subarray(0, length), at);
          memory[at + length] = 0xaa; // a guard byte that must survive
          wasm.mask(at, length, keyNumber(key), phase);
          const want = scalar(source.subarray(0, length), key, phase);
          assert.deepEqual(memory.slice(at, at + length), want, `length ${length} phase ${phase} align ${align}`);
          assert.equal(memory[at + length], 0xaa, "no byte past the end is touched");
        }
      }
    }
  });

  it("maskCopy writes source XOR key to another place and leaves the source alone", () => {
    const key = new Uint8Array([1, 2, 3, 4]);
    const source = crypto.getRandomValues(new Uint8Array(1000));
    const memory = new Uint8Array(wasm.memory.buffer);
    memory.set(source, base + 3);
    wasm.maskCopy(base + 3, base + 2048 + 7, 1000, keyNumber(key), 2);
    assert.deepEqual(memory.slice(base + 2048 + 7, base + 2048 + 1007), scalar(source, key, 2));
    assert.deepEqual(memory.slice(base + 3, base + 1003), source);
  });

  it("carries the key phase across chunks: masking in pieces equals masking at once", () => {
    const key = new Uint8Array([9, 8, 7, 6]);
    const source = crypto.getRandomValues(new Uint8Array(1000));
    const memory = new Uint8Array(wasm.memory.buffer);
    memory.set(source, base);
    let offset = 0;
    for (const piece of [1, 2, 3, 17, 64, 5, 400, 508]) {
      wasm.mask(base + offset, piece, keyNumber(key), offset & 3);
      offset += piece;
    }
    assert.deepEqual(memory.slice(base, base + 1000), scalar(source, key, 0));
  });

  it("the RFC 6455 §5.7 example: masked 'Hello'", () => {
    const memory = new Uint8Array(wasm.memory.buffer);
    memory.set([0x7f, 0x9f, 0x4d, 0x51, 0x58], base);
    wasm.mask(base, 5, keyNumber(new Uint8Array([0x37, 0xfa, 0x21, 0x3d])), 0);
    assert.equal(new TextDecoder().decode(memory.slice(base, base + 5)), "Hello");
  });
});
