// RFC 6455 §5.5 control frames, both roles, through the whole engine: pings
// of every allowed length answered in order, the 126-byte ping refused,
// unsolicited pongs, and pings between the fragments of a message.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { concat, frame } from "../_helpers/frames.ts";
import { exchange, failedWith, harness, outcome, ROLES } from "../_helpers/engine_pair.ts";

const bytesOf = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 13 + length) & 0xff);

for (const role of ROLES) {
  const masked = role === "server";
  describe(`RFC 6455 §5.5 control frames: the ${role}`, () => {
    it("126 pings of 0–125 bytes in one read: 126 pongs, in order, with the same payloads", async () => {
      const h = await harness(role);
      const pair = await h.open();
      pair.peer.write(
        concat(Array.from({ length: 126 }, (_, n) => frame({ opcode: 9, payload: bytesOf(n), mask: masked }))),
      );
      for (let n = 0; n < 126; n++) {
        const pong = await pair.peer.readFrame();
        assert.deepEqual([pong.opcode, pong.fin, pong.masked], [10, true, !masked], `pong ${n}`);
        assert.deepEqual(pong.payload, bytesOf(n), `pong ${n} echoes its ping`);
      }
      pair.ws.close(1000);
      pair.send({ opcode: 8 });
      const result = await outcome(pair);
      await h.close();
      assert.equal(
        result,
        ["1000", ...Array.from({ length: 126 }, (_, n) => `ping:${n}`), "close:1005:true"].join(" "),
      );
    });

    it("a ping that arrives after we sent our close is still answered (§5.5.2)", async () => {
      const h = await harness(role);
      const pair = await h.open();
      pair.ws.close(1000);
      pair.send({ opcode: 9, payload: "still?" });
      const { code } = await pair.readClose();
      const pong = await pair.peer.readFrame();
      assert.deepEqual([code, pong.opcode, new TextDecoder().decode(pong.payload)], [1000, 10, "still?"]);
      pair.send({ opcode: 8, payload: Uint8Array.of(3, 232) });
      if (role === "client") pair.peer.end();
      const event = await pair.closed;
      await h.close();
      assert.deepEqual([event.code, event.wasClean], [1000, true]);
    });

    it("a ping of 126 bytes fails the connection with 1002", async () => {
      const seen = await exchange(role, (pair) => pair.send({ opcode: 9, payload: bytesOf(126) }));
      assert.equal(seen, failedWith(1002, "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH"));
    });

    it("a fragmented ping fails the connection with 1002", async () => {
      const seen = await exchange(role, (pair) => pair.send({ opcode: 9, fin: false, payload: "a" }));
      assert.equal(seen, failedWith(1002, "WS_ERR_EXPECTED_FIN"));
    });

    it("an unsolicited pong is reported, not answered, and the connection goes on", async () => {
      const seen = await exchange(role, (pair) => {
        pair.send({ opcode: 10, payload: "tick" });
        pair.send({ opcode: 1, payload: "still here" });
        pair.send({ opcode: 8 });
      });
      assert.equal(seen, "1005 pong:4 message:text:still here close:1005:true");
    });

    it("pings and pongs between fragments are answered at once; the message arrives whole", async () => {
      const h = await harness(role);
      const pair = await h.open();
      pair.send({ opcode: 1, fin: false, payload: "frag" });
      pair.send({ opcode: 9, payload: "p1" });
      const pong = await pair.peer.readFrame();
      assert.deepEqual([pong.opcode, new TextDecoder().decode(pong.payload)], [10, "p1"], "answered mid-message");
      pair.send({ opcode: 10, payload: "x" });
      pair.send({ opcode: 0, fin: false, payload: "men" });
      pair.send({ opcode: 9 });
      pair.send({ opcode: 0, payload: "ted" });
      pair.send({ opcode: 8 });
      const { code, before } = await pair.readClose();
      pair.peer.end();
      await pair.closed;
      await h.close();
      assert.deepEqual([code, before], [1005, [10]]);
      assert.deepEqual(pair.log, ["ping:2", "pong:1", "ping:0", "message:text:fragmented", "close:1005:true"]);
    });
  });
}
