// RFC 6455 §5.2 reserved bits and opcodes and §5.3 masking, both roles,
// through the whole engine: every RSV combination and every reserved opcode,
// as the first frame, inside a fragmented message and after a valid one.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { closeCleanly, failedWith, harness, outcome, type Pair, pool, ROLES } from "../_helpers/engine_pair.ts";

const RESERVED_OPCODES = [3, 4, 5, 6, 7, 11, 12, 13, 14, 15];

type Place = "first" | "mid-message" | "after a message";

/** Put the peer's connection where `place` says, before the frame under test. */
function lead(pair: Pair, place: Place): string[] {
  if (place === "mid-message") pair.send({ opcode: 1, fin: false, payload: "half" });
  if (place === "after a message") {
    pair.send({ opcode: 2, payload: new Uint8Array(3) });
    return ["message:binary:3"];
  }
  return [];
}

for (const role of ROLES) {
  describe(`RFC 6455 §5.2 reserved bits and opcodes: the ${role}`, () => {
    it("every RSV combination on data and control frames, in every place: 1002", async () => {
      const h = await harness(role);
      const wrong: string[] = [];
      const cases: Array<{ rsv: number; opcode: number; place: Place }> = [];
      for (let rsv = 1; rsv < 8; rsv++) {
        for (const opcode of [1, 2, 9, 10, 8]) {
          for (const place of ["first", "mid-message", "after a message"] as Place[]) {
            cases.push({ rsv, opcode, place });
          }
        }
      }
      await pool(cases.length, 16, async (index) => {
        const { rsv, opcode, place } = cases[index];
        const pair = await h.open();
        const before = lead(pair, place);
        const payload = opcode === 8 ? Uint8Array.of(3, 232) : "x";
        pair.send({ opcode, payload, rsv1: (rsv & 4) !== 0, rsv2: (rsv & 2) !== 0, rsv3: (rsv & 1) !== 0 });
        const seen = await outcome(pair);
        const expected = failedWith(1002, "WS_ERR_UNEXPECTED_RSV", before);
        if (seen !== expected) wrong.push(`rsv ${rsv} opcode ${opcode} ${place}: ${seen}`);
      });
      await h.close();
      assert.deepEqual(wrong, []);
    });

    it("every reserved opcode (0x3–0x7, 0xB–0xF), in every place: 1002", async () => {
      const h = await harness(role);
      const wrong: string[] = [];
      const places: Place[] = ["first", "mid-message", "after a message"];
      await pool(RESERVED_OPCODES.length * places.length, 16, async (index) => {
        const opcode = RESERVED_OPCODES[index % RESERVED_OPCODES.length];
        const place = places[Math.floor(index / RESERVED_OPCODES.length)];
        const pair = await h.open();
        const before = lead(pair, place);
        pair.send({ opcode, payload: "x" });
        const seen = await outcome(pair);
        const expected = failedWith(1002, "WS_ERR_INVALID_OPCODE", before);
        if (seen !== expected) wrong.push(`opcode ${opcode} ${place}: ${seen}`);
      });
      await h.close();
      assert.deepEqual(wrong, []);
    });
  });

  describe(`RFC 6455 §5.3 masking: the ${role}`, () => {
    const wrongMask = role === "server" ? false : true;
    const error = role === "server" ? "WS_ERR_EXPECTED_MASK" : "WS_ERR_UNEXPECTED_MASK";
    it(`${role === "server" ? "an unmasked" : "a masked"} frame of any kind fails with 1002`, async () => {
      const h = await harness(role);
      const wrong: string[] = [];
      const opcodes = [1, 2, 9, 10, 8];
      await pool(opcodes.length, 8, async (index) => {
        const opcode = opcodes[index];
        const pair = await h.open();
        pair.send({ opcode, payload: opcode === 8 ? Uint8Array.of(3, 232) : "x", mask: wrongMask });
        const seen = await outcome(pair);
        if (seen !== failedWith(1002, error)) wrong.push(`opcode ${opcode}: ${seen}`);
      });
      await h.close();
      assert.deepEqual(wrong, []);
    });

    it("frames we send are masked exactly when our role says so, with a fresh key each", async () => {
      const h = await harness(role);
      const pair = await h.open();
      for (let i = 0; i < 8; i++) pair.ws.send("same text");
      const keys = new Set<string>();
      for (let i = 0; i < 8; i++) {
        const head = await pair.peer.read(2);
        assert.equal((head[1] & 0x80) !== 0, role === "client");
        if (role === "client") keys.add((await pair.peer.read(4)).join());
        await pair.peer.read(9);
      }
      if (role === "client") assert.equal(keys.size, 8, "no key reused");
      await closeCleanly(pair);
      await h.close();
    });
  });
}
