import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { overflows, SendLedger } from "../../src/session/backpressure.ts";

describe("bufferedAmount bookkeeping (WHATWG)", () => {
  it("counts payload bytes only and falls as the transport flushes", () => {
    const queue = { writableLength: 0 };
    const ledger = new SendLedger(queue);
    ledger.wrote(7, 5);
    ledger.wrote(12, 10);
    queue.writableLength = 19;
    assert.equal(ledger.buffered, 15);
    queue.writableLength = 12; // the first frame left
    ledger.settle();
    assert.equal(ledger.buffered, 10);
    queue.writableLength = 1; // the second frame is not fully out yet
    ledger.settle();
    assert.equal(ledger.buffered, 10);
    queue.writableLength = 0;
    ledger.settle();
    assert.equal(ledger.buffered, 0);
  });

  it("control frames (0 payload bytes) never count", () => {
    const ledger = new SendLedger({ writableLength: 0 });
    ledger.wrote(2, 0);
    assert.equal(ledger.buffered, 0);
  });

  it("settles by itself in a later task, and drained() resolves at zero", async () => {
    const queue = { writableLength: 9 };
    const ledger = new SendLedger(queue);
    ledger.wrote(9, 7);
    let drained = false;
    const waiting = ledger.drained().then(() => drained = true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(drained, false);
    assert.equal(ledger.buffered, 7);
    queue.writableLength = 0;
    ledger.settle();
    await waiting;
    assert.equal(drained, true);
  });

  it("after close, what was buffered stays and waiters are released", async () => {
    const ledger = new SendLedger({ writableLength: 9 });
    ledger.wrote(9, 7);
    const waiting = ledger.drained();
    ledger.closed();
    await waiting;
    ledger.settle();
    assert.equal(ledger.buffered, 7);
  });
});

describe("the high-water mark", () => {
  it("only bytes queued above the mark overflow, and only when a full buffer closes", () => {
    const closing = { highWaterMark: 100, onBufferFull: "close" } as const;
    assert.equal(overflows(closing, { writableLength: 100 }), false);
    assert.equal(overflows(closing, { writableLength: 101 }), true);
    assert.equal(overflows({ ...closing, onBufferFull: "wait" }, { writableLength: 1 << 30 }), false);
  });

  it("waiting never reads the queue's length (a transport may compute it)", () => {
    const queue = {
      get writableLength(): number {
        throw new Error("read");
      },
    };
    assert.equal(overflows({ highWaterMark: 0, onBufferFull: "wait" }, queue), false);
  });
});
