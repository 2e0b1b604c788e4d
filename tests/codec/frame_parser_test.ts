// The WASM frame parser, rule by rule (RFC 6455 §5), in both roles.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as abi from "../../src/codec/abi.ts";
import { instantiateCore } from "../../src/codec/load.ts";
import type { Codec, Role } from "../../src/codec/mod.ts";
import { createWasmCodec, type WasmExports } from "../../src/codec/wasm_codec.ts";
import { closePayload, concat, frame, type FrameSpec, hex } from "../_helpers/frames.ts";
import { Recorder } from "../_helpers/recorder.ts";

const instance = await instantiateCore();
const codec: Codec = createWasmCodec(instance);
const ROLES: Role[] = ["client", "server"];

/** Build a frame as the peer of `role` would send it (servers receive masked frames). */
function peerFrame(role: Role, spec: FrameSpec): Uint8Array {
  return frame({ mask: role === "server", ...spec });
}

function decode(
  role: Role,
  bytes: Uint8Array,
  limits: { maxPayload?: number; maxFragments?: number; allowRsv1?: boolean } = {},
) {
  const decoder = codec.decoder({
    role,
    maxPayload: limits.maxPayload ?? 1 << 24,
    maxFragments: limits.maxFragments ?? 1000,
    allowRsv1: limits.allowRsv1,
  });
  const recorder = new Recorder();
  decoder.push(bytes, recorder);
  return { decoder, recorder };
}

function expectError(role: Role, bytes: Uint8Array, id: number, limits?: Parameters<typeof decode>[2]) {
  const { decoder, recorder } = decode(role, bytes, limits);
  assert.equal(recorder.errorId, id, `${role}: expected error ${id}, got ${JSON.stringify(recorder.events)}`);
  const before = recorder.events.length;
  decoder.push(peerFrame(role, { opcode: 1, payload: "after" }), recorder);
  assert.equal(recorder.events.length, before, "input after an error is ignored");
  decoder.dispose();
}

describe("RFC 6455 §5.7 examples", () => {
  it("a single-frame unmasked text message (client role)", () => {
    const { recorder } = decode("client", hex("81 05 48 65 6c 6c 6f"));
    assert.deepEqual(recorder.events, [{ kind: "message", text: true, bytes: [...new TextEncoder().encode("Hello")] }]);
  });
  it("a single-frame masked text message (server role)", () => {
    const { recorder } = decode("server", hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
    assert.deepEqual(recorder.events, [{ kind: "message", text: true, bytes: [...new TextEncoder().encode("Hello")] }]);
  });
  it("a fragmented unmasked text message", () => {
    const { recorder } = decode("client", hex("01 03 48 65 6c 80 02 6c 6f"));
    assert.equal(new TextDecoder().decode(Uint8Array.from((recorder.events[0] as { bytes: number[] }).bytes)), "Hello");
    assert.deepEqual(recorder.pieces.map((p) => [p.first, p.last]), [[true, false], [false, true]]);
  });
  it("unmasked ping and masked pong", () => {
    assert.deepEqual(decode("client", hex("89 05 48 65 6c 6c 6f")).recorder.events, [{
      kind: "control",
      opcode: 9,
      bytes: [...new TextEncoder().encode("Hello")],
    }]);
    assert.deepEqual(decode("server", hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58")).recorder.events, [{
      kind: "control",
      opcode: 10,
      bytes: [...new TextEncoder().encode("Hello")],
    }]);
  });
  it("256 bytes and 64 KiB binary messages in single unmasked frames", () => {
    const small = new Uint8Array(256).map((_, i) => i);
    const big = new Uint8Array(65536).map((_, i) => i * 7);
    const { recorder } = decode(
      "client",
      concat([hex("82 7e 01 00"), small, hex("82 7f 00 00 00 00 00 01 00 00"), big]),
    );
    assert.deepEqual(recorder.events.map((e) => e.kind === "message" ? e.bytes.length : -1), [256, 65536]);
    assert.deepEqual((recorder.events[1] as { bytes: number[] }).bytes.slice(0, 4), [0, 7, 14, 21]);
  });
});

