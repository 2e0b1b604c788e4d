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

  it("joins into a buffer the caller gives when it is long enough, else into a new one", () => {
    const queue = new ByteQueue();
    const into = new Uint8Array(4).fill(9);
    queue.push(new Uint8Array([1, 2]));
    queue.push(new Uint8Array([3]));
    assert.equal(queue.chunks, 2);
    const joined = queue.take(into);
    assert.deepEqual(joined, new Uint8Array([1, 2, 3]));
    assert.equal(joined.buffer, into.buffer);
    assert.deepEqual(into, new Uint8Array([1, 2, 3, 9]), "only the joined bytes are written");
    queue.push(new Uint8Array([4, 5, 6]));
    queue.push(new Uint8Array([7, 8]));
    const larger = queue.take(into);
    assert.deepEqual(larger, new Uint8Array([4, 5, 6, 7, 8]));
    assert.notEqual(larger.buffer, into.buffer, "five bytes do not fit in four");
    assert.equal(queue.chunks, 0);
  });

  it("hands a single chunk back as it is even when given a buffer to join into", () => {
    const queue = new ByteQueue();
    const chunk = new Uint8Array([7, 8]);
    queue.push(chunk);
    assert.equal(queue.take(new Uint8Array(8)), chunk);
  });
});
