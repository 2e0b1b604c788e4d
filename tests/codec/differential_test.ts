// The WASM decoder against the independent TypeScript reference on seeded
// random frame streams (valid and broken) with random chunking: both must
// report the same messages, the same control frames and the same error.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { instantiateCore } from "../../src/codec/load.ts";
import type { Role } from "../../src/codec/mod.ts";
import { createWasmCodec } from "../../src/codec/wasm_codec.ts";
import { chunkRandomly, concat, frame, rng } from "../_helpers/frames.ts";
import { createReferenceCodec } from "../_helpers/reference_codec.ts";
import { digest, Recorder } from "../_helpers/recorder.ts";

const wasm = createWasmCodec(await instantiateCore());
const reference = createReferenceCodec();
const TEXTS = ["", "a", "héllo", "😀", "日本語", "\u0000", "Ελληνικά"];
const BAD_UTF8 = [[0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0xe2, 0x82]];

/** A random stream of frames as a peer of `role` might send it, sometimes broken. */
function randomStream(role: Role, random: () => number): Uint8Array {
  const frames: Uint8Array[] = [];
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const masked = () => random() < 0.98 ? role === "server" : role !== "server";
  let open = false;
  for (let n = Math.floor(random() * 12); n >= 0; n--) {
    const roll = random();
    if (roll < 0.25) {
      const text = random() < 0.5;
      const payload = text
        ? new TextEncoder().encode(pick(TEXTS).repeat(1 + Math.floor(random() * 50)))
        : Uint8Array.from({ length: Math.floor(random() * 300) }, () => random() * 256);
      const fin = random() < 0.6;
      frames.push(frame({ opcode: open && random() < 0.9 ? 0 : text ? 1 : 2, fin, payload, mask: masked() }));
      open = !fin;
    } else if (roll < 0.4) {
      frames.push(
        frame({
          opcode: pick([9, 10]),
          payload: Uint8Array.from({ length: Math.floor(random() * 126) }, () => random() * 256),
          mask: masked(),
        }),
      );
    } else if (roll < 0.5) {
      frames.push(frame({ opcode: 1, fin: random() < 0.5, payload: Uint8Array.from(pick(BAD_UTF8)), mask: masked() }));
      open = false;
    } else if (roll < 0.55) {
      const code = pick([1000, 1001, 1005, 1006, 2999, 3000, 4999, 5000, 1015, 999]);
      frames.push(
        frame({
          opcode: 8,
          payload: Uint8Array.of(code >> 8, code & 0xff, ...(random() < 0.2 ? [0xff] : [0x6f, 0x6b])),
          mask: masked(),
        }),
      );
    } else if (roll < 0.6) {
      frames.push(
        frame({
          opcode: pick([3, 7, 0xb, 0xf, 0]),
          payload: "x",
          mask: masked(),
          rsv1: random() < 0.3,
          rsv2: random() < 0.1,
        }),
      );
    } else if (roll < 0.65) {
      frames.push(frame({ opcode: 9, fin: false, mask: masked() }));
    } else if (roll < 0.7) {
      frames.push(
        frame({
          opcode: 2,
          payload: new Uint8Array(Math.floor(random() * 10)),
          lengthBytes: pick([2, 8] as const),
          mask: masked(),
        }),
      );
    } else {
      frames.push(frame({ opcode: open ? 0 : 1, fin: true, payload: pick(TEXTS), mask: masked() }));
      open = false;
    }
  }
  return concat(frames);
}

function run(codec: typeof wasm, role: Role, chunks: Uint8Array[]) {
  const decoder = codec.decoder({ role, maxPayload: 5000, maxFragments: 6 });
  const recorder = new Recorder();
  for (const chunk of chunks) decoder.push(chunk, recorder);
  decoder.dispose();
  return recorder.events;
}

describe("differential: WASM decoder vs the TypeScript reference", () => {
  for (const role of ["client", "server"] as const) {
    it(`${role}: 3,000 seeded random streams, randomly chunked, reach the same verdict`, () => {
      const random = rng(role === "client" ? 1 : 2);
      let errors = 0;
      for (let i = 0; i < 3000; i++) {
        const stream = randomStream(role, random);
        const chunks = chunkRandomly(stream, random, 1 + Math.floor(random() * 80));
        const got = run(wasm, role, chunks);
        const want = run(reference, role, [stream]);
        assert.deepEqual(got, want, `stream ${i}`);
        if (want.at(-1)?.kind === "error") errors++;
      }
      // The generator must exercise both outcomes, or the comparison proves little.
      assert.ok(errors > 300 && errors < 2900, `${errors} of 3000 streams ended in an error`);
    });
  }
});

/**
 * Long frames as a server sends them to a client (unmasked), some messages
 * compressed, some text, some fragmented, now and then a frame that breaks
 * the rules (masked, too long, invalid UTF-8 deep inside): the decoder hands
 * the middle of long binary and compressed frames on from the pushed buffer
 * itself, and must report exactly what the reference does.
 */
