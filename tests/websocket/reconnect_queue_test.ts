// The queue a ReconnectingWebSocket keeps while not open: in order, bounded
// by count and by bytes (text as UTF-8), a copy of each buffer.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ReconnectQueue } from "../../src/websocket/reconnect_queue.ts";
import type { WebSocketError } from "../../src/protocol/errors.ts";

const full = (error: WebSocketError) => error.code === "WS_ERR_RECONNECT_QUEUE_FULL";

describe("ReconnectQueue", () => {
  it("hands everything back in order and is empty after", () => {
    const queue = new ReconnectQueue(10, 1024);
    queue.push("a");
    queue.push(new Uint8Array([1, 2]));
    queue.push("b");
    assert.equal(queue.length, 3);
    assert.equal(queue.bytes, 4);
    const items = queue.take();
    assert.deepEqual(items.map((item) => typeof item === "string" ? item : [...(item as Uint8Array)]), [
      "a",
      [1, 2],
      "b",
    ]);
    assert.deepEqual([queue.length, queue.bytes], [0, 0]);
  });

  it("keeps a copy: the caller may reuse its buffer", () => {
    const queue = new ReconnectQueue(10, 1024);
    const buffer = new Uint8Array([7, 7, 7]);
    queue.push(buffer.subarray(1));
    buffer.fill(0);
    assert.deepEqual([...(queue.take()[0] as Uint8Array)], [7, 7]);
  });

  it("refuses past the message count, and past the bytes counted as UTF-8, with WS_ERR_RECONNECT_QUEUE_FULL", () => {
    const count = new ReconnectQueue(2, 1024);
    count.push("1");
    count.push("2");
    assert.throws(() => count.push("3"), full);
    assert.equal(count.length, 2, "a refused message is not kept");
    const bytes = new ReconnectQueue(10, 4);
    bytes.push("é"); // 2 bytes in UTF-8
    bytes.push(new ArrayBuffer(2));
    assert.throws(() => bytes.push("x"), full);
    assert.equal(bytes.bytes, 4);
    bytes.clear();
    bytes.push("abcd");
    assert.equal(bytes.bytes, 4);
  });
});
