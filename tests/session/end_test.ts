import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SessionEnd } from "../../src/session/end.ts";
import { WebSocketError } from "../../src/protocol/errors.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function fakes() {
  const log: string[] = [];
  const transport = { end: () => log.push("end"), destroy: () => log.push("destroy") };
  const connection = {
    closeSent: false,
    close(code?: number) {
      this.closeSent = true;
      log.push(`close ${code}`);
    },
  };
  return { log, transport, connection };
}

describe("how a session ends", () => {
  it("reports 1006 until the peer's close frame says otherwise", () => {
    const end = new SessionEnd(fakes().transport, {});
    assert.deepEqual([end.code, end.reason], [1006, ""]);
    end.closeReceived(4000, "bye");
    end.finish();
    assert.deepEqual([end.code, end.reason], [4000, "bye"]);
  });

  it("destroys a transport the peer keeps open past closeTimeout, once", async () => {
    const { log, transport } = fakes();
    const end = new SessionEnd(transport, { closeTimeout: 20 });
    end.arm();
    await sleep(10);
    end.arm(); // a second call arms no second timer
    await sleep(30);
    assert.deepEqual(log, ["destroy"]);
  });

  it("a transport gone in time clears the timer, once; none is armed after", async () => {
    const { log, transport } = fakes();
    const end = new SessionEnd(transport, { closeTimeout: 10 });
    end.arm();
    assert.equal(end.finish(), true);
    assert.equal(end.finish(), false);
    end.arm();
    await sleep(30);
    assert.deepEqual(log, []);
    assert.equal(end.done, true);
  });

  it("a failure sends its close code and ends the transport; the first failure wins", () => {
    const { log, transport, connection } = fakes();
    const end = new SessionEnd(transport, { closeTimeout: 10_000 });
    const full = new WebSocketError("WS_ERR_BUFFER_FULL");
    end.fail(full, connection);
    end.fail(new WebSocketError("WS_ERR_IDLE_TIMEOUT"), connection);
    end.finish();
    assert.deepEqual(log, ["close 1008", "end"]);
    assert.equal(end.error, full);
  });

  it("destroys at once when no close frame can carry the failure", () => {
    for (const [error, closeSent] of [["WS_ERR_IDLE_TIMEOUT", false], ["WS_ERR_BUFFER_FULL", true]] as const) {
      const { log, transport, connection } = fakes();
      connection.closeSent = closeSent;
      new SessionEnd(transport, {}).fail(new WebSocketError(error), connection);
      assert.deepEqual(log, ["destroy"], error);
    }
    const { log, transport } = fakes();
    new SessionEnd(transport, {}).fail(new WebSocketError("WS_ERR_BUFFER_FULL"), undefined);
    assert.deepEqual(log, ["destroy"], "before the switch to frames");
  });

  it("ignores failures once the transport is gone", () => {
    const { log, transport, connection } = fakes();
    const end = new SessionEnd(transport, {});
    end.finish();
    end.fail(new WebSocketError("WS_ERR_BUFFER_FULL"), connection);
    assert.deepEqual(log, []);
    assert.equal(end.error, undefined);
  });
});
