// The SIMD UTF-8 check steps 32 bytes at a time through multi-byte text (two
// 16-byte blocks, one error test per step, the bytes two and three back
// loaded from memory), skips ASCII 256 and 64 bytes at a time from a 64-byte
// aligned address, and checks a last part block of ASCII with one load
// ending at the end. These cases put an error at every offset of such
// steps, at every alignment of the text, split every kind of sequence across
// the block edges and across calls, and put bytes that would fail the text
// just before it in memory, on both builds of the core (relaxed SIMD, and the
// plain one Node 20 gets), with the WHATWG decoder as the oracle (Unicode
// table 3-7).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WASM_BASE64, WASM_RELAXED_BASE64 } from "../../src/codec/_wasm_bytes.ts";
import type { WasmExports } from "../../src/codec/wasm_codec.ts";
import { oracleRejects, oracleValid } from "../_helpers/utf8_oracle.ts";

const ACCEPT = 0;
const REJECT = 1;

function core(base64: string): WasmExports {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as WasmExports;
  if (exports.memory.buffer.byteLength < exports.heapBase() + 65536) exports.memory.grow(2);
  return exports;
}

const builds: Array<[string, WasmExports]> = [["plain SIMD", core(WASM_BASE64)]];
if (WebAssembly.validate(Uint8Array.from(atob(WASM_RELAXED_BASE64), (c) => c.charCodeAt(0)))) {
  builds.push(["relaxed SIMD", core(WASM_RELAXED_BASE64)]);
}

const text = (s: string) => new TextEncoder().encode(s);
// Every length of sequence, and the second bytes with narrowed ranges.
const MIXED = text("é日😀ΩЖ\u0800\ud7ff\ue000\u{10000}\u{10ffff}a€ñ中".repeat(20));
const SEQUENCES = [text("é"), text("€"), text("\ud7ff"), text("\u0800"), text("😀"), text("\u{10ffff}")];
const REPLACEMENTS = [0x41, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xf0, 0xf4, 0xf5];

