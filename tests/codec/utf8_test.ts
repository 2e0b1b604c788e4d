// UTF-8 validation in the WASM core against the WHATWG decoder as oracle, over
// the categories of Markus Kuhn's decoder stress test: whole, byte by byte,
// split at every position, and failing on the same byte (fail-fast).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { instantiateCore } from "../../src/codec/load.ts";
import type { WasmExports } from "../../src/codec/wasm_codec.ts";
import { hex } from "../_helpers/frames.ts";
import { oracleFailAt, oracleValid } from "../_helpers/utf8_oracle.ts";

const wasm = (await instantiateCore()).exports as unknown as WasmExports;
const base = wasm.heapBase();
if (wasm.memory.buffer.byteLength < base + 65536) wasm.memory.grow(2);
const ACCEPT = 0;
const REJECT = 1;

function validate(state: number, bytes: Uint8Array): number {
  new Uint8Array(wasm.memory.buffer).set(bytes, base);
  return wasm.utf8Validate(state, base, bytes.length);
}

const text = (s: string) => new TextEncoder().encode(s);
const VALID: Array<[string, Uint8Array]> = [
  ["empty", new Uint8Array(0)],
  ["ASCII", text("Hello, WebSocket! ".repeat(20))],
  ["Greek (Kuhn 1)", text("κόσμε")],
  ["first of each length (Kuhn 2.1)", hex("00 c2 80 e0 a0 80 f0 90 80 80")],
  ["last of each length (Kuhn 2.2)", hex("7f df bf ef bf bf f4 8f bf bf")],
  ["boundaries (Kuhn 2.3)", hex("ed 9f bf ee 80 80 ef bf bd f4 8f bf bf")],
  ["non-characters U+FFFE/U+FFFF are well-formed", hex("ef bf be ef bf bf")],
  ["BOM", hex("ef bb bf 41")],
  ["mixed: CJK, emoji, accents", text("日本語テキスト 😀🎉 café naïve Ελληνικά ".repeat(10))],
];
const INVALID: Array<[string, Uint8Array]> = [
  ["unexpected continuation (Kuhn 3.1)", hex("80")],
  ["continuations in a row", hex("41 80 bf 80")],
  ["lonely start, then space (Kuhn 3.2)", hex("c0 20")],
  ["lonely 3-byte start", hex("e1 20")],
  ["lonely 4-byte start", hex("f1 20 20 20")],
  ["impossible bytes FE/FF (Kuhn 3.5)", hex("fe")],
  ["FF", hex("41 ff")],
  ["overlong slash, 2 bytes (Kuhn 4.1)", hex("c0 af")],
  ["overlong slash, 3 bytes", hex("e0 80 af")],
  ["overlong slash, 4 bytes", hex("f0 80 80 af")],
  ["maximum overlong, 2 bytes (Kuhn 4.2)", hex("c1 bf")],
  ["maximum overlong, 3 bytes", hex("e0 9f bf")],
  ["maximum overlong, 4 bytes", hex("f0 8f bf bf")],
  ["surrogate U+D800 (Kuhn 5.1)", hex("ed a0 80")],
  ["surrogate U+DFFF", hex("ed bf bf")],
  ["surrogate pair (Kuhn 5.2)", hex("ed a0 80 ed b0 80")],
  ["above U+10FFFF: F4 90", hex("f4 90 80 80")],
  ["F5 start", hex("f5 80 80 80")],
  ["5-byte form", hex("f8 88 80 80 80")],
  ["6-byte form", hex("fc 84 80 80 80 80")],
  ["valid text, then a bad byte", Uint8Array.from([...text("ok so far ".repeat(8)), 0xff])],
];
const TRUNCATED: Array<[string, Uint8Array]> = [
  ["2-byte sequence missing its last byte (Kuhn 3.3)", hex("41 c2")],
  ["3-byte sequence missing its last byte", hex("e0 a0")],
  ["4-byte sequence missing its last byte", hex("f0 90 80")],
  ["4-byte sequence missing two bytes", hex("f4 8f")],
];

