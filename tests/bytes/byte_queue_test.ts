// ByteQueue holds no array while empty (idle connections are many): taking
// from it, empty or not, and pushing again after a take must behave the same.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ByteQueue } from "../../src/bytes/byte_queue.ts";

describe("ByteQueue", () => {
  it("takes nothing as an empty array, before any push and after a take", () => {
    const queue = new ByteQueue();
    assert.deepEqual(queue.take(), new Uint8Array(0));
    queue.push(new Uint8Array([1]));
    queue.take();
    assert.equal(queue.length, 0);
    assert.deepEqual(queue.take(), new Uint8Array(0));
  });

  it("joins what was pushed since the last take, in order, and tells onData each time", () => {
    const queue = new ByteQueue();
    const lengths: number[] = [];
    queue.onData = () => lengths.push(queue.length);
    queue.push(new Uint8Array([1, 2]));
    queue.push(new Uint8Array(0));
    queue.push(new Uint8Array([3]));
    assert.deepEqual(queue.take(), new Uint8Array([1, 2, 3]));
    queue.push(new Uint8Array([4]));
    queue.push(new Uint8Array([5, 6]));
    assert.deepEqual(queue.take(), new Uint8Array([4, 5, 6]));
    assert.deepEqual(lengths, [2, 3, 1, 3]);
  });

  it("hands a single chunk back as it is, without a copy", () => {
    const queue = new ByteQueue();
    const chunk = new Uint8Array([7, 8]);
    queue.push(chunk);
    assert.equal(queue.take(), chunk);
  });
});
