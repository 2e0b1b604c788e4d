import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sha1, sha1Into } from "../../src/protocol/sha1.ts";

import { toHex as hex } from "../_helpers/bytes.ts";
const text = (s: string) => new TextEncoder().encode(s);

describe("FIPS 180-4 SHA-1", () => {
  it("matches the published test vectors", () => {
    assert.equal(hex(sha1(new Uint8Array(0))), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assert.equal(hex(sha1(text("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
    assert.equal(
      hex(sha1(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
      "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
    );
    assert.equal(hex(sha1(new Uint8Array(1_000_000).fill(0x61))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  });

  it("matches crypto.subtle.digest on every length 0-200 across the padding boundaries", async () => {
    const input = crypto.getRandomValues(new Uint8Array(200));
    for (let length = 0; length <= 200; length++) {
      const bytes = input.slice(0, length);
      const expected = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes));
      assert.equal(hex(sha1(bytes)), hex(expected), `length ${length}`);
    }
  });

  it("matches crypto.subtle.digest on random inputs of random length", async () => {
    for (let round = 0; round < 50; round++) {
      const bytes = crypto.getRandomValues(new Uint8Array(Math.floor(Math.random() * 5000)));
      const expected = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes));
      assert.equal(hex(sha1(bytes)), hex(expected));
    }
  });

  it("reads only the view it is given, not the whole underlying buffer", () => {
    const backing = text("xxabcxx");
    assert.equal(hex(sha1(backing.subarray(2, 5))), "a9993e364706816aba3e25717850c26c9cd0d89d");
  });
});

describe("sha1Into, the allocation-free form", () => {
  it("hashes the first `length` bytes into the given array, call after call", async () => {
    const input = crypto.getRandomValues(new Uint8Array(300));
    const out = new Uint8Array(20);
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300]) {
      sha1Into(input, length, out);
      const expected = new Uint8Array(await crypto.subtle.digest("SHA-1", input.slice(0, length)));
      assert.equal(hex(out), hex(expected), `length ${length}`);
    }
  });

  it("gives each sha1() call its own result", () => {
    const a = sha1(text("a"));
    const b = sha1(text("b"));
    assert.notEqual(hex(a), hex(b));
    assert.equal(hex(a), "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8");
  });
});
