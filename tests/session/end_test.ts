// The closing timer: a peer that never closes the transport cannot keep the
// socket open. Timed on a virtual clock.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SessionEnd } from "../../src/session/end.ts";
import { VirtualClock } from "../_helpers/virtual_clock.ts";
import { resolveSessionOptions } from "../../src/session/options.ts";

function fakes() {
  const log: string[] = [];
  const transport = { destroy: () => log.push("destroy") };
  return { log, transport, clock: new VirtualClock() };
}

describe("the closing timer", () => {
  it("destroys a transport the peer keeps open past closeTimeout, once", () => {
    const { log, transport, clock } = fakes();
    const end = new SessionEnd(transport, 20, clock);
    end.arm();
    clock.advance(10);
    end.arm(); // a second call arms no second timer
    assert.deepEqual(log, []);
    clock.advance(10);
    assert.deepEqual(log, ["destroy"]);
    clock.advance(100);
    assert.deepEqual(log, ["destroy"]);
  });

  it("waits 5 s when no closeTimeout is given", () => {
    const { log, transport, clock } = fakes();
    new SessionEnd(transport, resolveSessionOptions({}).closeTimeout, clock).arm();
    clock.advance(4999);
    assert.deepEqual(log, []);
    clock.advance(1);
    assert.deepEqual(log, ["destroy"]);
  });

  it("a transport gone in time clears the timer, once; none is armed after", () => {
    const { log, transport, clock } = fakes();
    const end = new SessionEnd(transport, 10, clock);
    end.arm();
    assert.equal(end.finish(), true);
    assert.equal(end.finish(), false);
    end.arm();
    assert.equal(clock.pending, 0);
    clock.advance(30);
    assert.deepEqual(log, []);
    assert.equal(end.done, true);
  });
});
