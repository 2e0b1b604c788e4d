// Test helper, not a test: the cases of the Autobahn|Testsuite (1.x framing,
// 2.x pings and pongs, 3.x reserved bits, 4.x reserved opcodes, 5.x
// fragmentation, 7.x closing, a few 9.x sizes, 10.1.1) written out as our own
// table from the suite's case descriptions: what its fuzzing peer sends, what
// it expects back, and who must close with which code. The 7.x cases are in
// autobahn_close_cases.ts, the 6.x UTF-8 cases in autobahn_utf8_cases.ts;
// autobahn_play.ts plays and judges them.
import type { FrameSpec } from "./frames.ts";
import {
  type AutobahnCase,
  binary,
  closePayload,
  fails,
  failsAfter,
  filled,
  HELLO,
  ok,
  PING,
  pong,
  send,
  type Step,
  sync,
  text,
  weFail,
} from "./autobahn_case_kit.ts";
import { closing } from "./autobahn_close_cases.ts";

const BINARY_8 = Uint8Array.of(0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff);
const SIZES = [0, 125, 126, 127, 128, 65535, 65536];

function framing(): Array<[string, Omit<AutobahnCase, "id">]> {
  const out: Array<[string, Omit<AutobahnCase, "id">]> = [];
  for (const [group, opcode, byte] of [["1.1", 1, 0x2a], ["1.2", 2, 0xfe]] as const) {
    const message = (n: number) => opcode === 1 ? text(filled(n, byte)) : binary(filled(n, byte));
    SIZES.forEach((n, i) =>
      out.push([`${group}.${i + 1}`, ok(send({ opcode, payload: filled(n, byte) }), [message(n)])])
    );
    out.push([`${group}.8`, ok([{ frames: [{ opcode, payload: filled(65536, byte) }], chop: 997 }], [message(65536)])]);
  }
  return out;
}

function pings(): Array<[string, Omit<AutobahnCase, "id">]> {
  const ten = Array.from({ length: 10 }, (_, i) => `payload-${i}`);
  return [
    ["2.1", ok(send({ opcode: 9 }), [pong("")])],
    ["2.2", ok(send(PING), [pong("Hello, world!")])],
    ["2.3", ok(send({ opcode: 9, payload: BINARY_8 }), [pong(BINARY_8)])],
    ["2.4", ok(send({ opcode: 9, payload: filled(125, 0xfe) }), [pong(filled(125, 0xfe))])],
    ["2.5", fails(send({ opcode: 9, payload: filled(126, 0xfe) }))],
    ["2.6", ok([{ frames: [{ opcode: 9, payload: filled(125, 0xfe) }], chop: 1 }], [pong(filled(125, 0xfe))])],
    ["2.7", ok(send({ opcode: 10 }), [])],
    ["2.8", ok(send({ opcode: 10, payload: "unsolicited pong payload" }), [])],
    [
      "2.9",
      ok(send({ opcode: 10, payload: "unsolicited pong payload" }, { opcode: 9, payload: "ping payload" }), [
        pong("ping payload"),
      ]),
    ],
    ["2.10", ok(send(...ten.map((payload) => ({ opcode: 9, payload }))), ten.map(pong))],
    ["2.11", ok(sync(...ten.map((payload) => ({ opcode: 9, payload }))), ten.map(pong))],
  ];
}

/** The suite's RSV value: 1 = RSV3, 2 = RSV2, 4 = RSV1, added up. */
const rsv = (value: number) => ({ rsv1: (value & 4) !== 0, rsv2: (value & 2) !== 0, rsv3: (value & 1) !== 0 });

function reserved(): Array<[string, Omit<AutobahnCase, "id">]> {
  const echo = text("Hello, world!");
  const opcodeCases = (group: string, [a, b, c, d, e]: number[]) =>
    [
      [`${group}.1`, fails(send({ opcode: a }))],
      [`${group}.2`, fails(send({ opcode: b, payload: "reserved opcode payload" }))],
      [`${group}.3`, failsAfter(send(HELLO, { opcode: c }, PING), echo)],
      [`${group}.4`, failsAfter(send(HELLO, { opcode: d, payload: "reserved opcode payload" }, PING), echo)],
      [`${group}.5`, failsAfter(sync(HELLO, { opcode: e, payload: "reserved opcode payload" }, PING), echo)],
    ] as Array<[string, Omit<AutobahnCase, "id">]>;
  return [
    ["3.1", fails(send({ ...HELLO, ...rsv(1) }))],
    ["3.2", failsAfter(send(HELLO, { ...HELLO, ...rsv(2) }, PING), echo)],
    ["3.3", failsAfter(sync(HELLO, { ...HELLO, ...rsv(3) }, PING), echo)],
    ["3.4", failsAfter(sync(HELLO, { ...HELLO, ...rsv(4) }, PING), echo)],
    ["3.5", fails(send({ opcode: 2, payload: BINARY_8, ...rsv(5) }))],
    ["3.6", fails(send({ ...PING, ...rsv(6) }))],
    ["3.7", fails(send({ opcode: 8, payload: closePayload(1000), ...rsv(7) }))],
    ...opcodeCases("4.1", [3, 4, 5, 6, 7]),
    ...opcodeCases("4.2", [11, 12, 13, 14, 15]),
  ];
}

