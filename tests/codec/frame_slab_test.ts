import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FrameSlab } from "../../src/codec/frame_slab.ts";
import { framePool, MIN_POOLED } from "../../src/bytes/frame_pool.ts";

describe("FrameSlab", () => {
  it("hands out disjoint regions: writing one frame never changes another", () => {
    for (const freshBelow of [0, 256]) {
      const slab = new FrameSlab(freshBelow);
      const frames = [3, 18, 255, 256, 700, 1030, 4000].map((size, i) => slab.take(size).fill(i + 1));
      frames.forEach((frame, i) => assert.ok(frame.every((b) => b === i + 1), `freshBelow ${freshBelow}, frame ${i}`));
    }
  });

  it("below freshBelow a frame is an array of its own; from it on, a view of a shared slab", () => {
    const slab = new FrameSlab(256);
    const small = slab.take(255);
    assert.equal(small.buffer.byteLength, 255);
    const a = slab.take(256), b = slab.take(300);
    assert.equal(a.buffer, b.buffer, "consecutive larger frames share a slab");
    assert.ok(a.buffer.byteLength > 256);
  });

  it("copy() holds exactly the bytes asked for, on both sides of freshBelow", () => {
    const source = Uint8Array.from({ length: 600 }, (_, i) => i & 0xff);
    for (const [start, end] of [[0, 0], [5, 40], [10, 265], [100, 600]]) {
      const copy = new FrameSlab(256).copy(source, start, end);
      assert.deepEqual([...copy], [...source.subarray(start, end)]);
      copy.fill(0);
      assert.equal(source[start + 1], (start + 1) & 0xff, "a copy, not a view of the source");
    }
  });

  it("frames of MIN_POOLED bytes or more are lent by the frame pool; smaller ones never are", () => {
    const slab = new FrameSlab();
    const big = slab.take(MIN_POOLED);
    assert.ok(framePool.lent(big));
    framePool.give(big);
    assert.equal(framePool.lent(slab.take(MIN_POOLED - 1)), false);
    assert.equal(framePool.lent(new FrameSlab(256).take(10)), false);
  });
});
