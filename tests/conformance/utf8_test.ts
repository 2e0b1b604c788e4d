// RFC 6455 §8.1 UTF-8 in text messages, both roles, through the whole
// engine: the categories of Markus Kuhn's UTF-8 decoder stress test, sent
// whole, one byte per fragment, and split at every byte across two
// fragments; and fail-fast: the close comes before the rest of the message.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hex } from "../_helpers/frames.ts";
import { failedWith, harness, outcome, pool, ROLES } from "../_helpers/engine_pair.ts";

/** Kuhn §1–§2 and the §5.3 noncharacters: valid. */
const VALID: Record<string, string> = {
  "1 κόσμε": "ce ba e1 bd b9 cf 83 ce bc ce b5",
  "2.1 first of each length": "00 c2 80 e0 a0 80 f0 90 80 80",
  "2.2 last of each length": "7f df bf ef bf bf f4 8f bf bf",
  "2.3 other boundaries": "ed 9f bf ee 80 80 ef bf bd",
  "5.3 noncharacters": "ef bf be ef bf bf ef b7 90 ef b7 af f0 9f bf bf f4 8f bf be",
};

/** Kuhn §2.2 (beyond U+10FFFF), §3 (malformed), §4 (overlong), §5.1–5.2 (surrogates): invalid. */
const INVALID: Record<string, string> = {
  "2.2 five-byte form": "f8 88 80 80 80",
  "2.2 six-byte form": "fc 84 80 80 80 80",
  "2.3 U+110000": "f4 90 80 80",
  "3.1 lone continuation 0x80": "80",
  "3.1 lone continuation 0xbf": "bf",
  "3.1 three continuations": "80 bf 80",
  "3.2 lonely 2-byte start": "c2 20",
  "3.2 lonely 3-byte start": "e1 20",
  "3.2 lonely 4-byte start": "f1 20",
  "3.2 lonely 5-byte start": "f8 20",
  "3.3 2-byte sequence, last byte missing": "ce 20",
  "3.3 3-byte sequence, last byte missing": "e1 bd 20",
  "3.3 4-byte sequence, last byte missing": "f0 9f 98 20",
  "3.4 truncated sequences concatenated": "c2 e1 80 f1 80 80",
  "3.5 impossible byte 0xfe": "fe",
  "3.5 impossible byte 0xff": "ff",
  "3.5 fe fe ff ff": "fe fe ff ff",
  "4.1 overlong slash, 2 bytes": "c0 af",
  "4.1 overlong slash, 3 bytes": "e0 80 af",
  "4.1 overlong slash, 4 bytes": "f0 80 80 af",
  "4.2 maximum overlong, 2 bytes": "c1 bf",
  "4.2 maximum overlong, 3 bytes": "e0 9f bf",
  "4.2 maximum overlong, 4 bytes": "f0 8f bf bf",
  "4.3 overlong NUL, 2 bytes": "c0 80",
  "4.3 overlong NUL, 3 bytes": "e0 80 80",
  "5.1 lone high surrogate U+D800": "ed a0 80",
  "5.1 lone high surrogate U+DB7F": "ed ad bf",
  "5.1 lone low surrogate U+DC00": "ed b0 80",
  "5.1 lone low surrogate U+DFFF": "ed bf bf",
  "5.2 surrogate pair U+D800 U+DC00": "ed a0 80 ed b0 80",
  "5.2 surrogate pair U+DBFF U+DFFF": "ed af bf ed bf bf",
  "a message that ends inside a sequence": "61 e2 82",
};

type Delivery = { name: string; split(bytes: Uint8Array): Uint8Array[] };

/** Whole; one byte per fragment; and two fragments split at every position. */
function deliveries(length: number): Delivery[] {
  const out: Delivery[] = [
    { name: "whole", split: (bytes) => [bytes] },
    { name: "a byte per fragment", split: (bytes) => Array.from(bytes, (byte) => Uint8Array.of(byte)) },
  ];
  for (let at = 1; at < length; at++) {
    out.push({ name: `split at ${at}`, split: (bytes) => [bytes.subarray(0, at), bytes.subarray(at)] });
  }
  return out;
}

for (const role of ROLES) {
  describe(`RFC 6455 §8.1 UTF-8 (Kuhn's stress test): the ${role}`, () => {
    for (const [table, valid] of [[VALID, true], [INVALID, false]] as const) {
      it(`${valid ? "valid" : "invalid"} sequences, whole, per fragment and split inside code points`, async () => {
        const h = await harness(role);
        const cases = Object.entries(table).flatMap(([name, text]) =>
          deliveries(hex(text).length).map((delivery) => ({ name, bytes: hex(text), delivery }))
        );
        const wrong: string[] = [];
        await pool(cases.length, 24, async (index) => {
          const { name, bytes, delivery } = cases[index];
          const pair = await h.open();
          const fragments = delivery.split(bytes);
          fragments.forEach((payload, i) =>
            pair.send({ opcode: i === 0 ? 1 : 0, fin: i === fragments.length - 1, payload })
          );
          if (valid) pair.send({ opcode: 8 });
          const seen = await outcome(pair);
          const expected = valid
            ? `1005 message:text:${new TextDecoder().decode(bytes)} close:1005:true`
            : failedWith(1007, "WS_ERR_INVALID_UTF8");
          if (seen !== expected) wrong.push(`${name} (${delivery.name}): ${seen}`);
        });
        await h.close();
        assert.deepEqual(wrong, []);
      });
    }

    it("fails fast: 1007 arrives while the rest of the frame and of the message are still unsent", async () => {
      const h = await harness(role);
      const frameOpen = await h.open();
      // A 1000-byte text frame of which only 8 bytes are sent, the bad byte among them.
      frameOpen.send({ opcode: 1, length: 1000, payload: hex("61 62 63 c0 af 64 65 66") });
      const messageOpen = await h.open();
      messageOpen.send({ opcode: 1, fin: false, payload: hex("61 ed a0 80") });
      const seen = await Promise.all([outcome(frameOpen), outcome(messageOpen)]);
      await h.close();
      assert.deepEqual(seen, [failedWith(1007, "WS_ERR_INVALID_UTF8"), failedWith(1007, "WS_ERR_INVALID_UTF8")]);
    });
  });
}