describe("RFC 6455 §5.2 header rules, both roles", () => {
  for (const role of ROLES) {
    it(`${role}: reserved opcodes`, () => {
      for (const opcode of [3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]) {
        expectError(role, peerFrame(role, { opcode }), abi.ERR_INVALID_OPCODE);
      }
    });
    it(`${role}: RSV bits without an extension`, () => {
      expectError(role, peerFrame(role, { opcode: 1, rsv1: true }), abi.ERR_UNEXPECTED_RSV);
      expectError(role, peerFrame(role, { opcode: 2, rsv2: true }), abi.ERR_UNEXPECTED_RSV);
      expectError(role, peerFrame(role, { opcode: 9, rsv3: true }), abi.ERR_UNEXPECTED_RSV);
    });
    it(`${role}: RSV1 with a negotiated extension, only on a message's first frame`, () => {
      const ok = decode(role, peerFrame(role, { opcode: 2, rsv1: true, payload: "x" }), { allowRsv1: true }).recorder;
      assert.equal(ok.events[0].kind, "message");
      expectError(
        role,
        concat([peerFrame(role, { opcode: 2, fin: false, rsv1: true }), peerFrame(role, { opcode: 0, rsv1: true })]),
        abi.ERR_UNEXPECTED_RSV,
        { allowRsv1: true },
      );
      expectError(role, peerFrame(role, { opcode: 9, rsv1: true }), abi.ERR_UNEXPECTED_RSV, { allowRsv1: true });
    });
    it(`${role}: RFC 7692 §6 an RSV1 message is marked compressed in every piece, and its text is not UTF-8 checked`, () => {
      const notUtf8 = Uint8Array.of(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00); // deflate bytes, not UTF-8
      const { recorder } = decode(
        role,
        concat([
          peerFrame(role, { opcode: 1, fin: false, rsv1: true, payload: notUtf8.subarray(0, 3) }),
          peerFrame(role, { opcode: 9, payload: "p" }),
          peerFrame(role, { opcode: 0, payload: notUtf8.subarray(3) }),
          peerFrame(role, { opcode: 1, payload: "plain" }),
        ]),
        { allowRsv1: true },
      );
      assert.deepEqual(recorder.pieces.map((p) => [p.first, p.last, p.text, p.compressed ?? false]), [
        [true, false, true, true],
        [false, true, true, true],
        [true, true, true, false],
      ]);
      assert.deepEqual(recorder.events.map((e) => e.kind), ["control", "message", "message"]);
      assert.deepEqual((recorder.events[1] as { bytes: number[] }).bytes, [...notUtf8]);
    });
    it(`${role}: RFC 7692 §6 an uncompressed text message on a deflate connection is still UTF-8 checked`, () => {
      expectError(role, peerFrame(role, { opcode: 1, payload: Uint8Array.of(0xff) }), abi.ERR_INVALID_UTF8, {
        allowRsv1: true,
      });
    });
    it(`${role}: fragmented control frames`, () => {
      for (const opcode of [8, 9, 10]) expectError(role, peerFrame(role, { opcode, fin: false }), abi.ERR_EXPECTED_FIN);
    });
    it(`${role}: control frames longer than 125 bytes`, () => {
      expectError(role, peerFrame(role, { opcode: 9, payload: new Uint8Array(126) }), abi.ERR_CONTROL_TOO_LONG);
      assert.equal(
        decode(role, peerFrame(role, { opcode: 9, payload: new Uint8Array(125) })).recorder.events[0].kind,
        "control",
      );
    });
    it(`${role}: the mask bit by role`, () => {
      if (role === "server") expectError(role, frame({ opcode: 1, payload: "x" }), abi.ERR_EXPECTED_MASK);
      else expectError(role, frame({ opcode: 1, payload: "x", mask: true }), abi.ERR_UNEXPECTED_MASK);
    });
    it(`${role}: non-minimal lengths and a 64-bit length with the top bit set`, () => {
      expectError(
        role,
        peerFrame(role, { opcode: 2, payload: new Uint8Array(5), lengthBytes: 2 }),
        abi.ERR_INVALID_LENGTH,
      );
      expectError(
        role,
        peerFrame(role, { opcode: 2, payload: new Uint8Array(200), lengthBytes: 8 }),
        abi.ERR_INVALID_LENGTH,
      );
      const top = peerFrame(role, { opcode: 2, lengthBytes: 8, length: 0 });
      top[2] = 0x80;
      expectError(role, top, abi.ERR_INVALID_LENGTH);
    });
    it(`${role}: continuation without a message, and a new message inside one`, () => {
      expectError(role, peerFrame(role, { opcode: 0, payload: "x" }), abi.ERR_INVALID_CONTINUATION);
      expectError(
        role,
        concat([peerFrame(role, { opcode: 2, fin: false }), peerFrame(role, { opcode: 1 })]),
        abi.ERR_EXPECTED_CONTINUATION,
      );
    });
  }
});

