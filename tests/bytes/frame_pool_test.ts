import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FramePool } from "../../src/bytes/frame_pool.ts";

describe("FramePool", () => {
  it("lends a buffer sized for the frame and takes it back for the next frame of its class", () => {
    const pool = new FramePool();
    const first = pool.take(65_540);
    assert.equal(first.length, 65_540);
    assert.equal(first.byteOffset, 0);
    assert.ok(first.buffer.byteLength >= 65_540);
    assert.ok(pool.lent(first));
    pool.give(first);
    assert.equal(pool.lent(first), false);
    assert.equal(pool.idleBytes, first.buffer.byteLength);
    const second = pool.take(40_000); // same class: 2^16 payload bytes
    assert.equal(second.buffer, first.buffer);
    assert.equal(second.length, 40_000);
    assert.equal(pool.idleBytes, 0);
    const other = pool.take(70_000); // next class: a buffer of its own
    assert.notEqual(other.buffer, first.buffer);
  });

  it("has room for a 14-byte header in front of a power-of-two payload", () => {
    const pool = new FramePool();
    for (const payload of [16_384, 65_536, 1 << 20]) {
      const frame = pool.take(payload + 14);
      assert.ok(frame.buffer.byteLength < 2 * payload, `${payload}: ${frame.buffer.byteLength}`);
    }
  });

  it("returns a frame only after its last owner gives it back", () => {
    const pool = new FramePool();
    const frame = pool.take(20_000);
    pool.retain(frame);
    pool.retain(frame);
    pool.give(frame);
    pool.give(frame.subarray(100)); // any part of the frame counts as the frame
    assert.ok(pool.lent(frame));
    assert.notEqual(pool.take(20_000).buffer, frame.buffer);
    pool.give(frame);
    assert.equal(pool.lent(frame), false);
    assert.equal(pool.take(20_000).buffer, frame.buffer);
  });

  it("ignores bytes it did not lend and frames given back twice", () => {
    const pool = new FramePool();
    pool.give(new Uint8Array(70_000));
    pool.retain(new Uint8Array(70_000));
    assert.equal(pool.idleBytes, 0);
    const frame = pool.take(70_000);
    pool.give(frame);
    pool.give(frame);
    assert.equal(pool.idleBytes, frame.buffer.byteLength);
    const a = pool.take(70_000);
    const b = pool.take(70_000);
    assert.notEqual(a.buffer, b.buffer, "one buffer is never lent twice at once");
  });

  it("keeps at most its limit of idle bytes and does not pool frames over 4 MiB", () => {
    const pool = new FramePool(200_000);
    const frames = [pool.take(65_540), pool.take(65_540), pool.take(65_540), pool.take(65_540)];
    for (const frame of frames) pool.give(frame);
    assert.ok(pool.idleBytes <= 200_000);
    assert.equal(pool.idleBytes, 3 * frames[0].buffer.byteLength);
    const two = new FramePool();
    const largest = [two.take((4 << 20) + 14), two.take((4 << 20) + 14), two.take((4 << 20) + 14)];
    for (const frame of largest) two.give(frame);
    assert.equal(two.idleBytes, 2 * largest[0].buffer.byteLength, "two of the largest stay for the next burst");
    const big = new FramePool();
    const huge = big.take(5 << 20);
    assert.equal(huge.buffer.byteLength, 5 << 20);
    assert.equal(big.lent(huge), false);
    big.give(huge);
    assert.equal(big.idleBytes, 0);
  });
});
