// Test helper, not a test: the Autobahn|Testsuite's 6.x cases as our own
// table: empty and fragmented text (6.1–6.3), failing fast on invalid UTF-8
// at the byte that makes it invalid (6.4), and the categories of Markus
// Kuhn's UTF-8 decoder stress test, one text message each (6.5–6.23).
import type { AutobahnCase, Step } from "./autobahn_case_kit.ts";
import { PEER_CLOSES, text, weFail } from "./autobahn_case_kit.ts";
import { fromHex } from "./bytes.ts";
import type { FrameSpec } from "./frames.ts";

const hex = (digits: string) => fromHex(digits.replaceAll(" ", ""));
const utf8 = (value: string) => new TextEncoder().encode(value);
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) out.set(part, (at += part.length) - part.length);
  return out;
};

const KOSME = hex("ce ba e1 bd b9 cf 83 ce bc ce b5");
const ok = (steps: Step[], payload: Uint8Array | string) => ({
  steps,
  expected: { OK: [text(payload)] },
  close: PEER_CLOSES,
});
/** Fail-fast (6.4): strict when our close comes before the suite's second wait runs out. */
const failsFast = (steps: Step[]) => ({
  steps,
  expected: { OK: ["timeout:A"], "NON-STRICT": ["timeout:A", "timeout:B"] },
  close: weFail(1007),
});
const perByte = (payload: Uint8Array): FrameSpec[] =>
  Array.from(
    payload,
    (byte, i) => ({ opcode: i === 0 ? 1 : 0, fin: i === payload.length - 1, payload: Uint8Array.of(byte) }),
  );

function fixed(): Array<[string, Omit<AutobahnCase, "id">]> {
  const hello = utf8("Hello-µ@ßöäüàá-UTF-8!!");
  const invalid = join(KOSME, hex("ed a0 80"), utf8("edited"));
  // 6.4.1/6.4.3: U+110000's first continuation byte makes it invalid; 6.4.2/6.4.4 send up to that byte only.
  const one = KOSME, two = hex("f4 90 80 80"), three = utf8("edited");
  const whole = join(one, two, three);
  const frame = { opcode: 1, payload: whole };
  return [
    ["6.1.1", ok([{ frames: [{ opcode: 1 }] }], "")],
    ["6.1.2", ok([{ frames: [{ opcode: 1, fin: false }, { opcode: 0, fin: false }, { opcode: 0 }] }], "")],
    [
      "6.1.3",
      ok([{
        frames: [{ opcode: 1, fin: false }, { opcode: 0, fin: false, payload: "middle frame payload" }, { opcode: 0 }],
      }], "middle frame payload"),
    ],
    ["6.2.1", ok([{ frames: [{ opcode: 1, payload: hello }] }], hello)],
    [
      "6.2.2",
      ok([{
        frames: [{ opcode: 1, fin: false, payload: hello.subarray(0, 12) }, { opcode: 0, payload: hello.subarray(12) }],
      }], hello),
    ],
    ["6.2.3", ok([{ frames: perByte(hello) }], hello)],
    ["6.2.4", ok([{ frames: perByte(KOSME) }], KOSME)],
    ["6.3.1", { steps: [{ frames: [{ opcode: 1, payload: invalid }] }], expected: { OK: [] }, close: weFail(1007) }],
    ["6.3.2", { steps: [{ frames: perByte(invalid) }], expected: { OK: [] }, close: weFail(1007) }],
    [
      "6.4.1",
      failsFast([
        { frames: [{ opcode: 1, fin: false, payload: one }] },
        { wait: "A" },
        { frames: [{ opcode: 0, fin: false, payload: two }] },
        { wait: "B" },
        { frames: [{ opcode: 0, payload: three }] },
      ]),
    ],
    [
      "6.4.2",
      failsFast([
        { frames: [{ opcode: 1, fin: false, payload: whole.subarray(0, 12) }] },
        { wait: "A" },
        { frames: [{ opcode: 0, fin: false, payload: whole.subarray(12, 13) }] },
        { wait: "B" },
        { frames: [{ opcode: 0, payload: whole.subarray(13) }] },
      ]),
    ],
    [
      "6.4.3",
      failsFast([
        { part: frame, from: 0, to: one.length },
        { wait: "A", insideFrame: true },
        { part: frame, from: one.length, to: one.length + two.length },
        { wait: "B", insideFrame: true },
        { part: frame, from: one.length + two.length },
      ]),
    ],
    [
      "6.4.4",
      failsFast([
        { part: frame, from: 0, to: 12 },
        { wait: "A", insideFrame: true },
        { part: frame, from: 12, to: 13 },
        { wait: "B", insideFrame: true },
        { part: frame, from: 13 },
      ]),
    ],
  ];
}

