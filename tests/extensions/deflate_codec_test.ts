// RFC 7692 §7.2 through the codec seam alone (no sockets): the WASM codec
// wrapped by withDeflate, fed the bytes a peer would send, in both roles.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as abi from "../../src/codec/abi.ts";
import { loadCodec } from "../../src/codec/load.ts";
import type { Role } from "../../src/codec/mod.ts";
import { withDeflate } from "../../src/extensions/deflate_codec.ts";
import { loadZlib } from "../../src/extensions/zlib_stream.ts";
import type { DeflateParams } from "../../src/protocol/deflate_negotiation.ts";
import { concat, frame, type FrameSpec } from "../_helpers/frames.ts";
import { Recorder } from "../_helpers/recorder.ts";
import { ContextDeflater, deflateAlone, PeerInflater, RFC_HELLO } from "../_helpers/deflate_peer.ts";

const codec = await loadCodec();
const zlib = (await loadZlib())!;
const ROLES: Role[] = ["client", "server"];
const utf8 = new TextEncoder();

function agreed(over: Partial<DeflateParams> = {}): DeflateParams {
  return {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
    ...over,
  };
}

/** Our decoder in `role`, and a way to send it frames as the peer would (masked towards a server). */
function receiver(role: Role, params = agreed(), maxPayload = 1 << 24) {
  const wrapped = withDeflate(codec, zlib, role, { params });
  const decoder = wrapped.decoder({ role, maxPayload, maxFragments: 1000 });
  const recorder = new Recorder();
  const wire = (spec: FrameSpec) => frame({ mask: role === "server", ...spec });
  return { decoder, recorder, wire, push: (bytes: Uint8Array) => decoder.push(bytes, recorder) };
}

const texts = (recorder: Recorder) =>
  recorder.events.map((e) =>
    e.kind === "message" ? (e.text ? new TextDecoder().decode(Uint8Array.from(e.bytes)) : e.bytes.length) : e.kind
  );

