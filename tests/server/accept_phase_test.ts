import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AcceptPhase, LATE_LIMIT } from "../../src/server/accept_phase.ts";
import type { Transport } from "../../src/transport/types.ts";

// Records what the phase asks of its transport.
function recording(): { transport: Transport; calls: string[]; written: Uint8Array[] } {
  const calls: string[] = [];
  const written: Uint8Array[] = [];
  const transport: Transport = {
    capabilities: { lentBuffer: false },
    remoteAddress: undefined,
    writableLength: 0,
    start() {},
    write(bytes) {
      written.push(bytes);
      calls.push("write");
      return true;
    },
    pause: () => void calls.push("pause"),
    resume: () => void calls.push("resume"),
    end: () => void calls.push("end"),
    destroy: () => void calls.push("destroy"),
  };
  return { transport, calls, written };
}

const chunk = new Uint8Array(LATE_LIMIT / 2 + 1);

describe("AcceptPhase", () => {
  it("keeps bytes after the head and pauses the transport once more than the limit wait", () => {
    const { transport, calls } = recording();
    const phase = new AcceptPhase(transport, 60_000);
    phase.push(chunk);
    assert.deepEqual(calls, []);
    phase.push(chunk);
    assert.deepEqual(calls, ["pause"]);
    assert.equal(phase.late.length, 2 * chunk.length);
    phase.settle();
  });

  it("refusing drops what waits, reads on (so the peer's FIN gets through), answers and ends", () => {
    const { transport, calls, written } = recording();
    const phase = new AcceptPhase(transport, 60_000);
    phase.push(chunk);
    phase.push(chunk);
    const answer = new Uint8Array([1, 2, 3]);
    phase.refuse(answer);
    assert.deepEqual(calls, ["pause", "resume", "write", "end"]);
    assert.deepEqual(written, [answer]);
    assert.equal(phase.late.length, 0);
    phase.push(chunk);
    assert.equal(phase.late.length, 0, "bytes after the decision are dropped");
  });

  it("opening hands over the bytes kept, then reads on", () => {
    const { transport, calls } = recording();
    const phase = new AcceptPhase(transport, 60_000);
    phase.push(new Uint8Array([7, 8]));
    const delivered: number[][] = [];
    phase.open((bytes) => {
      delivered.push([...bytes]);
      calls.push("deliver");
    });
    assert.deepEqual(delivered, [[7, 8]]);
    assert.deepEqual(calls, ["deliver", "resume"]);
  });

  it("next(): a persistent connection's pipelined bytes are handed over, and a paused transport reads on", () => {
    const { transport, calls } = recording();
    const phase = new AcceptPhase(transport, 60_000);
    phase.push(chunk);
    phase.push(chunk);
    assert.deepEqual(calls, ["pause"]);
    const queued = phase.next(60_000);
    assert.equal(queued.length, 2 * chunk.length);
    assert.equal(phase.late.length, 0);
    assert.deepEqual(calls, ["pause", "resume"]);
    phase.settle();
  });

  it("next() waits only so long for the next request: the keep-alive timer replaces the one before", async () => {
    const idle = recording();
    const phase = new AcceptPhase(idle.transport, 60_000);
    phase.next(20);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(idle.calls, ["resume", "destroy"]);
  });

  it("destroys the transport when it does not settle in time, and not after it settled", async () => {
    const late = recording();
    new AcceptPhase(late.transport, 20);
    const settled = recording();
    new AcceptPhase(settled.transport, 20).settle();
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(late.calls, ["destroy"]);
    assert.deepEqual(settled.calls, []);
  });
});