/** Kuhn's categories, in the suite's order from 6.5: [valid, bytes] per case. */
function categories(): Array<Array<[boolean, Uint8Array]>> {
  const valid = (...list: string[]) => list.map((h): [boolean, Uint8Array] => [true, hex(h)]);
  const invalid = (...list: string[]) => list.map((h): [boolean, Uint8Array] => [false, hex(h)]);
  const range = (from: number, to: number, after = "") =>
    Array.from({ length: to - from }, (_, i) => (from + i).toString(16) + after).join(" ");
  const truncated = [
    "c0",
    "e0 80",
    "f0 80 80",
    "f8 80 80 80",
    "fc 80 80 80 80",
    "df",
    "ef bf",
    "f7 bf bf",
    "fb bf bf bf",
    "fd bf bf bf bf",
  ];
  const boundaries = new Set([2, 5, 7, 9, 11]);
  const noncharacters: string[] = ["ef bf be", "ef bf bf"];
  for (const lead of ["f0", "f1", "f2", "f3", "f4"]) {
    for (const second of lead === "f4" ? ["8f"] : ["8f", "9f", "af", "bf"]) {
      if (lead === "f0" && second === "8f") continue; // overlong
      for (const last of ["be", "bf"]) noncharacters.push(`${lead} ${second} bf ${last}`);
    }
  }
  const high = ["ed a0 80", "ed ad bf", "ed ae 80", "ed af bf"];
  const low = ["ed b0 80", "ed bf bf"];
  return [
    [
      ...["hello$world", "hello¢world", "hello€world", "hello𤭢world"].map((
        s,
      ): [boolean, Uint8Array] => [true, utf8(s)]),
      [true, KOSME],
    ],
    Array.from(
      { length: KOSME.length },
      (_, i): [boolean, Uint8Array] => [boundaries.has(i + 1), KOSME.subarray(0, i + 1)],
    ),
    valid("00", "c2 80", "e0 a0 80", "f0 90 80 80"),
    invalid("f8 88 80 80 80", "fc 84 80 80 80 80"),
    valid("7f", "df bf", "ef bf bf", "f4 8f bf bf"),
    invalid("f7 bf bf bf", "fb bf bf bf bf", "fd bf bf bf bf bf"),
    [...valid("ed 9f bf", "ee 80 80", "ef bf bd", "f4 8f bf bf"), ...invalid("f4 90 80 80")],
    invalid("80", "bf", "80 bf", "80 bf 80", "80 bf 80 bf", "80 bf 80 bf 80", "80 bf 80 bf 80 bf", range(0x80, 0xbf)),
    invalid(
      range(0xc0, 0xdf, " 20"),
      range(0xe0, 0xef, " 20"),
      range(0xf0, 0xf7, " 20"),
      range(0xf8, 0xfb, " 20"),
      range(0xfc, 0xfd, " 20"),
    ),
    invalid(...truncated),
    invalid(truncated.join(" ")),
    invalid("fe", "ff", "fe fe ff ff"),
    invalid("c0 af", "e0 80 af", "f0 80 80 af", "f8 80 80 80 af", "fc 80 80 80 80 af"),
    invalid("c1 bf", "e0 9f bf", "f0 8f bf bf", "f8 87 bf bf bf", "fc 83 bf bf bf bf"),
    invalid("c0 80", "e0 80 80", "f0 80 80 80", "f8 80 80 80 80", "fc 80 80 80 80 80"),
    invalid(...high, "ed b0 80", "ed be 80", "ed bf bf"),
    invalid(...high.flatMap((h) => low.map((l) => `${h} ${l}`))),
    valid(...noncharacters),
    valid(...["b9", "ba", "bb", "bc", "bd", "be", "bf"].map((last) => `ef bf ${last}`)),
  ];
}

/** Every 6.x case. */
export const AUTOBAHN_UTF8_CASES: AutobahnCase[] = [
  ...fixed(),
  ...categories().flatMap((list, i) =>
    list.map(([isValid, payload], j): [string, Omit<AutobahnCase, "id">] => [
      `6.${i + 5}.${j + 1}`,
      isValid
        ? ok([{ frames: [{ opcode: 1, payload }] }], payload)
        : { steps: [{ frames: [{ opcode: 1, payload }] }], expected: { OK: [] }, close: weFail(1007) },
    ])
  ),
].map(([id, c]) => ({ id, ...c }));
