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
import { Recorder } from "../_helpers/recorder.ts";

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
