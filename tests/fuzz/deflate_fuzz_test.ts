// Differential fuzzing of permessage-deflate reception (RFC 7692 §7.2.2): random
// messages (text and binary, compressed with and without context takeover, or
// sent plain), random fragmentation with pings between fragments, random read
// boundaries, and one bad message at the end (garbage, a bomb past maxPayload,
// or invalid UTF-8 once inflated). What our decoder delivers must equal what
// node:zlib and the WHATWG fatal decoder say a receiver must deliver.
import type { FrameError } from "../../src/codec/frame_errors.ts";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { createHash } from "node:crypto";
import { loadCodec } from "../../src/codec/load.ts";
import type { Role } from "../../src/codec/mod.ts";
import { withDeflate } from "../../src/extensions/deflate_codec.ts";
import { loadZlib } from "../../src/extensions/zlib_stream.ts";
import { frame, rng } from "../_helpers/frames.ts";
import { Recorder } from "../_helpers/recorder.ts";
import { ContextDeflater, deflateAlone } from "../_helpers/deflate_peer.ts";

const codec = await loadCodec();
const ourZlib = (await loadZlib())!;
const MAX_PAYLOAD = 256 * 1024;
const INPUTS = 150;
const TAIL = Uint8Array.of(0, 0, 0xff, 0xff);

// Messages as text and a digest of their bytes: a diff of arrays of 256 K numbers would take minutes to print.
type Expected = Array<{ text: boolean; length: number; sha1: string } | { error: FrameError }>;

function summary(text: boolean, bytes: Uint8Array): { text: boolean; length: number; sha1: string } {
  return { text, length: bytes.length, sha1: createHash("sha1").update(bytes).digest("hex") };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) out.set(part, (at += part.length) - part.length);
  return out;
}

/** What a receiver must make of `payload` (compressed, tail removed) given the window so far. */
function oracle(window: Uint8Array[], payload: Uint8Array, text: boolean): { bytes?: Uint8Array; error?: FrameError } {
  // With context the messages so far are one stream: inflate them all and keep what the last one adds.
  const before = window.length === 0 ? 0 : zlib.inflateRawSync(concat(window), { finishFlush: 2 }).length;
  let all: Uint8Array;
  try {
    all = zlib.inflateRawSync(concat([...window, payload, TAIL]), { finishFlush: 2 });
  } catch {
    return { error: "WS_ERR_INVALID_COMPRESSED_DATA" };
  }
  const bytes = all.subarray(before);
  if (bytes.length > MAX_PAYLOAD) return { error: "WS_ERR_MESSAGE_TOO_BIG" };
  if (text) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return { error: "WS_ERR_INVALID_UTF8" };
    }
  }
  return { bytes };
}

async function fuzzCase(role: Role, seed: number): Promise<void> {
  const random = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const takeover = random() < 0.5;
  const peerNo = role === "server" ? "clientNoContextTakeover" : "serverNoContextTakeover";
  const params = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
    [peerNo]: !takeover,
  };
  const decoder = withDeflate(codec, ourZlib, role, { params }).decoder({
    role,
    maxPayload: MAX_PAYLOAD,
    maxFragments: 100,
  });
  const deflater = new ContextDeflater();
  const frames: Uint8Array[] = [];
  const expected: Expected = [];
  let window: Uint8Array[] = [];
  const count = int(1, 6);
  for (let m = 0; m <= count; m++) {
    const last = m === count;
    let plain: Uint8Array;
    const kind = last ? int(0, 3) : 0; // 0 good, 1 garbage, 2 bomb, 3 bad UTF-8
    // Garbage goes as binary: as text, invalid UTF-8 may come out before zlib sees the error (both are 1007).
    const text = kind !== 1 && random() < 0.6;
    if (kind === 2) plain = new Uint8Array(MAX_PAYLOAD + int(1, 5000));
    else if (kind === 3) {
      plain = concat([
        new TextEncoder().encode("ok "),
        Uint8Array.of(int(0xf5, 0xff)),
        new Uint8Array(int(0, 300)).fill(0x61),
      ]);
    } else if (text) plain = new TextEncoder().encode(("wörd " + m).repeat(int(0, 400)) + "😀".repeat(int(0, 50)));
    else plain = Uint8Array.from({ length: int(0, 3000) }, () => (random() < 0.7 ? 7 : int(0, 255)));
    const compressed = kind === 3 ? true : random() < 0.85;
    let payload: Uint8Array;
    if (kind === 1) payload = Uint8Array.from({ length: int(1, 40) }, () => int(0, 255));
    else if (!compressed) payload = plain;
    else payload = takeover ? await deflater.compress(plain) : deflateAlone(plain);
    if (compressed || kind === 1) {
      const verdict = oracle(takeover ? window : [], payload, text);
      expected.push(verdict.error !== undefined ? { error: verdict.error } : summary(text, verdict.bytes!));
      if (takeover) window = [...window, payload, TAIL];
    } else if (plain.length > MAX_PAYLOAD) {
      expected.push({ error: "WS_ERR_MESSAGE_TOO_BIG" });
    } else {
      expected.push(summary(text, plain));
    }
    // Random fragmentation, a ping now and then between fragments.
    const pieces = payload.length < 2 ? 1 : int(1, Math.min(4, payload.length));
    const cuts = [
      0,
      ...Array.from({ length: pieces - 1 }, () => int(1, payload.length - 1)).sort((a, b) => a - b),
      payload.length,
    ];
    for (let p = 0; p < pieces; p++) {
      frames.push(frame({
        opcode: p === 0 ? (text ? 1 : 2) : 0,
        rsv1: p === 0 && (compressed || kind === 1),
        fin: p === pieces - 1,
        payload: payload.subarray(cuts[p], cuts[p + 1]),
        mask: role === "server",
      }));
      if (p < pieces - 1 && random() < 0.3) frames.push(frame({ opcode: 9, payload: "p", mask: role === "server" }));
    }
    if (expected.at(-1) && "error" in expected.at(-1)!) break;
  }
  deflater.close();
  const wire = concat(frames);
  const recorder = new Recorder();
  for (let at = 0; at < wire.length;) {
    const n = int(1, random() < 0.5 ? 16 : 4096);
    decoder.push(wire.subarray(at, at + n), recorder);
    at += n;
  }
  decoder.dispose();
  const seen = recorder.events.filter((e) => e.kind !== "control").map((e) =>
    e.kind === "error"
      ? { error: e.code }
      : summary((e as { text: boolean }).text, Uint8Array.from((e as { bytes: number[] }).bytes))
  );
  assert.deepEqual(seen, expected, `seed ${seed} (${role}, context takeover ${takeover})`);
}

for (const role of ["client", "server"] as Role[]) {
  describe(`fuzz: permessage-deflate reception against node:zlib, the ${role}`, () => {
    it(`${INPUTS} random inputs`, async () => {
      for (let i = 0; i < INPUTS; i++) await fuzzCase(role, 0x5eed + i * 7919 + (role === "server" ? 1 : 0));
    });
  });
}
