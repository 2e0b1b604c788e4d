// Test helper, not a test: the engine fuzzer's inputs, from one seeded random
// source: valid frame streams a peer might send (text with multi-byte UTF-8
// and binary, fragmented with control frames and empty fragments between,
// close frames with valid and invalid codes and reasons), the same streams
// broken at the frame level (opcode, RSV, FIN, mask bit, length encoding,
// invalid UTF-8 spliced in) and at the byte level (bit flips, inserted,
// deleted and overwritten bytes, truncation), and random bytes.
import type { Role } from "../../src/codec/mod.ts";
import { concat, frame, type FrameSpec } from "./frames.ts";
import type { Limits } from "./reference_engine.ts";

export type Random = () => number;

export const int = (random: Random, lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const randomBytes = (random: Random, n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));

// Every UTF-8 length and its boundaries, a BOM (dropped only at a message's start), NUL, U+FFFD.
const CHARS = [
  ..."aZ 0~{",
  "\u0000",
  "\u007f",
  "\u0080",
  "é",
  "\u07ff",
  "\u0800",
  "€",
  "日",
  "\ud7ff",
  "\ue000",
  "\ufeff",
  "\ufffd",
  "\uffff",
  "\u{10000}",
  "😀",
  "\u{10ffff}",
];
const BAD_UTF8 = [
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80], // a surrogate
  [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
  [0xc0, 0xaf], // overlong
  [0xe0, 0x80, 0xaf],
  [0xf0, 0x80, 0x80, 0xaf],
  [0x80],
  [0xfe],
  [0xff],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82], // valid so far: fails only where the message ends
  [0xf0, 0x9f, 0x98],
];
const VALID_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];
const INVALID_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535];
const encoder = new TextEncoder();

function text(random: Random, chars: number): string {
  let out = "";
  for (let i = 0; i < chars; i++) out += random() < 0.6 ? pick(random, CHARS.slice(0, 6)) : pick(random, CHARS);
  return out;
}

function payloadSize(random: Random): number {
  const roll = random();
  if (roll < 0.7) return int(random, 0, 100);
  if (roll < 0.97) return int(random, 100, 3000);
  return int(random, 65_536, 70_000); // the 64-bit length form
}

function control(random: Random, opcode: number): FrameSpec {
  return { opcode, payload: randomBytes(random, random() < 0.3 ? 0 : int(random, 0, 125)) };
}

function close(random: Random): FrameSpec {
  const roll = random();
  if (roll < 0.15) return { opcode: 8 };
  if (roll < 0.2) return { opcode: 8, payload: randomBytes(random, 1) };
  const code = random() < 0.8 ? pick(random, VALID_CODES) : pick(random, INVALID_CODES);
  let reason = random() < 0.9
    ? encoder.encode(text(random, int(random, 0, 40)))
    : Uint8Array.from(pick(random, BAD_UTF8));
  reason = reason.subarray(0, 123);
  // Cutting a valid reason may split a character: that is a fine invalid reason too.
  return { opcode: 8, payload: concat([Uint8Array.of(code >> 8, code & 0xff), reason]) };
}

function message(random: Random, limits: Limits, out: FrameSpec[]): void {
  const isText = random() < 0.55;
  const size = payloadSize(random);
  const payload = isText
    ? encoder.encode(text(random, random() < 0.5 ? size : Math.ceil(size / 3)))
    : randomBytes(random, size);
  const roll = random();
  const pieces = roll < 0.4
    ? 1
    : roll < 0.9
    ? int(random, 2, 6)
    : int(random, 2, Math.min(limits.maxFragments + 2, 60));
  // Cuts may coincide (empty fragments) and may split a UTF-8 sequence (still valid across fragments).
  const cuts = Array.from({ length: pieces - 1 }, () => int(random, 0, payload.length)).sort((a, b) => a - b);
  const bounds = [0, ...cuts, payload.length];
  for (let i = 0; i < pieces; i++) {
    if (i > 0 && random() < 0.3) out.push(control(random, random() < 0.5 ? 9 : 10));
    out.push({
      opcode: i === 0 ? (isText ? 1 : 2) : 0,
      fin: i === pieces - 1,
      payload: payload.subarray(bounds[i], bounds[i + 1]),
    });
  }
}

