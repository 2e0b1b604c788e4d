// RFC 6455 §5.2 encoding: every length class, masking in the client role with
// fresh keys, none in the server role; round trips through both decoders.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { instantiateCore } from "../../src/codec/load.ts";
import { createWasmCodec } from "../../src/codec/wasm_codec.ts";
import { createReferenceCodec } from "../_helpers/reference_codec.ts";
import { Recorder } from "../_helpers/recorder.ts";

const codec = createWasmCodec(await instantiateCore());
const reference = createReferenceCodec();
const LENGTHS = [0, 1, 125, 126, 127, 1023, 1024, 65535, 65536, 200_000];

function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
}

function headerOf(frame: Uint8Array) {
  const len7 = frame[1] & 0x7f;
  const view = new DataView(frame.buffer, frame.byteOffset);
  const length = len7 === 126 ? view.getUint16(2) : len7 === 127 ? Number(view.getBigUint64(2)) : len7;
  const lengthBytes = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  const masked = (frame[1] & 0x80) !== 0;
  return {
    fin: frame[0] >> 7,
    opcode: frame[0] & 0xf,
    length,
    lengthBytes,
    masked,
    size: 2 + lengthBytes + (masked ? 4 : 0),
  };
}

describe("RFC 6455 §5.2 frame encoding", () => {
  for (const role of ["client", "server"] as const) {
    it(`${role}: minimal length encoding for every length class, and a round trip`, () => {
      const encoder = codec.encoder(role);
      for (const length of LENGTHS) {
        const payload = pattern(length);
        const bytes = encoder.encode(2, payload);
        const header = headerOf(bytes);
        assert.equal(header.length, length);
        assert.equal(header.lengthBytes, length < 126 ? 0 : length < 65536 ? 2 : 8, `length ${length}`);
        assert.equal(header.masked, role === "client");
        assert.equal(bytes.length, header.size + length);
        for (const decoderCodec of [codec, reference]) {
          const recorder = new Recorder();
          decoderCodec.decoder({ role: role === "client" ? "server" : "client", maxPayload: 1 << 24, maxFragments: 10 })
            .push(bytes, recorder);
          assert.deepEqual(recorder.events, [{ kind: "message", text: false, bytes: [...payload] }]);
        }
      }
    });
  }

  it("text frames: short, multi-byte, and longer than the scratch area", () => {
    for (const role of ["client", "server"] as const) {
      for (const text of ["", "hi", "héllo wörld 😀", "日本".repeat(20_000)]) {
        const bytes = codec.encoder(role).encodeText(text);
        assert.equal(headerOf(bytes).opcode, 1);
        const recorder = new Recorder();
        reference.decoder({ role: role === "client" ? "server" : "client", maxPayload: 1 << 24, maxFragments: 10 })
          .push(bytes, recorder);
        assert.equal(
          new TextDecoder().decode(Uint8Array.from((recorder.events[0] as { bytes: number[] }).bytes)),
          text,
        );
      }
    }
  });

  it("client keys are fresh for every frame; the masked payload differs from the plain one", () => {
    const encoder = codec.encoder("client");
    const keys = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const bytes = encoder.encode(1, new TextEncoder().encode("same payload"));
      keys.add([...bytes.subarray(2, 6)].join(","));
    }
    assert.ok(keys.size > 1990, `only ${keys.size} distinct keys in 2000 frames`);
    const plain = pattern(2000);
    const masked = encoder.encode(2, plain);
    assert.notDeepEqual(masked.subarray(8), plain);
  });

  it("FIN and RSV1 bits, and control opcodes", () => {
    const encoder = codec.encoder("server");
    assert.deepEqual([...encoder.encode(1, new Uint8Array(0), false)], [0x01, 0x00]);
    assert.deepEqual([...encoder.encode(2, Uint8Array.of(1), true, true)], [0xc2, 0x01, 0x01]);
    assert.deepEqual([...encoder.encode(9, Uint8Array.of(7))], [0x89, 0x01, 0x07]);
    assert.deepEqual([...encoder.encode(8, Uint8Array.of(3, 0xe8))], [0x88, 0x02, 0x03, 0xe8]);
  });
});