function longStream(random: () => number): Uint8Array {
  const frames: Uint8Array[] = [];
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const sizes = [0, 1, 4095, 4096, 4097, 4098, 9000, 70_000, 200_000];
  for (let n = 1 + Math.floor(random() * 5); n > 0; n--) {
    const roll = random();
    if (roll < 0.75) {
      const compressed = random() < 0.3;
      const text = random() < (compressed ? 0.5 : 0.2);
      const pieces = 1 + Math.floor(random() * 3);
      for (let i = 0; i < pieces; i++) {
        const size = pick(sizes);
        const payload = text && !compressed
          ? new TextEncoder().encode("é".repeat(size >> 1))
          : Uint8Array.from({ length: size }, (_, j) => (j * 31 + size + i) & 0xff);
        frames.push(
          frame({ opcode: i > 0 ? 0 : text ? 1 : 2, fin: i === pieces - 1, payload, rsv1: compressed && i === 0 }),
        );
      }
    } else if (roll < 0.85) {
      frames.push(frame({ opcode: 9, payload: "ping" }));
    } else if (roll < 0.9) {
      frames.push(frame({ opcode: 2, payload: new Uint8Array(pick(sizes)), mask: true }));
    } else if (roll < 0.95) {
      frames.push(frame({ opcode: 2, payload: new Uint8Array(400_000) }));
    } else {
      const bad = new TextEncoder().encode("a".repeat(pick(sizes)) + "b");
      bad[bad.length - 1] = 0xff;
      frames.push(frame({ opcode: 1, payload: bad }));
    }
  }
  return concat(frames);
}

describe("differential: long frames pushed in large buffers (the client's side)", () => {
  it("300 seeded streams of long frames, chunked from 1 byte to 150 KiB, reach the same verdict", () => {
    const random = rng(3);
    const limits = { role: "client", maxPayload: 300_000, maxFragments: 6, allowRsv1: true } as const;
    for (let i = 0; i < 300; i++) {
      const stream = longStream(random);
      const chunks = chunkRandomly(stream, random, pickMax(random));
      const got = new Recorder(), want = new Recorder();
      const decoder = wasm.decoder(limits);
      for (const chunk of chunks) decoder.push(chunk, got);
      decoder.dispose();
      const expected = reference.decoder(limits);
      expected.push(stream, want);
      assert.deepEqual(digest(got), digest(want), `stream ${i}`);
      // The last piece of each message says what the reference's does: text, compressed. (First
      // pieces may differ: a message that fails later was begun only where it came in pieces.)
      const flags = (r: Recorder) => r.pieces.filter((p) => p.last).map((p) => [p.text, p.compressed === true]);
      assert.deepEqual(flags(got), flags(want), `stream ${i}: piece flags`);
    }
  });
});

describe("the pass-through of long unmasked frames (client side)", () => {
  const limits = { role: "client", maxPayload: 1 << 20, maxFragments: 6, allowRsv1: true } as const;
  for (const [name, spec] of [["binary", { opcode: 2 }], ["compressed text", { opcode: 1, rsv1: true }]] as const) {
    it(`${name}: a header read alone, then the payload: one message, begun once, its first piece taken from the pushed buffer`, () => {
      const payload = Uint8Array.from({ length: 50_000 }, (_, i) => i & 0xff);
      const bytes = frame({ ...spec, payload });
      const head = bytes.length - payload.length;
      const decoder = wasm.decoder(limits);
      const recorder = new Recorder();
      const origins: boolean[] = [];
      const sink = {
        onData: (view: Uint8Array, ...rest: [boolean, boolean, boolean, number?, boolean?]) => {
          origins.push(view.buffer === bytes.buffer);
          recorder.onData(view, ...rest);
        },
        onControl: () => {},
        onError: (code: string) => assert.fail(code),
      };
      decoder.push(bytes.subarray(0, head), sink);
      decoder.push(bytes.subarray(head, bytes.length - 10), sink);
      decoder.push(bytes.subarray(bytes.length - 10), sink);
      assert.deepEqual(recorder.pieces.map((p) => [p.first, p.last]), [[true, false], [false, true]]);
      assert.deepEqual(origins, [true, false], "all but the last bytes handed on from the pushed buffer");
      assert.equal(recorder.events.length, 1);
      assert.deepEqual(recorder.events[0], { kind: "message", text: spec.opcode === 1, bytes: [...payload] });
    });
  }

  it("uncompressed text and masked frames always go through the parser (UTF-8 checked, masks refused)", () => {
    const text = frame({ opcode: 1, payload: "é".repeat(20_000) });
    const masked = frame({ opcode: 2, payload: new Uint8Array(20_000), mask: true });
    for (const bytes of [text, masked]) {
      const decoder = wasm.decoder(limits);
      const recorder = new Recorder();
      let fromPushed = 0;
      const sink = {
        ...recorder,
        onData: (view: Uint8Array) => void (fromPushed += view.buffer === bytes.buffer ? 1 : 0),
        onControl: () => {},
        onError: () => {},
      };
      decoder.push(bytes.subarray(0, 8), sink);
      decoder.push(bytes.subarray(8), sink);
      assert.equal(fromPushed, 0);
    }
  });
});

/**
 * Chunk sizes from a byte to 150 KiB, so the pass-through meets every kind of
 * edge. The smallest are 1 to 4 bytes, not always 1 (a third of the pushes;
 * streams run to 400 KB): each offset is a split about 40% of the time, so
 * across the seeded streams headers still split at every offset.
 */
function pickMax(random: () => number): number {
  return [4, 100, 5000, 70_000, 150_000][Math.floor(random() * 5)];
}