describe("RFC 6455 §5.4 fragmentation and §10.4 limits, both roles", () => {
  for (const role of ROLES) {
    it(`${role}: control frames between fragments; empty fragments; empty messages`, () => {
      const { recorder } = decode(
        role,
        concat([
          peerFrame(role, { opcode: 1, fin: false, payload: "a" }),
          peerFrame(role, { opcode: 9, payload: "p" }),
          peerFrame(role, { opcode: 0, fin: false }),
          peerFrame(role, { opcode: 10 }),
          peerFrame(role, { opcode: 0, payload: "b" }),
          peerFrame(role, { opcode: 2 }),
        ]),
      );
      assert.deepEqual(
        recorder.events.map((e) =>
          e.kind === "message" ? `m:${e.bytes.length}` : e.kind === "control" ? `c:${e.opcode}` : "error"
        ),
        ["c:9", "c:10", "m:2", "m:0"],
      );
    });
    it(`${role}: a message over maxPayload fails when the header announces it, across fragments too`, () => {
      const header = peerFrame(role, { opcode: 2, length: 101 }); // no payload follows
      expectError(role, header, abi.ERR_MESSAGE_TOO_BIG, { maxPayload: 100 });
      const parts = [0, 1, 2].map((i) =>
        peerFrame(role, { opcode: i === 0 ? 2 : 0, fin: i === 2, payload: new Uint8Array(40) })
      );
      expectError(role, concat(parts), abi.ERR_MESSAGE_TOO_BIG, { maxPayload: 100 });
      assert.equal(decode(role, concat(parts.slice(0, 2)), { maxPayload: 100 }).recorder.errorId, 0);
    });
    it(`${role}: too many fragments`, () => {
      const parts = [0, 1, 2, 3].map((i) => peerFrame(role, { opcode: i === 0 ? 1 : 0, fin: i === 3, payload: "x" }));
      expectError(role, concat(parts), abi.ERR_TOO_MANY_FRAGMENTS, { maxFragments: 3 });
      assert.equal(decode(role, concat(parts), { maxFragments: 4 }).recorder.events[0].kind, "message");
    });
    it(`${role}: lengths at and above 4 GiB are never wrapped to 32 bits`, () => {
      const GiB4 = 2 ** 32;
      // With a limit above them, the frame is open and its first bytes are payload, not a new frame.
      for (const length of [GiB4 - 1, GiB4, GiB4 + 1, GiB4 * 2, 2 ** 53 - 1]) {
        const ping = peerFrame(role, { opcode: 9 });
        const bytes = concat([peerFrame(role, { opcode: 2, length, lengthBytes: 8 }), ping]);
        const { recorder } = decode(role, bytes, { maxPayload: 2 ** 53 - 1 });
        assert.deepEqual(recorder.events, [], `length ${length}`);
        assert.deepEqual(
          recorder.pieces.map((piece) => [piece.bytes.length, piece.first, piece.last]),
          [[ping.length, true, false]],
          `length ${length}`,
        );
      }
      // A limit at or past 2^53 is capped below it: a longer frame still fails.
      for (const maxPayload of [2 ** 53, 2 ** 60, Infinity]) {
        for (const length of [2 ** 53, 2 ** 63 - 1024]) {
          expectError(role, peerFrame(role, { opcode: 2, length, lengthBytes: 8 }), abi.ERR_MESSAGE_TOO_BIG, {
            maxPayload,
          });
        }
      }
      // Under the default-sized limit every such length fails at the header.
      for (const length of [GiB4 - 1, GiB4, GiB4 + 1, 2 ** 53, 2 ** 63 - 1024]) {
        expectError(role, peerFrame(role, { opcode: 1, length, lengthBytes: 8 }), abi.ERR_MESSAGE_TOO_BIG);
      }
    });
    it(`${role}: 100,000 one-byte fragments stay within the limit and assemble`, () => {
      const parts = Array.from(
        { length: 100_000 },
        (_, i) => peerFrame(role, { opcode: i === 0 ? 2 : 0, fin: i === 99_999, payload: new Uint8Array([i & 0xff]) }),
      );
      const { recorder } = decode(role, concat(parts), { maxFragments: 100_000 });
      assert.equal(recorder.events.length, 1);
      assert.equal((recorder.events[0] as { bytes: number[] }).bytes.length, 100_000);
    });
  }
});

