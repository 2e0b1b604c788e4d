// The Autobahn|Testsuite's fuzzing peers against our engine, both roles: its
// fuzzingclient (masked frames from a raw TCP client) against a serve() whose
// application echoes every message, and its fuzzingserver (unmasked frames
// from a raw TCP server) against our WebSocket doing the same; judged as the
// suite judges: the echoes and pongs, who sends the first close frame with
// which code, a closing handshake that completes, and a server that closes
// TCP after it without waiting for the client.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ROLES } from "../_helpers/engine_pair.ts";
import { family, play, shortfalls } from "../_helpers/autobahn_play.ts";
import { AUTOBAHN_CASES } from "../_helpers/autobahn_cases.ts";
import { AUTOBAHN_UTF8_CASES } from "../_helpers/autobahn_utf8_cases.ts";

const FAMILIES = [
  ["1.x framing (text and binary, 0–65536 bytes)", family(AUTOBAHN_CASES, "1")],
  ["2.x pings and pongs", family(AUTOBAHN_CASES, "2")],
  ["3.x reserved bits", family(AUTOBAHN_CASES, "3")],
  ["4.x reserved opcodes", family(AUTOBAHN_CASES, "4")],
  ["5.x fragmentation", family(AUTOBAHN_CASES, "5")],
  ["6.1–6.4 empty and fragmented text, failing fast on UTF-8", family(AUTOBAHN_UTF8_CASES, "6.1", "6.2", "6.3", "6.4")],
  ["6.5–6.23 Kuhn's UTF-8 stress test", AUTOBAHN_UTF8_CASES.filter((c) => Number(c.id.split(".")[1]) >= 5)],
  ["7.x closing", family(AUTOBAHN_CASES, "7")],
  ["9.x sizes and 10.1.1 auto-fragmentation", family(AUTOBAHN_CASES, "9", "10")],
] as const;

for (const role of ROLES) {
  describe(`Autobahn|Testsuite cases against our ${role}: every case OK`, () => {
    for (const [name, cases] of FAMILIES) {
      it(`${name} (${cases.length} cases)`, async () => {
        assert.ok(cases.length > 0);
        assert.deepEqual(shortfalls(await play(role, cases)), []);
      });
    }

    it("the judge reports a wrong echo, a wrong close code and the wrong closing side", async () => {
      const ids = ["1.1.2", "7.7.2", "2.5"];
      const [echo, code, side] = ids.map((id) => AUTOBAHN_CASES.find((c) => c.id === id)!);
      const verdicts = await play(role, [
        { ...echo, expected: { OK: ["text:not what was sent"] } },
        { ...code, close: { ...code.close, codes: [1000] } },
        { ...side, close: { ...side.close, byPeer: true } },
      ]);
      assert.deepEqual(ids.map((id) => `${verdicts.get(id)?.behavior} / ${verdicts.get(id)?.close}`), [
        "FAILED / OK",
        "OK / WRONG CODE 1001",
        "OK / FAILED (closed by the wrong endpoint)",
      ]);
    });
  });
}
