// The closing timer: a peer that never closes the transport cannot keep the
// socket open. Timed on a virtual clock.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SessionEnd } from "../../src/session/end.ts";
import { VirtualClock } from "../_helpers/virtual_clock.ts";
import { resolveSessionOptions } from "../../src/session/options.ts";
import { WebSocketError } from "../../src/protocol/errors.ts";

function fakes() {
  const log: string[] = [];
  const transport = { end: () => log.push("end"), destroy: () => log.push("destroy") };
  // A connection as the state machine behaves: the first failure wins; a close frame goes out once.
  let failed = false;
  const connection = {
    closeSent: false,
    fail(error: WebSocketError) {
      if (failed) return false;
      failed = true;
      if (error.closeCode !== 1006 && !this.closeSent) {
        this.closeSent = true;
        log.push(`close ${error.closeCode}`);
      }
      return true;
    },
    sendFailure: () => log.push("close for the protocol error"),
  };
  return { log, transport, connection, clock: new VirtualClock() };
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

  it("a failure sends its close frame, ends our side and arms the timer; the first failure wins", () => {
    const { log, transport, connection, clock } = fakes();
    const end = new SessionEnd(transport, 100, clock);
    end.fail(connection, new WebSocketError("WS_ERR_BUFFER_FULL"));
    end.fail(connection, new WebSocketError("WS_ERR_IDLE_TIMEOUT"));
    assert.deepEqual(log, ["close 1008", "end"]);
    clock.advance(100);
    assert.deepEqual(log, ["close 1008", "end", "destroy"]);
  });

  it("destroys at once when no close frame can carry the failure", () => {
    for (const [code, closeSent] of [["WS_ERR_IDLE_TIMEOUT", false], ["WS_ERR_BUFFER_FULL", true]] as const) {
      const { log, transport, connection, clock } = fakes();
      connection.closeSent = closeSent;
      new SessionEnd(transport, 100, clock).fail(connection, new WebSocketError(code));
      assert.deepEqual(log, ["destroy"], code);
    }
    const { log, transport, clock } = fakes();
    new SessionEnd(transport, 100, clock).fail(undefined, new WebSocketError("WS_ERR_BUFFER_FULL"));
    assert.deepEqual(log, ["destroy"], "before the switch to frames");
  });

  it("a protocol error's close frame goes out when the session says, then our side ends", () => {
    const { log, transport, connection, clock } = fakes();
    new SessionEnd(transport, 100, clock).failForProtocol(connection);
    assert.deepEqual(log, ["close for the protocol error", "end"]);
  });

  it("ignores failures once the transport is gone", () => {
    const { log, transport, connection, clock } = fakes();
    const end = new SessionEnd(transport, 100, clock);
    end.finish();
    end.fail(connection, new WebSocketError("WS_ERR_BUFFER_FULL"));
    end.failForProtocol(connection);
    assert.deepEqual(log, []);
  });
});