describe("UTF-8 validation (RFC 3629; Kuhn's stress test)", () => {
  it("accepts valid text whole, byte by byte, and split at every position", () => {
    for (const [name, bytes] of VALID) {
      assert.equal(oracleValid(bytes), true, `oracle: ${name}`);
      assert.equal(validate(ACCEPT, bytes), ACCEPT, `whole: ${name}`);
      let state = ACCEPT;
      for (let i = 0; i < bytes.length; i++) state = validate(state, bytes.subarray(i, i + 1));
      assert.equal(state, ACCEPT, `byte by byte: ${name}`);
      for (let cut = 0; cut <= bytes.length; cut += bytes.length > 64 ? 7 : 1) {
        const state2 = validate(validate(ACCEPT, bytes.subarray(0, cut)), bytes.subarray(cut));
        assert.equal(state2, ACCEPT, `split at ${cut}: ${name}`);
      }
    }
  });

  it("rejects invalid text, on the same byte as the WHATWG decoder (fail-fast)", () => {
    for (const [name, bytes] of INVALID) {
      assert.equal(oracleValid(bytes), false, `oracle: ${name}`);
      assert.equal(validate(ACCEPT, bytes), REJECT, `whole: ${name}`);
      const want = oracleFailAt(bytes);
      let state = ACCEPT;
      let failedAt = -1;
      for (let i = 0; i < bytes.length && failedAt < 0; i++) {
        state = validate(state, bytes.subarray(i, i + 1));
        if (state === REJECT) failedAt = i;
      }
      assert.equal(failedAt, want, `fail-fast position: ${name}`);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const first = validate(ACCEPT, bytes.subarray(0, cut));
        const second = first === REJECT ? REJECT : validate(first, bytes.subarray(cut));
        assert.equal(second, REJECT, `split at ${cut}: ${name}`);
      }
    }
  });

  it("a message that ends inside a sequence is not at a boundary", () => {
    for (const [name, bytes] of TRUNCATED) {
      assert.equal(oracleValid(bytes), false, `oracle: ${name}`);
      const state = validate(ACCEPT, bytes);
      assert.notEqual(state, REJECT, `no byte is wrong yet: ${name}`);
      assert.notEqual(state, ACCEPT, `but the text is incomplete: ${name}`);
    }
  });

  it("agrees with the oracle on 2,000 random byte strings biased towards UTF-8 edges", () => {
    const interesting = [
      0x00,
      0x41,
      0x7f,
      0x80,
      0x8f,
      0x90,
      0x9f,
      0xa0,
      0xbf,
      0xc0,
      0xc1,
      0xc2,
      0xdf,
      0xe0,
      0xe1,
      0xec,
      0xed,
      0xee,
      0xef,
      0xf0,
      0xf1,
      0xf3,
      0xf4,
      0xf5,
      0xff,
    ];
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
    for (let n = 0; n < 2000; n++) {
      const bytes = Uint8Array.from(
        { length: 1 + Math.floor(random() * 40) },
        () => interesting[Math.floor(random() * interesting.length)],
      );
      const state = validate(ACCEPT, bytes);
      assert.equal(state === ACCEPT, oracleValid(bytes), `bytes ${[...bytes].map((b) => b.toString(16)).join(" ")}`);
      assert.equal(state === REJECT, oracleFailAt(bytes) >= 0);
    }
  });

  it("agrees with the oracle when one byte of a long text is replaced, at every position (SIMD blocks and edges)", () => {
    const sample = text("κόσμε 日本語 😀 café ascii run of some length, ".repeat(3));
    for (let position = 0; position < sample.length; position++) {
      for (const replacement of [0x41, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff]) {
        const bytes = sample.slice();
        bytes[position] = replacement;
        const state = validate(ACCEPT, bytes);
        const label = `byte ${position} → ${replacement.toString(16)}`;
        assert.equal(state === ACCEPT, oracleValid(bytes), label);
        assert.equal(state === REJECT, oracleFailAt(bytes) >= 0, label);
      }
    }
  });

  it("agrees with the oracle on long random strings (16–300 bytes)", () => {
    const pieces = [
      [0x41],
      [0xc3, 0xa9],
      [0xe2, 0x82, 0xac],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xed, 0x9f, 0xbf],
      [0x80],
      [0xff],
      [0xe0, 0x80],
      [0xf4, 0x90],
    ];
    let seed = 777;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
    for (let n = 0; n < 3000; n++) {
      const parts: number[] = [];
      const length = 16 + Math.floor(random() * 285);
      const clean = random() < 0.5;
      while (parts.length < length) parts.push(...pieces[Math.floor(random() * (clean ? 5 : pieces.length))]);
      const bytes = Uint8Array.from(parts);
      const state = validate(ACCEPT, bytes);
      assert.equal(state === ACCEPT, oracleValid(bytes), `case ${n}`);
      assert.equal(state === REJECT, oracleFailAt(bytes) >= 0, `case ${n}`);
    }
  });
  it("agrees with the oracle around long ASCII runs (the 128-byte skip) when a byte near a run's edge is replaced", () => {
    const ascii = (n: number) => text("a".repeat(n));
    const multi = text("é日😀");
    for (const run of [127, 128, 129, 191, 192, 255, 256, 300]) {
      for (const lead of [0, 1, 15, 16, 17, 63, 64]) {
        const sample = Uint8Array.from([...ascii(lead), ...multi, ...ascii(run), ...multi, ...ascii(40)]);
        const edges = [lead, lead + multi.length, lead + multi.length + run, lead + multi.length + run + multi.length];
        for (const edge of edges) {
          for (let position = Math.max(0, edge - 3); position < Math.min(sample.length, edge + 3); position++) {
            for (const replacement of [0x41, 0x80, 0xc2, 0xe2, 0xf0, 0xff]) {
              const bytes = sample.slice();
              bytes[position] = replacement;
              const state = validate(ACCEPT, bytes);
              const label = `run ${run}, lead ${lead}, byte ${position} → ${replacement.toString(16)}`;
              assert.equal(state === ACCEPT, oracleValid(bytes), label);
              assert.equal(state === REJECT, oracleFailAt(bytes) >= 0, label);
            }
          }
        }
      }
    }
  });
});
