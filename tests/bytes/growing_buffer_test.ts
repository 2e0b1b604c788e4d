import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GrowingBuffer } from "../../src/bytes/growing_buffer.ts";

describe("GrowingBuffer", () => {
  it("joins pieces in order and hands them over, empty afterwards", () => {
    const buffer = new GrowingBuffer();
    for (let i = 0; i < 3000; i++) buffer.append(Uint8Array.of(i & 0xff, (i >> 8) & 0xff));
    assert.equal(buffer.length, 6000);
    const taken = buffer.take();
    assert.equal(taken.length, 6000);
    assert.deepEqual([...taken.subarray(5998)], [2999 & 0xff, 2999 >> 8]);
    assert.equal(buffer.length, 0);
    assert.equal(buffer.view.length, 0);
  });

  it("hands over its own array, uncopied, when it is exactly full", () => {
    const buffer = new GrowingBuffer(4);
    buffer.append(Uint8Array.of(1, 2));
    buffer.append(Uint8Array.of(3, 4));
    const view = buffer.view;
    const taken = buffer.take();
    assert.equal(taken.buffer, view.buffer);
    assert.deepEqual([...taken], [1, 2, 3, 4]);
  });

  it("grows by doubling: a byte at a time costs few reallocations", () => {
    const buffer = new GrowingBuffer();
    const seen = new Set<ArrayBufferLike>();
    for (let i = 0; i < 100_000; i++) {
      buffer.append(Uint8Array.of(i & 0xff));
      seen.add(buffer.view.buffer);
    }
    assert.ok(seen.size <= 10, `${seen.size} backing arrays for 100,000 appends`);
  });
});
