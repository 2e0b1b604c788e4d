import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventQueue } from "../../src/session/event_queue.ts";
import { fakeTransport } from "../_helpers/fake_transport.ts";

describe("EventQueue", () => {
  it("delivers in order, with promise continuations of one event before the next event", async () => {
    const queue = new EventQueue();
    const seen: string[] = [];
    queue.push(() => {
      seen.push("a");
      Promise.resolve().then(() => seen.push("a's continuation"));
    });
    queue.push(() => seen.push("b"));
    await queue.flush();
    assert.deepEqual(seen, ["a", "a's continuation", "b"]);
  });

  it("without checkpoints (a handler object's owner), delivers back to back, synchronously, in order", () => {
    const queue = new EventQueue();
    queue.checkpoints = false;
    const seen: string[] = [];
    queue.push(() => {
      seen.push("a");
      Promise.resolve().then(() => seen.push("a's continuation"));
      queue.push(() => seen.push("c, queued by a"));
    });
    queue.push(() => seen.push("b"));
    void queue.flush();
    // All of it ran inside flush(): the continuation waits for the microtasks after it.
    assert.deepEqual(seen, ["a", "b", "c, queued by a"]);
    assert.equal(queue.flushing, false);
  });

  it("delivers what is queued during a flush, once, and a second flush meanwhile is a no-op", async () => {
    const queue = new EventQueue();
    const seen: number[] = [];
    queue.push(() => {
      seen.push(1);
      queue.push(() => seen.push(2));
      void queue.flush();
    });
    await queue.flush();
    await queue.flush();
    assert.deepEqual(seen, [1, 2]);
  });

  it("a throwing event is reported and the next one still runs", async () => {
    const queue = new EventQueue();
    const errors: unknown[] = [];
    const log = console.error;
    console.error = (error: unknown) => errors.push(error);
    try {
      queue.push(() => {
        throw new Error("listener bug");
      });
      let ran = false;
      queue.push(() => ran = true);
      await queue.flush();
      assert.equal(ran, true);
      assert.equal(errors.length, 1);
    } finally {
      console.error = log;
    }
  });

  it("keeps order across thousands of events (past its compaction point)", async () => {
    const queue = new EventQueue();
    const seen: number[] = [];
    for (let i = 0; i < 5000; i++) queue.push(() => seen.push(i));
    await queue.flush();
    assert.deepEqual(seen, Array.from({ length: 5000 }, (_, i) => i));
  });
});

describe("EventQueue.deliverRead", () => {
  it("corks a transport that corks until the read's events, and what they write, are delivered", async () => {
    const { transport, log } = fakeTransport({ cork: true, show: () => "1" });
    const queue = new EventQueue();
    queue.push(() => {
      log.push("event");
      transport.write(new Uint8Array([1]));
    });
    queue.deliverRead(transport);
    await queue.whenIdle();
    assert.deepEqual(log, ["cork", "event", "write 1", "uncork"]);
  });

  it("uses one uncork step for every read (made once)", async () => {
    const { transport } = fakeTransport({ cork: true });
    const queue = new EventQueue();
    queue.deliverRead(transport);
    const step = queue.uncork;
    await queue.whenIdle();
    queue.deliverRead(transport);
    assert.equal(typeof step, "function");
    assert.equal(queue.uncork, step);
  });

  it("holds reading while an earlier read's events are still being delivered, and resumes once idle", async () => {
    const { transport, log } = fakeTransport();
    const queue = new EventQueue();
    queue.push(() => log.push("first read's event"));
    queue.deliverRead(transport);
    assert.equal(queue.flushing, true);
    queue.push(() => log.push("second read's event"));
    queue.deliverRead(transport);
    assert.deepEqual(log, ["first read's event", "pause"]);
    await queue.whenIdle();
    await null;
    assert.deepEqual(log, ["first read's event", "pause", "second read's event", "resume"]);
  });

  it("does not hold reading when the queue was idle", async () => {
    const { transport, log } = fakeTransport();
    const queue = new EventQueue();
    queue.push(() => log.push("event"));
    queue.deliverRead(transport);
    await queue.whenIdle();
    assert.deepEqual(log, ["event"]);
    assert.equal(queue.holds, undefined);
  });
});
