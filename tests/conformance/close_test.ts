// RFC 6455 §5.5.1 and §7 (closing), both roles, through the whole engine:
// every status code 0–5000 received, odd close payloads, and the ways a
// closing handshake goes wrong.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { closePayload, concat, frame } from "../_helpers/frames.ts";
import { finish, harness, pool, ROLES } from "../_helpers/engine_pair.ts";

/** §7.4: what may appear on the wire (1004–1006 and 1015 are reserved; 1012–1014 are IANA-registered). */
function validOnTheWire(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

for (const role of ROLES) {
  describe(`RFC 6455 §7.4 close codes received by the ${role}`, () => {
    it("every code 0–5000: valid codes are echoed and close cleanly, the rest fail with 1002", async () => {
      const h = await harness(role);
      const wrong: string[] = [];
      try {
        await pool(5001, 48, async (code) => {
          const pair = await h.open();
          pair.send({ opcode: 8, payload: closePayload(code) });
          const { code: echoed, event } = await finish(pair);
          const expected = validOnTheWire(code)
            ? `${code} ${code}:true`
            : `1002 1006:false error:WS_ERR_INVALID_CLOSE_CODE`;
          const seen = validOnTheWire(code)
            ? `${echoed} ${event.code}:${event.wasClean}`
            : `${echoed} ${event.code}:${event.wasClean} ${pair.log[0]}`;
          if (seen !== expected) wrong.push(`${code}: expected ${expected}, got ${seen}`);
        });
      } finally {
        await h.close();
      }
      assert.deepEqual(wrong, []);
    });
  });

  describe(`RFC 6455 §5.5.1 close payloads and the closing handshake: the ${role}`, () => {
    it("an empty close is answered with an empty close; the event says 1005, clean", async () => {
      const h = await harness(role);
      const pair = await h.open();
      pair.send({ opcode: 8 });
      const { code, event } = await finish(pair);
      await h.close();
      assert.equal(code, 1005, "no status code in our answer either");
      assert.deepEqual([event.code, event.reason, event.wasClean], [1005, "", true]);
    });

    it("a 1-byte close payload fails the connection with 1002", async () => {
      const h = await harness(role);
      const pair = await h.open();
      pair.send({ opcode: 8, payload: Uint8Array.of(3) });
      const { code, event } = await finish(pair);
      await h.close();
      assert.equal(code, 1002);
      assert.deepEqual(pair.log, ["error:WS_ERR_INVALID_CLOSE_PAYLOAD", "close:1006:false"]);
      assert.equal(event.wasClean, false);
    });

    it("a 123-byte reason (the most a control frame holds) reaches the application and is echoed", async () => {
      const h = await harness(role);
      const pair = await h.open();
      const reason = "é".repeat(61) + "x";
      pair.send({ opcode: 8, payload: closePayload(4321, reason) });
      const { code, reason: echoedReason, event } = await finish(pair);
      await h.close();
      assert.equal(code, 4321);
      assert.equal(new TextDecoder().decode(echoedReason), reason);
      assert.deepEqual([event.code, event.reason, event.wasClean], [4321, reason, true]);
    });

    it("a reason that is not UTF-8 fails the connection with 1007", async () => {
      const h = await harness(role);
      const pair = await h.open();
      pair.send({ opcode: 8, payload: concat([closePayload(1000), Uint8Array.of(0xce, 0xba, 0xe1, 0xbd)]) });
      const { code, event } = await finish(pair);
      await h.close();
      assert.equal(code, 1007);
      assert.deepEqual(pair.log, ["error:WS_ERR_INVALID_UTF8", "close:1006:false"]);
      assert.equal(event.code, 1006);
    });

    it("data and a second close after the peer's close are not delivered", async () => {
      const h = await harness(role);
      const pair = await h.open();
      pair.peer.write(concat([
        frame({ opcode: 1, payload: "before", mask: role === "server" }),
        frame({ opcode: 8, payload: closePayload(1000), mask: role === "server" }),
        frame({ opcode: 1, payload: "after", mask: role === "server" }),
        frame({ opcode: 8, payload: closePayload(3001), mask: role === "server" }),
      ]));
      const { code, event } = await finish(pair);
      await h.close();
      assert.equal(code, 1000);
      assert.deepEqual(pair.log, ["message:text:before", "close:1000:true"]);
      assert.equal(event.wasClean, true);
    });

    it("broken frames after the peer's close are discarded: the close stays clean (§1.4)", async () => {
      const h = await harness(role);
      const pair = await h.open();
      const mask = role === "server";
      pair.peer.write(concat([
        frame({ opcode: 8, payload: closePayload(1000), mask }),
        frame({ opcode: 8, payload: closePayload(5000), mask }),
        frame({ opcode: 0, payload: "orphan", mask }),
        frame({ opcode: 3, mask }),
      ]));
      const { code, event } = await finish(pair);
      await h.close();
      assert.equal(code, 1000);
      assert.deepEqual(pair.log, ["close:1000:true"]);
      assert.equal(event.wasClean, true);
    });

    it("close() twice sends one close frame; the peer's answer completes a clean close", async () => {
      const h = await harness(role);
      const pair = await h.open();
      pair.ws.close(3000, "first");
      pair.ws.close(3001, "second");
      const { code } = await pair.readClose();
      assert.equal(code, 3000);
      pair.send({ opcode: 8, payload: closePayload(3000, "ack") });
      if (role === "client") pair.peer.end();
      const event = await pair.closed;
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(pair.peer.buffered.length, 0, "nothing after the one close frame");
      await h.close();
      assert.deepEqual(
        [event.code, event.reason, event.wasClean],
        [3000, "ack", true],
        "the event reports the peer's close frame",
      );
    });

    it("a peer that vanishes mid-close gives 1006, not clean, at once", async () => {
      const h = await harness(role);
      const pair = await h.open();
      pair.ws.close(1000);
      await pair.readClose();
      pair.peer.destroy();
      const event = await pair.closed;
      await h.close();
      assert.deepEqual([event.code, event.wasClean], [1006, false]);
    });

    it("a peer that never answers our close is dropped after closeTimeout", async () => {
      const h = await harness(role, { closeTimeout: 150 });
      const pair = await h.open();
      const started = Date.now();
      pair.ws.close(1000);
      await pair.readClose();
      const event = await pair.closed;
      const waited = Date.now() - started;
      await h.close();
      assert.deepEqual([event.code, event.wasClean], [1006, false]);
      assert.ok(waited >= 140 && waited < 3000, `closed after ${waited} ms`);
    });
  });
}
