// RFC 6455 §10.4 limits, both roles, through the whole engine: messages just
// under, at and over maxPayload, whole and fragmented, and a frame whose
// announced length is over the limit refused before its payload arrives.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { exchange, failedWith, harness, outcome, pool, ROLES } from "../_helpers/engine_pair.ts";
import { concat, frame } from "../_helpers/frames.ts";

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

    it("a frame claiming 4 GiB or more fails with 1009 at its header, under the default limit too", async () => {
      const lengths = [2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53, 2 ** 63 - 1024];
      const wrong: string[] = [];
      for (const options of [{ maxPayload: LIMIT }, {}, { maxPayload: 2 ** 53 }]) {
        const h = await harness(role, options);
        await pool(lengths.length, 5, async (index) => {
          const length = lengths[index];
          // Under a limit of 2^53 (capped to 2^53 - 1) only the lengths past it fail.
          if (options.maxPayload === 2 ** 53 && length < 2 ** 53) return;
          const pair = await h.open();
          pair.send({ opcode: 2, length, lengthBytes: 8, payload: new Uint8Array(0) });
          const seen = await outcome(pair);
          if (seen !== failedWith(1009, "WS_ERR_MESSAGE_TOO_BIG")) {
            wrong.push(`${length} ${JSON.stringify(options)}: ${seen}`);
          }
        });
        await h.close();
      }
      assert.deepEqual(wrong, []);
    });

    it("maxPayload and maxFragments of Infinity mean no limit: a fragmented message arrives", async () => {
      const seen = await exchange(role, (pair) => {
        pair.send({ opcode: 2, fin: false, payload: new Uint8Array(3) });
        pair.send({ opcode: 0, payload: new Uint8Array(4) });
        pair.send({ opcode: 8 });
      }, { maxPayload: Infinity, maxFragments: Infinity });
      assert.equal(seen, "1005 message:binary:7 close:1005:true");
    });

    it("with a limit above 4 GiB, a frame announcing 2^32 bytes is waited for, not taken as empty", async () => {
      const h = await harness(role, { maxPayload: 2 ** 40 });
      const pair = await h.open();
      // A ping inside the announced payload: it is payload, and must be neither answered nor seen.
      pair.peer.write(concat([
        frame({ opcode: 2, length: 2 ** 32, lengthBytes: 8, mask: role === "server" ? new Uint8Array(4) : false }),
        frame({ opcode: 9, payload: "p" }),
      ]));
      pair.peer.end();
      await pair.closed;
      await pair.peer.closed;
      await h.close();
      assert.deepEqual(pair.log, ["close:1006:false"]);
      assert.equal(pair.peer.buffered.length, 0, "nothing was answered");
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