describe("RFC 6455 §5.5.1 close frames and §8.1 UTF-8, both roles", () => {
  for (const role of ROLES) {
    it(`${role}: close payloads: empty, 1 byte, every code class, bad reasons`, () => {
      assert.deepEqual(decode(role, peerFrame(role, { opcode: 8 })).recorder.events, [{
        kind: "control",
        opcode: 8,
        bytes: [],
      }]);
      expectError(role, peerFrame(role, { opcode: 8, payload: hex("03") }), abi.ERR_INVALID_CLOSE_PAYLOAD);
      for (let code = 0; code <= 5000; code++) {
        const { recorder } = decode(role, peerFrame(role, { opcode: 8, payload: closePayload(code) }));
        const valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
          (code >= 3000 && code <= 4999);
        assert.equal(recorder.errorId, valid ? 0 : abi.ERR_INVALID_CLOSE_CODE, `code ${code}`);
      }
      expectError(
        role,
        peerFrame(role, { opcode: 8, payload: concat([closePayload(1000), hex("c3 28")]) }),
        abi.ERR_INVALID_UTF8,
      );
      const reason = "x".repeat(123);
      assert.deepEqual(
        decode(role, peerFrame(role, { opcode: 8, payload: closePayload(1000, reason) })).recorder.events[0],
        { kind: "control", opcode: 8, bytes: [...closePayload(1000, reason)] },
      );
    });
    it(`${role}: invalid UTF-8 fails fast, before the rest of the message arrives`, () => {
      const { decoder, recorder } = decode(
        role,
        peerFrame(role, { opcode: 1, fin: false, payload: hex("48 65 ed a0") }),
      );
      assert.equal(recorder.errorId, abi.ERR_INVALID_UTF8);
      decoder.dispose();
    });
    it(`${role}: a code point split across fragments is fine; a message ending inside one is not`, () => {
      const euro = hex("e2 82 ac");
      const ok = decode(
        role,
        concat([
          peerFrame(role, { opcode: 1, fin: false, payload: euro.subarray(0, 1) }),
          peerFrame(role, { opcode: 0, payload: euro.subarray(1) }),
        ]),
      );
      assert.equal(
        new TextDecoder().decode(Uint8Array.from((ok.recorder.events[0] as { bytes: number[] }).bytes)),
        "€",
      );
      expectError(
        role,
        concat([
          peerFrame(role, { opcode: 1, fin: false, payload: "a" }),
          peerFrame(role, { opcode: 0, payload: euro.subarray(0, 2) }),
        ]),
        abi.ERR_INVALID_UTF8,
      );
    });
  }
});

describe("incremental input", () => {
  it("every split point of a mixed stream gives the same events", () => {
    for (const role of ROLES) {
      const stream = concat([
        peerFrame(role, { opcode: 1, payload: "héllo" }),
        peerFrame(role, { opcode: 9, payload: "ping" }),
        peerFrame(role, { opcode: 2, payload: new Uint8Array(300).fill(5) }),
        peerFrame(role, { opcode: 1, fin: false, payload: "ab" }),
        peerFrame(role, { opcode: 10, payload: new Uint8Array(125).fill(1) }),
        peerFrame(role, { opcode: 0, payload: "c" }),
        peerFrame(role, { opcode: 8, payload: closePayload(1000, "bye") }),
      ]);
      const whole = decode(role, stream).recorder.events;
      for (let cut = 0; cut <= stream.length; cut++) {
        const { decoder, recorder } = decode(role, stream.subarray(0, cut));
        decoder.push(stream.subarray(cut), recorder);
        assert.deepEqual(recorder.events, whole, `${role} split at ${cut}`);
        decoder.dispose();
      }
      const { decoder, recorder } = decode(role, new Uint8Array(0));
      for (const byte of stream) decoder.push(Uint8Array.of(byte), recorder);
      assert.deepEqual(recorder.events, whole, `${role} one byte at a time`);
    }
  });

  it("a read with more frames than the descriptor table holds loses none", () => {
    const frames = Array.from(
      { length: abi.DESCRIPTOR_CAPACITY * 3 + 5 },
      (_, i) => frame({ opcode: 2, payload: Uint8Array.of(i & 0xff) }),
    );
    const { recorder } = decode("client", concat(frames));
    assert.equal(recorder.events.length, frames.length);
    assert.deepEqual(recorder.events.map((e) => (e as { bytes: number[] }).bytes[0]), frames.map((_, i) => i & 0xff));
  });

  it("keeps parsing correctly when WASM memory grows in the middle of a stream", () => {
    const payload = Uint8Array.from({ length: 200_000 }, (_, i) => (Math.imul(i, 2654435761) >>> 24) & 0xff);
    const stream = concat([
      frame({ opcode: 2, payload, mask: true }),
      frame({ opcode: 1, payload: "after growth", mask: true }),
    ]);
    const { decoder, recorder } = decode("server", stream.subarray(0, 70_000));
    const memory = (instance.exports as unknown as WasmExports).memory;
    const before = memory.buffer.byteLength;
    memory.grow(16); // detaches every view taken so far
    const region = decoder.reserve();
    region.set(stream.subarray(70_000, 100_000));
    decoder.commit(30_000, recorder);
    decoder.push(stream.subarray(100_000), recorder);
    assert.ok(memory.buffer.byteLength > before);
    assert.deepEqual(recorder.events.map((e) => e.kind), ["message", "message"]);
    assert.deepEqual(Uint8Array.from((recorder.events[0] as { bytes: number[] }).bytes), payload);
  });
});