function validStream(random: Random, limits: Limits): FrameSpec[] {
  const specs: FrameSpec[] = [];
  for (let n = int(random, 1, 6); n > 0; n--) {
    const roll = random();
    if (roll < 0.55) message(random, limits, specs);
    else if (roll < 0.8) specs.push(control(random, random() < 0.5 ? 9 : 10));
    else specs.push(close(random));
  }
  return specs;
}

/** Break one frame the way a buggy or hostile peer would. */
function breakFrame(random: Random, spec: FrameSpec): FrameSpec {
  const payload = spec.payload instanceof Uint8Array ? spec.payload : new Uint8Array(0);
  switch (int(random, 0, 8)) {
    case 0:
      return { ...spec, opcode: int(random, 0, 15) };
    case 1:
      return { ...spec, rsv1: random() < 0.5, rsv2: random() < 0.3, rsv3: random() < 0.3 };
    case 2:
      return { ...spec, fin: spec.fin === false };
    case 3:
      return { ...spec, mask: !spec.mask };
    case 4: // non-minimal length encodings
      return { ...spec, lengthBytes: payload.length < 126 && random() < 0.5 ? 2 : 8 };
    case 5: // the 64-bit length with its top bit set
      return { ...spec, length: 2 ** 63 + int(random, 0, 4) * 2048, lengthBytes: 8 };
    case 6: // a length that disagrees with the payload
      return { ...spec, length: Math.max(0, payload.length + int(random, -3, 3)) };
    case 7: // a control frame over 125 bytes
      return { ...spec, payload: randomBytes(random, int(random, 126, 300)) };
    default: {
      const bad = Uint8Array.from(pick(random, BAD_UTF8));
      const at = int(random, 0, payload.length);
      return { ...spec, payload: concat([payload.subarray(0, at), bad, payload.subarray(at)]) };
    }
  }
}

/** Break the serialized stream byte-wise. */
function breakBytes(random: Random, bytes: Uint8Array): Uint8Array {
  const at = int(random, 0, bytes.length);
  switch (int(random, 0, 5)) {
    case 0: {
      const out = bytes.slice();
      for (let n = int(random, 1, 3); n > 0 && out.length > 0; n--) {
        out[int(random, 0, out.length - 1)] ^= 1 << int(random, 0, 7);
      }
      return out;
    }
    case 1:
      return concat([bytes.subarray(0, at), randomBytes(random, int(random, 1, 4)), bytes.subarray(at)]);
    case 2:
      return concat([bytes.subarray(0, at), bytes.subarray(at + int(random, 1, 4))]);
    case 3:
      return bytes.subarray(0, at);
    case 4: {
      const out = bytes.slice();
      if (out.length > 0) {
        out[Math.min(at, out.length - 1)] = pick(random, [0x00, 0x7e, 0x7f, 0x80, 0x81, 0x88, 0x89, 0x8a, 0xfe, 0xff]);
      }
      return out;
    }
    default:
      return concat([bytes.subarray(0, at), bytes.subarray(int(random, 0, bytes.length))]);
  }
}

function serialize(random: Random, role: Role, specs: FrameSpec[]): Uint8Array {
  // A peer masks exactly when we are the server; a broken spec may say otherwise.
  return concat(specs.map((spec) => {
    const masked = spec.mask ?? role === "server";
    return frame({ ...spec, mask: masked ? randomBytes(random, 4) : false });
  }));
}

/** One input for the engine in `role`: valid, broken, or random. */
export function generateInput(random: Random, role: Role, limits: Limits): Uint8Array {
  const roll = random();
  if (roll < 0.1) return randomBytes(random, int(random, 0, 64));
  if (roll < 0.15) {
    // Random payloads behind plausible headers get further than random bytes.
    const specs = Array.from({ length: int(random, 1, 4) }, () => ({
      opcode: pick(random, [0, 1, 2, 8, 9, 10]),
      fin: random() < 0.8,
      payload: randomBytes(random, int(random, 0, 40)),
    }));
    return serialize(random, role, specs);
  }
  const specs = validStream(random, limits);
  if (roll < 0.45) return serialize(random, role, specs);
  for (let n = random() < 0.5 ? int(random, 1, 2) : 0; n > 0; n--) {
    const i = int(random, 0, specs.length - 1);
    specs[i] = breakFrame(random, { ...specs[i], mask: specs[i].mask ?? role === "server" });
  }
  let bytes = serialize(random, role, specs);
  for (let n = int(random, 0, 2); n > 0; n--) bytes = breakBytes(random, bytes);
  return bytes;
}