for (const [name, wasm] of builds) {
  const base = wasm.heapBase();
  const validate = (state: number, bytes: Uint8Array, at = 0): number => {
    new Uint8Array(wasm.memory.buffer).set(bytes, base + at);
    return wasm.utf8Validate(state, base + at, bytes.length);
  };

  describe(`UTF-8 check at the SIMD step edges (${name})`, () => {
    it("rejects an error at every offset 0..255 of multi-byte text, and only then", () => {
      for (const lead of [0, 1, 7]) {
        const sample = Uint8Array.from([...text("x".repeat(lead)), ...MIXED.subarray(0, 256)]);
        // Keep the sample whole at its end, so only the replaced byte can fail it.
        let end = sample.length;
        while ((sample[end - 1] & 0xc0) === 0x80 || sample[end - 1] >= 0xc0) end--;
        for (let position = lead; position < Math.min(end, lead + 256); position++) {
          for (const replacement of REPLACEMENTS) {
            const bytes = sample.slice(0, end);
            bytes[position] = replacement;
            const label = `lead ${lead}, byte ${position} → ${replacement.toString(16)}`;
            const state = validate(ACCEPT, bytes);
            assert.equal(state === ACCEPT, oracleValid(bytes), label);
            assert.equal(state === REJECT, oracleRejects(bytes), label);
          }
        }
      }
    });

    it("accepts every sequence split across a 16/32/64/128-byte edge, and rejects it cut short", () => {
      for (const sequence of SEQUENCES) {
        for (const edge of [16, 32, 48, 64, 128, 192]) {
          for (let cut = 1; cut < sequence.length; cut++) {
            // Multi-byte text before, so the blocks are checked, not skipped; and ASCII before, so they are skipped.
            for (const filler of ["é", "a"]) {
              const n = edge - cut;
              const before = text(filler === "a" ? "a".repeat(n) : "é".repeat(n >> 1) + "a".repeat(n & 1));
              const after = MIXED.subarray(0, 100);
              const whole = Uint8Array.from([...before, ...sequence, ...after]);
              const label = `${[...sequence].map((b) => b.toString(16))} at ${edge - cut}, filler ${filler}`;
              assert.equal(validate(ACCEPT, whole), ACCEPT, label);
              const short = Uint8Array.from([...before, ...sequence.subarray(0, cut), ...after]);
              assert.equal(validate(ACCEPT, short), REJECT, `${label}, cut short`);
              const truncated = Uint8Array.from([...whole.subarray(0, edge)]);
              assert.notEqual(validate(ACCEPT, truncated), ACCEPT, `${label}, message ends inside it`);
              assert.notEqual(validate(ACCEPT, truncated), REJECT, `${label}, message ends inside it`);
            }
          }
        }
      }
    });

    it("rejects an error at every offset of 256 bytes after an ASCII run, at every alignment of the text", () => {
      // The ASCII skip stops on a 64-byte aligned address, so the multi-byte
      // steps after it start at each alignment of the text in turn.
      for (let align = 0; align < 64; align += 3) {
        const run = 100 + align;
        const sample = Uint8Array.from([...text("y".repeat(run)), ...MIXED.subarray(0, 280)]);
        let end = sample.length;
        while ((sample[end - 1] & 0xc0) === 0x80 || sample[end - 1] >= 0xc0) end--;
        for (let position = run - 3; position < run + 256; position++) {
          for (const replacement of [0x41, 0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xff]) {
            const bytes = sample.slice(0, end);
            bytes[position] = replacement;
            const label = `at +${align}, byte ${position} → ${replacement.toString(16)}`;
            const state = validate(ACCEPT, bytes, align);
            assert.equal(state === ACCEPT, oracleValid(bytes), label);
            assert.equal(state === REJECT, oracleRejects(bytes), label);
          }
        }
      }
    });

    it("finds one non-ASCII byte anywhere in 700 bytes of ASCII, at every alignment of the text", () => {
      const ascii = text("z".repeat(700));
      for (let align = 0; align < 64; align++) {
        assert.equal(validate(ACCEPT, ascii, align), ACCEPT, `at +${align}`);
        for (let position = 0; position < ascii.length; position++) {
          const bytes = ascii.slice();
          bytes[position] = position % 2 ? 0x80 : 0xff;
          assert.equal(validate(ACCEPT, bytes, align), REJECT, `at +${align}, byte ${position}`);
          // A lead byte at the very end leaves the text open, not rejected.
          if (position === ascii.length - 1) {
            bytes[position] = 0xc3;
            assert.equal(validate(ACCEPT, bytes, align), 2, `at +${align}, lead at the end`);
          }
        }
      }
    });

    it("does not read the bytes before the text as part of it, however the call starts", () => {
      // Leads before the text would make its first bytes continuations, if they were looked at.
      const junk = Uint8Array.of(0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0);
      const starts: Array<[string, number, Uint8Array]> = [
        ["at a boundary", ACCEPT, new Uint8Array(0)],
        ["one continuation owed", 2, Uint8Array.of(0x80)],
        ["two owed", 3, Uint8Array.of(0x80, 0x80)],
        ["three owed", 4, Uint8Array.of(0x80, 0x80, 0x80)],
      ];
      for (const [name, state, owed] of starts) {
        for (
          const body of [
            text("plain ASCII text, long enough."),
            text("é日😀 then ASCII text"),
            text("é日😀ΩЖ\u0800\ud7ff\ue000\u{10000}\u{10ffff}a€ñ中"),
          ]
        ) {
          const bytes = Uint8Array.from([...owed, ...body]);
          new Uint8Array(wasm.memory.buffer).set(junk, base + 64);
          assert.equal(validate(state, bytes, 70), ACCEPT, `${name}: ${new TextDecoder().decode(body)}`);
          // And a continuation first is still an error, with the same junk before it.
          const bad = Uint8Array.from([...owed, 0x80, ...body]);
          new Uint8Array(wasm.memory.buffer).set(junk, base + 64);
          assert.equal(validate(state, bad, 70), REJECT, `${name}: continuation first`);
        }
      }
    });

    it("carries a sequence across calls at every split of a 200-byte text, and fails fast in the first call", () => {
      const sample = MIXED.subarray(0, 200);
      for (let split = 0; split <= sample.length; split++) {
        const first = validate(ACCEPT, sample.subarray(0, split));
        assert.notEqual(first, REJECT, `split ${split}`);
        assert.equal(validate(first, sample.subarray(split), 300), ACCEPT, `split ${split}`);
      }
      for (let position = 0; position < 190; position++) {
        const bytes = sample.slice();
        bytes[position] = 0xff;
        // The first call holds the bad byte: it must reject there, before the rest arrives.
        assert.equal(
          validate(ACCEPT, bytes.subarray(0, position + 1 + (position % 70))),
          REJECT,
          `0xff at ${position}`,
        );
      }
    });
  });
}
