// RFC 6455 §5.4 fragmentation, both roles, through the whole engine:
// broken fragment sequences, control frames and empty fragments inside a
// message, and the fragment-count limit that stops the tiny-fragment attack.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { concat, frame } from "../_helpers/frames.ts";
import { exchange, failedWith, ROLES } from "../_helpers/engine_pair.ts";

for (const role of ROLES) {
  const masked = role === "server";
  describe(`RFC 6455 §5.4 fragmentation: the ${role}`, () => {
    it("a continuation with no message started fails with 1002", async () => {
      const seen = await exchange(role, (pair) => pair.send({ opcode: 0, payload: "orphan" }));
      assert.equal(seen, failedWith(1002, "WS_ERR_INVALID_CONTINUATION"));
    });

    it("a continuation after a finished message fails with 1002", async () => {
      const seen = await exchange(role, (pair) => {
        pair.send({ opcode: 1, payload: "done" });
        pair.send({ opcode: 0, payload: "more" });
      });
      assert.equal(seen, failedWith(1002, "WS_ERR_INVALID_CONTINUATION", ["message:text:done"]));
    });

    for (const opcode of [1, 2]) {
      it(`a new ${opcode === 1 ? "text" : "binary"} frame inside a fragmented message fails with 1002`, async () => {
        const seen = await exchange(role, (pair) => {
          pair.send({ opcode: 2, fin: false, payload: "ab" });
          pair.send({ opcode, payload: "c" });
        });
        assert.equal(seen, failedWith(1002, "WS_ERR_EXPECTED_CONTINUATION"));
      });
    }

    it("empty fragments anywhere, and an empty fragmented message, assemble correctly", async () => {
      const frames = [
        { opcode: 1, fin: false },
        { opcode: 0, fin: false, payload: "ab" },
        { opcode: 0, fin: false },
        { opcode: 0, payload: "c" },
        { opcode: 2, fin: false },
        { opcode: 0, fin: false },
        { opcode: 0 },
        { opcode: 1, payload: "d" },
        { opcode: 8 },
      ];
      const seen = await exchange(role, (pair) => frames.forEach((spec) => pair.send(spec)));
      assert.equal(seen, "1005 message:text:abc message:binary:0 message:text:d close:1005:true");
    });

    it("100,000 one-byte fragments (the limit) make one message; one more empty fragment is 1009", async () => {
      const count = 100_000;
      let delivered: Uint8Array | undefined;
      const parts = [frame({ opcode: 2, fin: false, payload: Uint8Array.of(1), mask: masked })];
      for (let i = 1; i < count - 1; i++) {
        parts.push(frame({ opcode: 0, fin: false, payload: Uint8Array.of(1), mask: masked }));
      }
      parts.push(frame({ opcode: 0, payload: Uint8Array.of(1), mask: masked }));
      const over = [frame({ opcode: 2, fin: false, mask: masked })];
      for (let i = 1; i <= count; i++) over.push(frame({ opcode: 0, fin: false, mask: masked }));
      const seen = await exchange(role, (pair) => {
        pair.peer.write(concat(parts));
        pair.peer.write(concat(over));
        pair.ws.addEventListener("message", (event) => delivered = new Uint8Array(event.data as ArrayBuffer));
      });
      assert.equal(seen, failedWith(1009, "WS_ERR_TOO_MANY_FRAGMENTS", [`message:binary:${count}`]));
      assert.ok(delivered!.every((byte) => byte === 1));
    });
  });
}
