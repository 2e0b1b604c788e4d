import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SendQueue } from "../../src/websocket/send_order.ts";

describe("SendQueue (send order behind a Blob)", () => {
  it("delivers in order, reading Blobs on the way, with sizes, and counts bytes until delivered", async () => {
    const queue = new SendQueue();
    const got: Array<[string | number[], number]> = [];
    queue.push(new Blob(["ab"]));
    queue.push("héllo");
    queue.push(new Uint8Array([1, 2, 3]));
    assert.equal(queue.bytes, 2 + 6 + 3);
    assert.equal(queue.idle, false);
    await queue.pump((payload, size) => got.push([typeof payload === "string" ? payload : [...payload], size]));
    assert.deepEqual(got, [[[97, 98], 2], ["héllo", 6], [[1, 2, 3], 3]]);
    assert.equal(queue.bytes, 0);
    assert.equal(queue.idle, true);
  });

  it("a message pushed while a Blob is read waits its turn, and a second pump joins the first", async () => {
    const queue = new SendQueue();
    const got: string[] = [];
    queue.push(new Blob(["first"]));
    const first = queue.pump((payload) => got.push(new TextDecoder().decode(payload as Uint8Array)));
    queue.push(new TextEncoder().encode("second"));
    const second = queue.pump(() => got.push("wrong deliverer"));
    assert.equal(first, second);
    await first;
    assert.deepEqual(got, ["first", "second"]);
    assert.equal(queue.idle, true, "idle in the same turn as the last delivery");
    await queue.settled();
  });

  it("a Blob that cannot be read is dropped, not left blocking the rest", async () => {
    const queue = new SendQueue();
    const broken = new Blob(["x"]);
    broken.arrayBuffer = () => Promise.reject(new Error("unreadable"));
    queue.push(broken);
    queue.push("after");
    const got: Array<string | Uint8Array> = [];
    await queue.pump((payload) => got.push(payload));
    assert.deepEqual(got, ["after"]);
    assert.equal(queue.bytes, 0);
  });

  it("runs that finish at once (no Blob) leave the queue usable", async () => {
    const queue = new SendQueue();
    const got: Array<string | Uint8Array> = [];
    queue.push("a");
    await queue.pump((payload) => got.push(payload));
    assert.equal(queue.idle, true);
    queue.push("b");
    await queue.pump((payload) => got.push(payload));
    assert.deepEqual(got, ["a", "b"]);
    assert.equal(queue.bytes, 0);
  });

  it("a deliverer that throws does not wedge the queue", async () => {
    const queue = new SendQueue();
    queue.push("a");
    queue.push("b");
    await assert.rejects(queue.pump(() => {
      throw new Error("boom");
    }));
    assert.equal(queue.idle, false, "b still waits");
    const got: Array<string | Uint8Array> = [];
    await queue.pump((payload) => got.push(payload));
    assert.deepEqual(got, ["b"]);
  });

  it("finish() runs after every message pushed before it, at once when idle", async () => {
    const queue = new SendQueue();
    const got: string[] = [];
    const deliver = (payload: string | Uint8Array) =>
      got.push(typeof payload === "string" ? payload : new TextDecoder().decode(payload));
    queue.finish(() => got.push("idle close"));
    assert.deepEqual(got, ["idle close"]);
    got.length = 0;
    queue.push(new Blob(["B1"]));
    queue.push("T2");
    const run = queue.pump(deliver);
    queue.finish(() => got.push("close"));
    assert.deepEqual(got, [], "waits for the Blob");
    await run;
    assert.deepEqual(got, ["B1", "T2", "close"]);
  });

  it("clear() drops what waits, a Blob being read and the finish action", async () => {
    const queue = new SendQueue();
    const got: Array<string | Uint8Array> = [];
    queue.push(new Blob(["B1"]));
    queue.push("T2");
    const run = queue.pump((payload) => got.push(payload));
    queue.finish(() => got.push("close"));
    queue.clear();
    assert.equal(queue.bytes, 0);
    await run;
    assert.deepEqual(got, []);
    assert.equal(queue.idle, true);
  });
});