function fragmentation(): Array<[string, Omit<AutobahnCase, "id">]> {
  const two = (first: number): FrameSpec[] => [
    { opcode: first, fin: false, payload: "fragment1" },
    { opcode: 0, payload: "fragment2" },
  ];
  const withPing: FrameSpec[] = [
    { opcode: 1, fin: false, payload: "fragment1" },
    { opcode: 9, payload: "ping payload" },
    { opcode: 0, payload: "fragment2" },
  ];
  const orphan = (fin: boolean): FrameSpec[] => [
    { opcode: 0, fin, payload: "non-continuation payload" },
    HELLO,
  ];
  const triple = (fin: boolean): FrameSpec[] => [
    { opcode: 0, fin, payload: "fragment1" },
    { opcode: 1, fin: false, payload: "fragment2" },
    { opcode: 0, payload: "fragment3" },
  ];
  const five = ["fragment1", "fragment2", "fragment3", "fragment4", "fragment5"];
  const part = (i: number, fin = false): FrameSpec => ({ opcode: i === 0 ? 1 : 0, fin, payload: five[i] });
  const pings519 = (how: { sync?: boolean }): Step[] => [
    { frames: [part(0), part(1), { opcode: 9, payload: "pongme 1!" }], ...how },
    { wait: "" },
    { frames: [part(2), part(3), { opcode: 9, payload: "pongme 2!" }, part(4, true)], ...how },
  ];
  const expected519 = [pong("pongme 1!"), pong("pongme 2!"), text(five.join(""))];
  const whole = text("fragment1fragment2");
  return [
    ["5.1", fails(send(...two(9)))],
    ["5.2", fails(send(...two(10)))],
    ["5.3", ok(send(...two(1)), [whole])],
    ["5.4", ok([{ frames: two(1), chop: 1 }], [whole])],
    ["5.5", ok(sync(...two(1)), [whole])],
    ["5.6", ok(send(...withPing), [pong("ping payload"), whole])],
    ["5.7", ok(sync(...withPing), [pong("ping payload"), whole])],
    ["5.8", ok([{ frames: withPing, chop: 1 }], [pong("ping payload"), whole])],
    ["5.9", fails(send(...orphan(true)))],
    ["5.10", fails(sync(...orphan(true)))],
    ["5.11", fails([{ frames: orphan(true), chop: 1 }])],
    ["5.12", fails(send(...orphan(false)))],
    ["5.13", fails(sync(...orphan(false)))],
    ["5.14", fails([{ frames: orphan(false), chop: 1 }])],
    ["5.15", {
      steps: send(...two(1), { opcode: 0, fin: false, payload: "fragment3" }, { opcode: 1, payload: "fragment4" }),
      expected: { OK: [whole], "NON-STRICT": [] },
      close: weFail(1002),
    }],
    ["5.16", fails(send(...triple(false), ...triple(false)))],
    ["5.17", fails(send(...triple(true), ...triple(true)))],
    ["5.18", fails(send({ opcode: 1, fin: false, payload: "fragment1" }, { opcode: 1, payload: "fragment2" }))],
    ["5.19", ok(pings519({}), expected519)],
    ["5.20", ok(pings519({ sync: true }), expected519)],
  ];
}

/** A message of `length` bytes in frames of `frameSize` (the suite's auto-fragmentation). */
function fragmented(opcode: number, payload: Uint8Array, frameSize: number): FrameSpec[] {
  const frames: FrameSpec[] = [];
  for (let at = 0; at < payload.length; at += frameSize) {
    const last = at + frameSize >= payload.length;
    frames.push({ opcode: at === 0 ? opcode : 0, fin: last, payload: payload.subarray(at, at + frameSize) });
  }
  return frames;
}

function sizes(): Array<[string, Omit<AutobahnCase, "id">]> {
  const mib = 1 << 20;
  const textOf = (n: number) => filled(n, 0x2a);
  const binaryOf = (n: number) => filled(n, 0xfe);
  return [
    ["9.1.1", ok(send({ opcode: 1, payload: textOf(65536) }), [text(textOf(65536))])],
    ["9.2.4", ok(send({ opcode: 2, payload: binaryOf(4 * mib) }), [binary(binaryOf(4 * mib))])],
    ["9.3.2", ok(send(...fragmented(1, textOf(4 * mib), 256)), [text(textOf(4 * mib))])],
    ["9.4.5", ok(send(...fragmented(2, binaryOf(4 * mib), 16384)), [binary(binaryOf(4 * mib))])],
    ["9.5.6", ok([{ frames: [{ opcode: 1, payload: textOf(mib) }], chop: 2048 }], [text(textOf(mib))])],
    ["10.1.1", ok(send(...fragmented(1, textOf(65536), 1300)), [text(textOf(65536))])],
  ];
}

/** Every case of 1.x–5.x, 7.x, the 9.x sizes and 10.1.1. */
export const AUTOBAHN_CASES: AutobahnCase[] = [
  ...framing(),
  ...pings(),
  ...reserved(),
  ...fragmentation(),
  ...closing(),
  ...sizes(),
].map(([id, c]) => ({ id, ...c }));
