// RFC 6455 §5.4 fragmentation, both roles, through the whole engine:
// broken fragment sequences, control frames and empty fragments inside a
// message, and the fragment-count limit that stops the tiny-fragment attack.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { concat, frame } from "../_helpers/frames.ts";
import { failedWith, harness, outcome, ROLES } from "../_helpers/engine_pair.ts";

for (const role of ROLES) {
  const masked = role === "server";
  describe(`RFC 6455 §5.4 fragmentation: the ${role}`, () => {
    it("a continuation with no message started fails with 1002", async () => {
      const h = await harness(role);
      const pair = await h.open();
      pair.send({ opcode: 0, payload: "orphan" });
      const seen = await outcome(pair);
      await h.close();
      assert.equal(seen, failedWith(1002, "WS_ERR_INVALID_CONTINUATION"));
    });

    it("a continuation after a finished message fails with 1002", async () => {
      const h = await harness(role);
      const pair = await h.open();
      pair.send({ opcode: 1, payload: "done" });
      pair.send({ opcode: 0, payload: "more" });
      const seen = await outcome(pair);
      await h.close();
      assert.equal(seen, failedWith(1002, "WS_ERR_INVALID_CONTINUATION", ["message:text:done"]));
    });

    for (const opcode of [1, 2]) {
      it(`a new ${opcode === 1 ? "text" : "binary"} frame inside a fragmented message fails with 1002`, async () => {
        const h = await harness(role);
        const pair = await h.open();
        pair.send({ opcode: 2, fin: false, payload: "ab" });
        pair.send({ opcode, payload: "c" });
        const seen = await outcome(pair);
        await h.close();
        assert.equal(seen, failedWith(1002, "WS_ERR_EXPECTED_CONTINUATION"));
      });
    }

    it("empty fragments anywhere, and an empty fragmented message, assemble correctly", async () => {
      const h = await harness(role);
      const pair = await h.open();
      pair.send({ opcode: 1, fin: false });
      pair.send({ opcode: 0, fin: false, payload: "ab" });
      pair.send({ opcode: 0, fin: false });
      pair.send({ opcode: 0, payload: "c" });
      pair.send({ opcode: 2, fin: false });
      pair.send({ opcode: 0, fin: false });
      pair.send({ opcode: 0 });
      pair.send({ opcode: 1, payload: "d" });
      pair.send({ opcode: 0x8 });
      const seen = await outcome(pair);
      await h.close();
      assert.equal(seen, "1005 message:text:abc message:binary:0 message:text:d close:1005:true");
    });

    it("100,000 one-byte fragments (the limit) make one message; one more empty fragment is 1009", async () => {
      const h = await harness(role);
      const pair = await h.open();
      const count = 100_000;
      const parts = [frame({ opcode: 2, fin: false, payload: Uint8Array.of(1), mask: masked })];
      for (let i = 1; i < count - 1; i++) {
        parts.push(frame({ opcode: 0, fin: false, payload: Uint8Array.of(1), mask: masked }));
      }
      parts.push(frame({ opcode: 0, payload: Uint8Array.of(1), mask: masked }));
      pair.peer.write(concat(parts));
      const over = [frame({ opcode: 2, fin: false, mask: masked })];
      for (let i = 1; i <= count; i++) over.push(frame({ opcode: 0, fin: false, mask: masked }));
      pair.peer.write(concat(over));
      const seen = await outcome(pair);
      await h.close();
      assert.equal(seen, failedWith(1009, "WS_ERR_TOO_MANY_FRAGMENTS", [`message:binary:${count}`]));
      assert.ok((pair.messages[0] as Uint8Array).every((byte) => byte === 1));
    });
  });
}
