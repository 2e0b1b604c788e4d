// RFC 7692 §6 and §7.2 through the whole engine, both roles, against a raw
// peer that compresses with node:zlib: compressed messages in, compressed
// messages out, RSV1 rules, the inflate bound and the 1007 cases.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { frame } from "../_helpers/frames.ts";
import { closeCleanly, failedWith, harness, type Pair, ROLES } from "../_helpers/engine_pair.ts";
import { ContextDeflater, deflateAlone, PeerInflater, RFC_HELLO } from "../_helpers/deflate_peer.ts";

// What the raw peer offers (to our server) or answers (to our client); our server compresses without context.
const PEER_EXTENSIONS = { client: "permessage-deflate", server: "permessage-deflate; client_max_window_bits" };
const OPTIONS = { client: {}, server: { perMessageDeflate: true } };

async function until(pair: Pair, count: number): Promise<void> {
  for (let i = 0; i < 200 && pair.messages.length < count; i++) await new Promise((r) => setTimeout(r, 10));
}

for (const role of ROLES) {
  const open = (options: Record<string, unknown> = {}) =>
    harness(role, { ...OPTIONS[role], ...options }, PEER_EXTENSIONS[role]);

  describe(`RFC 7692 §6–§7.2 permessage-deflate messages: the ${role}`, () => {
    it("agrees the extension and shows it in ws.extensions", async () => {
      const h = await open();
      const pair = await h.open();
      assert.match(pair.ws.extensions, /^permessage-deflate/);
      await closeCleanly(pair);
      await h.close();
    });

    it("§7.2.3 receives the RFC's compressed messages, fragmented ones with a ping inside, and plain ones", async () => {
      const h = await open();
      const pair = await h.open();
      pair.send({ opcode: 1, rsv1: true, payload: RFC_HELLO.single });
      pair.send({ opcode: 1, rsv1: true, payload: RFC_HELLO.bfinal });
      pair.send({ opcode: 1, rsv1: true, fin: false, payload: RFC_HELLO.twoBlocks.subarray(0, 5) });
      pair.send({ opcode: 9, payload: "ping" });
      pair.send({ opcode: 0, payload: RFC_HELLO.twoBlocks.subarray(5) });
      pair.send({ opcode: 1, payload: "plain" });
      pair.send({ opcode: 2, rsv1: true, payload: deflateAlone(new Uint8Array(5000)) });
      await until(pair, 5);
      const pong = await pair.peer.readFrame();
      assert.deepEqual([pong.opcode, pong.rsv, new TextDecoder().decode(pong.payload)], [10, 0, "ping"]);
      await closeCleanly(pair);
      assert.deepEqual(pair.log.filter((e) => e.startsWith("message")), [
        "message:text:Hello",
        "message:text:Hello",
        "message:text:Hello",
        "message:text:plain",
        "message:binary:5000",
      ]);
      await h.close();
    });

    it("§7.2.1 sends messages at or above the threshold compressed (RSV1, tail removed), smaller ones plain", async () => {
      const h = await open({ perMessageDeflate: role === "server" ? { threshold: 64 } : [{ threshold: 64 }] });
      const pair = await h.open();
      const big = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ id: i, text: "lorem ipsum" })));
      pair.ws.send(big);
      pair.ws.send("x".repeat(63));
      pair.ws.send(new Uint8Array(4096).fill(7));
      // Our client's compressor may keep its window (no client_no_context_takeover was answered).
      const peer = new PeerInflater(role === "client");
      const first = await pair.peer.readFrame();
      assert.equal(first.rsv, 4);
      assert.equal(new TextDecoder().decode(peer.inflate(first.payload)), big);
      const second = await pair.peer.readFrame();
      assert.deepEqual([second.rsv, second.payload.length], [0, 63]);
      const third = await pair.peer.readFrame();
      assert.deepEqual([third.rsv, third.opcode], [4, 2]);
      assert.deepEqual(peer.inflate(third.payload), new Uint8Array(4096).fill(7));
      await closeCleanly(pair);
      await h.close();
    });

    it("context takeover: each message uses the window of the ones before", async () => {
      const h = await open();
      const pair = await h.open();
      const deflater = new ContextDeflater();
      const message = "context takeover shares the window, ".repeat(30);
      for (let i = 0; i < 4; i++) pair.send({ opcode: 1, rsv1: true, payload: await deflater.compress(message) });
      deflater.close();
      await until(pair, 4);
      await closeCleanly(pair);
      assert.deepEqual(pair.messages, [message, message, message, message]);
      await h.close();
    });

    it("compressed bytes arriving in two reads, split at many positions", async () => {
      const h = await open();
      const pair = await h.open();
      const text = "split me across reads; ".repeat(40);
      const bytes = deflateAlone(text);
      const positions = [1, 2, 3, 5, 8, Math.floor(bytes.length / 2), bytes.length - 1];
      for (const split of positions) {
        const frameBytes = frame({ opcode: 1, rsv1: true, payload: bytes, mask: pair.role === "server" });
        pair.peer.write(frameBytes.subarray(0, split));
        await new Promise((r) => setTimeout(r, 5));
        pair.peer.write(frameBytes.subarray(split));
      }
      await until(pair, positions.length);
      await closeCleanly(pair);
      assert.deepEqual(pair.messages, positions.map(() => text));
      await h.close();
    });

    it("RSV1 on a continuation frame fails with 1002", async () => {
      const h = await open();
      const pair = await h.open();
      pair.send({ opcode: 1, rsv1: true, fin: false, payload: RFC_HELLO.single.subarray(0, 2) });
      pair.send({ opcode: 0, rsv1: true, payload: RFC_HELLO.single.subarray(2) });
      assert.equal(await outcomeOf(pair), failedWith(1002, "WS_ERR_UNEXPECTED_RSV"));
      await h.close();
    });

    it("RSV1 on a control frame fails with 1002", async () => {
      const h = await open();
      const pair = await h.open();
      pair.send({ opcode: 9, rsv1: true, payload: "p" });
      assert.equal(await outcomeOf(pair), failedWith(1002, "WS_ERR_UNEXPECTED_RSV"));
      await h.close();
    });

    it("an inflate bomb (1 MiB of zeros, maxPayload 64 KiB) fails with 1009, in one frame or many", async () => {
      const bomb = deflateAlone(new Uint8Array(1 << 20));
      const h = await open({ maxPayload: 64 * 1024 });
      const one = await h.open();
      one.send({ opcode: 2, rsv1: true, payload: bomb });
      assert.equal(await outcomeOf(one), failedWith(1009, "WS_ERR_MESSAGE_TOO_BIG"));
      const many = await h.open();
      const step = Math.ceil(bomb.length / 8);
      for (let i = 0; i < 8; i++) {
        many.send({
          opcode: i === 0 ? 2 : 0,
          rsv1: i === 0,
          fin: i === 7,
          payload: bomb.subarray(i * step, (i + 1) * step),
        });
      }
      assert.equal(await outcomeOf(many), failedWith(1009, "WS_ERR_MESSAGE_TOO_BIG"));
      await h.close();
    });

    it("invalid compressed data and invalid UTF-8 once inflated fail with 1007", async () => {
      const h = await open();
      const data = await h.open();
      data.send({ opcode: 2, rsv1: true, payload: Uint8Array.of(0xff, 0xfe, 0xfd) });
      assert.equal(await outcomeOf(data), failedWith(1007, "WS_ERR_INVALID_COMPRESSED_DATA"));
      const text = await h.open();
      text.send({ opcode: 1, rsv1: true, payload: deflateAlone(Uint8Array.of(0x61, 0xed, 0xa0, 0x80)) });
      assert.equal(await outcomeOf(text), failedWith(1007, "WS_ERR_INVALID_UTF8"));
      await h.close();
    });
  });
}

async function outcomeOf(pair: Pair): Promise<string> {
  const reply = await pair.readClose();
  pair.peer.end();
  await pair.closed;
  return `${reply.code} ${pair.log.join(" ")}`;
}
