import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyInto, copyOf } from "../../src/bytes/small_copy.ts";

// Every length on both sides of the loop's limit (32), from offsets inside a larger array.
const source = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff);

describe("small copies", () => {
  it("copyOf returns a fresh array with exactly source[start, end), for every length 0–80", () => {
    for (let length = 0; length <= 80; length++) {
      const start = 7 + (length % 5);
      const copy = copyOf(source, start, start + length);
      assert.deepEqual([...copy], [...source.subarray(start, start + length)], `length ${length}`);
      assert.equal(copy.byteOffset, 0);
      assert.equal(copy.buffer.byteLength, length, "an array of its own, not a view");
      copy.fill(0);
      assert.equal(source[start], (start * 37 + 11) & 0xff, "the source is untouched by writes to the copy");
    }
  });

  it("copyInto writes all of source at the offset and nothing outside it, for every length 0–80", () => {
    for (let length = 0; length <= 80; length++) {
      const target = new Uint8Array(100).fill(0xee);
      copyInto(target, 9, source.subarray(3, 3 + length));
      assert.deepEqual([...target.subarray(9, 9 + length)], [...source.subarray(3, 3 + length)], `length ${length}`);
      assert.ok(target.subarray(0, 9).every((b) => b === 0xee), "bytes before the offset untouched");
      assert.ok(target.subarray(9 + length).every((b) => b === 0xee), "bytes after the copy untouched");
    }
  });
});
