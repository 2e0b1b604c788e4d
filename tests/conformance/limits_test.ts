// RFC 6455 §10.4 limits, both roles, through the whole engine: messages just
// under, at and over maxPayload, whole and fragmented, and a frame whose
// announced length is over the limit refused before its payload arrives.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { exchange, failedWith, harness, outcome, pool, ROLES } from "../_helpers/engine_pair.ts";

const LIMIT = 1000;

for (const role of ROLES) {
  describe(`RFC 6455 §10.4 message size limit (maxPayload ${LIMIT}): the ${role}`, () => {
    it("messages of LIMIT-1 and LIMIT bytes arrive, whole or fragmented; LIMIT+1 fails with 1009", async () => {
      const h = await harness(role, { maxPayload: LIMIT });
      const cases = [LIMIT - 1, LIMIT, LIMIT + 1].flatMap((size) => [
        { size, fragments: [size] },
        { size, fragments: [size >> 1, size - (size >> 1)] },
        { size, fragments: [0, size - 1, 1] },
      ]);
      const wrong: string[] = [];
      await pool(cases.length, 9, async (index) => {
        const { size, fragments } = cases[index];
        const pair = await h.open();
        fragments.forEach((length, i) =>
          pair.send({ opcode: i === 0 ? 2 : 0, fin: i === fragments.length - 1, payload: new Uint8Array(length) })
        );
        pair.send({ opcode: 8 });
        const seen = await outcome(pair);
        const expected = size <= LIMIT
          ? `1005 message:binary:${size} close:1005:true`
          : failedWith(1009, "WS_ERR_MESSAGE_TOO_BIG");
        if (seen !== expected) wrong.push(`${size} as ${fragments.join("+")}: ${seen}`);
      });
      await h.close();
      assert.deepEqual(wrong, []);
    });

    it("a frame announcing more than the limit fails with 1009 before any payload is sent", async () => {
      const seen = await exchange(
        role,
        (pair) => pair.send({ opcode: 1, length: 2 ** 40, payload: new Uint8Array(0) }),
        { maxPayload: LIMIT },
      );
      assert.equal(seen, failedWith(1009, "WS_ERR_MESSAGE_TOO_BIG"));
    });

    it("a frame with the top bit of its 64-bit length set fails with 1002", async () => {
      const seen = await exchange(
        role,
        (pair) => pair.send({ opcode: 2, length: 2 ** 63, lengthBytes: 8, payload: new Uint8Array(0) }),
      );
      assert.equal(seen, failedWith(1002, "WS_ERR_INVALID_PAYLOAD_LENGTH"));
    });
  });
}