for (const role of ROLES) {
  describe(`RFC 7692 §7.2.3 the examples, received by the ${role}`, () => {
    for (const name of ["single", "stored", "bfinal", "twoBlocks"] as const) {
      it(`${name}: "Hello"`, () => {
        const r = receiver(role);
        r.push(r.wire({ opcode: 1, rsv1: true, payload: RFC_HELLO[name] }));
        assert.deepEqual(texts(r.recorder), ["Hello"]);
      });
    }
    it("§7.2.3.2 a second message sharing the window (context takeover)", () => {
      const r = receiver(role);
      r.push(
        concat([
          r.wire({ opcode: 1, rsv1: true, payload: RFC_HELLO.single }),
          r.wire({ opcode: 1, rsv1: true, payload: RFC_HELLO.shared }),
        ]),
      );
      assert.deepEqual(texts(r.recorder), ["Hello", "Hello"]);
    });
    it("§7.2.3.1 a compressed message in two fragments, a ping between them", () => {
      const r = receiver(role);
      r.push(concat([
        r.wire({ opcode: 1, rsv1: true, fin: false, payload: RFC_HELLO.single.subarray(0, 3) }),
        r.wire({ opcode: 9, payload: "p" }),
        r.wire({ opcode: 0, payload: RFC_HELLO.single.subarray(3) }),
      ]));
      assert.deepEqual(texts(r.recorder), ["control", "Hello"]);
    });
    it("§7.2.3.4 after a message ended with BFINAL, the next ones inflate (with and without context takeover)", () => {
      const peerBits = role === "server" ? "clientNoContextTakeover" : "serverNoContextTakeover";
      for (const params of [agreed(), agreed({ [peerBits]: true })]) {
        const r = receiver(role, params);
        for (const payload of [RFC_HELLO.bfinal, RFC_HELLO.single, RFC_HELLO.bfinal, RFC_HELLO.twoBlocks]) {
          r.push(r.wire({ opcode: 1, rsv1: true, payload }));
        }
        assert.deepEqual(texts(r.recorder), ["Hello", "Hello", "Hello", "Hello"]);
      }
    });
    it("§7.2.3.6 an empty message (a single 0x00)", () => {
      const r = receiver(role);
      r.push(r.wire({ opcode: 2, rsv1: true, payload: Uint8Array.of(0) }));
      assert.deepEqual(texts(r.recorder), [0]);
    });
    it("§6 an uncompressed message on a deflate connection is delivered as is", () => {
      const r = receiver(role);
      r.push(
        concat([r.wire({ opcode: 1, payload: "plain" }), r.wire({ opcode: 1, rsv1: true, payload: RFC_HELLO.single })]),
      );
      assert.deepEqual(texts(r.recorder), ["plain", "Hello"]);
    });
  });

  describe(`RFC 7692 §7.2.2 decompression, the ${role}`, () => {
    it("compressed bytes split at every position across reads (one frame, then three fragments)", () => {
      const text = JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ id: i, name: `é${i}€` })));
      const payload = deflateAlone(text);
      const whole = receiver(role).wire({ opcode: 1, rsv1: true, payload });
      const third = Math.ceil(payload.length / 3);
      const fragmented = concat([
        frame({ mask: role === "server", opcode: 1, rsv1: true, fin: false, payload: payload.subarray(0, third) }),
        frame({ mask: role === "server", opcode: 0, fin: false, payload: payload.subarray(third, 2 * third) }),
        frame({ mask: role === "server", opcode: 0, payload: payload.subarray(2 * third) }),
      ]);
      for (const bytes of [whole, fragmented]) {
        const wrong: number[] = [];
        for (let split = 1; split < bytes.length; split++) {
          const r = receiver(role);
          r.push(bytes.subarray(0, split));
          r.push(bytes.subarray(split));
          const got = texts(r.recorder);
          if (got.length !== 1 || got[0] !== text) wrong.push(split);
        }
        assert.deepEqual(wrong, []);
      }
    });

    it("context takeover across messages, and its absence", async () => {
      const peerBits = role === "server" ? "clientNoContextTakeover" : "serverNoContextTakeover";
      const deflater = new ContextDeflater();
      const r = receiver(role);
      const message = "the same words again and again, ".repeat(20);
      const sizes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const payload = await deflater.compress(message);
        sizes.push(payload.length);
        r.push(r.wire({ opcode: 1, rsv1: true, payload }));
      }
      deflater.close();
      assert.ok(sizes[1] < sizes[0] / 2, `the window was used: ${sizes}`);
      assert.deepEqual(texts(r.recorder), [message, message, message]);
      // Without context takeover every message stands alone.
      const alone = receiver(role, agreed({ [peerBits]: true }));
      for (let i = 0; i < 3; i++) alone.push(alone.wire({ opcode: 1, rsv1: true, payload: deflateAlone(message) }));
      assert.deepEqual(texts(alone.recorder), [message, message, message]);
    });

    for (let bits = 8; bits <= 15; bits++) {
      it(`window bits ${bits}: the peer's messages inflate, with context takeover`, async () => {
        const params = role === "server"
          ? agreed({ clientMaxWindowBits: bits })
          : agreed({ serverMaxWindowBits: bits });
        const r = receiver(role, params);
        const deflater = new ContextDeflater(bits);
        const messages = [0, 1, 2].map((i) => `${i}: ` + "abcdefghij".repeat(60 + i) + crypto.randomUUID().repeat(30));
        for (const message of messages) {
          r.push(r.wire({ opcode: 1, rsv1: true, payload: await deflater.compress(message) }));
        }
        deflater.close();
        assert.deepEqual(texts(r.recorder), messages);
      });
    }

    it("maxPayload bounds the inflated size: 1 MiB of zeros against 64 KiB fails with 1009", () => {
      const bomb = deflateAlone(new Uint8Array(1 << 20));
      const r = receiver(role, agreed(), 64 * 1024);
      r.push(r.wire({ opcode: 2, rsv1: true, payload: bomb }));
      assert.equal(r.recorder.errorId, abi.ERR_MESSAGE_TOO_BIG);
      // The same split over ten fragments.
      const f = receiver(role, agreed(), 64 * 1024);
      const step = Math.ceil(bomb.length / 10);
      for (let i = 0; i < 10; i++) {
        f.push(
          f.wire({
            opcode: i === 0 ? 2 : 0,
            rsv1: i === 0,
            fin: i === 9,
            payload: bomb.subarray(i * step, (i + 1) * step),
          }),
        );
      }
      assert.equal(f.recorder.errorId, abi.ERR_MESSAGE_TOO_BIG);
      assert.deepEqual(f.recorder.events.filter((e) => e.kind === "message"), []);
    });

    it("a message inflating to exactly maxPayload is delivered", () => {
      const r = receiver(role, agreed(), 64 * 1024);
      r.push(r.wire({ opcode: 2, rsv1: true, payload: deflateAlone(new Uint8Array(64 * 1024)) }));
      assert.deepEqual(texts(r.recorder), [64 * 1024]);
    });

    it("invalid compressed data fails with WS_ERR_INVALID_COMPRESSED_DATA (1007)", () => {
      // Without context takeover: the message goes through the zlib stream connections share.
      const alone = agreed(role === "server" ? { clientNoContextTakeover: true } : { serverNoContextTakeover: true });
      const r = receiver(role, alone);
      r.push(r.wire({ opcode: 2, rsv1: true, payload: Uint8Array.of(0xff, 0xff, 0xff) }));
      assert.equal(r.recorder.errorId, abi.ERR_INVALID_COMPRESSED_DATA);
      r.push(r.wire({ opcode: 1, payload: "after" }));
      assert.equal(r.recorder.events.length, 1, "nothing is delivered after the error");
      // The stream shared by connections without context takeover recovers for the next one.
      const next = receiver(role, alone);
      next.push(next.wire({ opcode: 1, rsv1: true, payload: RFC_HELLO.single }));
      assert.deepEqual(texts(next.recorder), ["Hello"]);
    });

    it("invalid UTF-8 in inflated text fails with 1007, also a sequence left open at the end", () => {
      for (const bad of [Uint8Array.of(0x48, 0xff, 0x48), Uint8Array.of(0x48, 0xe2, 0x82)]) {
        const r = receiver(role);
        r.push(r.wire({ opcode: 1, rsv1: true, payload: deflateAlone(bad) }));
        assert.equal(r.recorder.errorId, abi.ERR_INVALID_UTF8);
      }
      // Fail fast: the first fragment's bad byte is reported before the message ends.
      const r = receiver(role);
      const payload = deflateAlone(concat([Uint8Array.of(0xc0, 0x80), new Uint8Array(3000).fill(0x41)]));
      r.push(r.wire({ opcode: 1, rsv1: true, fin: false, payload: payload.subarray(0, payload.length - 2) }));
      assert.equal(r.recorder.errorId, abi.ERR_INVALID_UTF8);
    });

    it("RSV1 on a continuation or a control frame is still a protocol error", () => {
      const r = receiver(role);
      r.push(
        concat([r.wire({ opcode: 1, fin: false, payload: "a" }), r.wire({ opcode: 0, rsv1: true, payload: "b" })]),
      );
      assert.equal(r.recorder.errorId, abi.ERR_UNEXPECTED_RSV);
      const c = receiver(role);
      c.push(c.wire({ opcode: 9, rsv1: true }));
      assert.equal(c.recorder.errorId, abi.ERR_UNEXPECTED_RSV);
    });
  });

  describe(`RFC 7692 §7.2.1 compression, the ${role}`, () => {
    const unmask = (bytes: Uint8Array) => {
      const len7 = bytes[1] & 0x7f;
      let at = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
      const masked = (bytes[1] & 0x80) !== 0;
      const key = bytes.subarray(at, at + 4);
      if (masked) at += 4;
      const payload = bytes.slice(at);
      if (masked) { for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3]; }
      return { rsv1: (bytes[0] & 0x40) !== 0, opcode: bytes[0] & 0x0f, payload };
    };

    it("at or above the threshold: RSV1, no 00 00 ff ff tail, inflates back; below: as is", () => {
      const encoder = withDeflate(codec, zlib, role, { params: agreed(), threshold: 100 }).encoder(role);
      const big = "x".repeat(100);
      const sent = unmask(encoder.encodeText(big));
      assert.equal(sent.rsv1, true);
      assert.notDeepEqual([...sent.payload.subarray(-4)], [0, 0, 0xff, 0xff]);
      assert.equal(new TextDecoder().decode(new PeerInflater(false).inflate(sent.payload)), big);
      const small = unmask(encoder.encodeText("x".repeat(99)));
      assert.deepEqual([small.rsv1, small.payload.length], [false, 99]);
      const binary = unmask(encoder.encode(2, new Uint8Array(500)));
      assert.deepEqual([binary.rsv1, binary.opcode], [true, 2]);
      const ping = unmask(encoder.encode(9, new Uint8Array(120)));
      assert.deepEqual([ping.rsv1, ping.payload.length], [false, 120]);
    });

    it("our compressor uses the window only when context takeover is allowed", () => {
      const ours = role === "server" ? "serverNoContextTakeover" : "clientNoContextTakeover";
      const message = utf8.encode("repeat after me, ".repeat(200));
      for (const takeover of [true, false]) {
        const encoder = withDeflate(codec, zlib, role, { params: agreed({ [ours]: !takeover }) }).encoder(role);
        const peer = new PeerInflater(takeover);
        const sizes = [0, 1, 2].map(() => {
          const sent = unmask(encoder.encode(2, message));
          assert.deepEqual(peer.inflate(sent.payload), message);
          return sent.payload.length;
        });
        if (takeover) assert.ok(sizes[1] < sizes[0], `window kept: ${sizes}`);
        else assert.deepEqual([sizes[1], sizes[2]], [sizes[0], sizes[0]]);
      }
    });

    for (let bits = 8; bits <= 15; bits++) {
      it(`window bits ${bits}: a peer with that window inflates what we send`, () => {
        const ours = role === "server" ? { serverMaxWindowBits: bits } : { clientMaxWindowBits: bits };
        const encoder = withDeflate(codec, zlib, role, { params: agreed(ours), threshold: 0 }).encoder(role);
        const peer = new PeerInflater(true, bits);
        for (let i = 0; i < 3; i++) {
          const message = utf8.encode(`${i} ` + crypto.randomUUID().repeat(40) + "0123456789".repeat(100));
          assert.deepEqual(peer.inflate(unmask(encoder.encode(1, message)).payload), message);
        }
      });
    }
  });
}
