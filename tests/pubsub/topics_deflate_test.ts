// Topics with permessage-deflate (RFC 7692): a publish compresses once for
// every subscriber that agreed the same parameters without context takeover
// (§7.1.1: the message then depends on no earlier one), sends plain frames to
// subscribers without the extension, and compresses separately for one whose
// compressor keeps its context.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve } from "../../src/mod.ts";
import { rawClient, type RawSocket, upgradeRequest } from "../_helpers/raw_peer.ts";
import { PeerInflater } from "../_helpers/deflate_peer.ts";

async function connect(port: number, offer?: string): Promise<RawSocket> {
  const peer = await rawClient(port);
  peer.write(upgradeRequest(port, "/", offer === undefined ? "" : `Sec-WebSocket-Extensions: ${offer}\r\n`));
  const head = await peer.readHead();
  assert.match(head, /^HTTP\/1\.1 101/);
  assert.equal(/sec-websocket-extensions: permessage-deflate/i.test(head), offer !== undefined);
  return peer;
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const news = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ id: i, headline: "markets rally" })));

describe("topics with permessage-deflate", () => {
  it("one compression for subscribers with the same parameters, plain frames for the rest", async () => {
    let subscribed = 0;
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      perMessageDeflate: { threshold: 100 },
      websocket: (ws) => {
        ws.subscribe("news");
        subscribed++;
      },
    });
    try {
      const port = server.address.port;
      const a = await connect(port, "permessage-deflate; client_max_window_bits");
      const b = await connect(port, "permessage-deflate");
      const plain = await connect(port);
      for (let i = 0; i < 200 && subscribed < 3; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(server.publish("news", news), 3);
      assert.equal(server.publish("news", "tiny"), 3);
      const [fa, fb, fp] = await Promise.all([a, b, plain].map((peer) => peer.readFrame()));
      assert.deepEqual([fa.rsv, fb.rsv, fp.rsv], [4, 4, 0], "RSV1 marks the compressed messages only");
      assert.deepEqual(fa.payload, fb.payload, "one compression for the same parameters");
      assert.equal(decode(new PeerInflater(false).inflate(fa.payload)), news);
      assert.equal(decode(fp.payload), news);
      // Below the threshold every subscriber gets the message as it is.
      const tiny = await Promise.all([a, b, plain].map((peer) => peer.readFrame()));
      assert.deepEqual(tiny.map((f) => [f.rsv, decode(f.payload)]), Array(3).fill([0, "tiny"]));
      for (const peer of [a, b, plain]) peer.destroy();
    } finally {
      await server.shutdown({ timeout: 100 });
    }
  });

  it("a subscriber whose compressor keeps context gets its own compression, in order", async () => {
    let subscribed = 0;
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      perMessageDeflate: { threshold: 0, serverNoContextTakeover: false },
      websocket: (ws) => {
        ws.subscribe("news");
        subscribed++;
      },
    });
    try {
      const peer = await connect(server.address.port, "permessage-deflate");
      for (let i = 0; i < 200 && subscribed < 1; i++) await new Promise((r) => setTimeout(r, 10));
      const message = "again and again and again ".repeat(20);
      server.publish("news", message);
      server.publish("news", message);
      const inflater = new PeerInflater(true);
      const first = await peer.readFrame();
      const second = await peer.readFrame();
      assert.ok(second.payload.length < first.payload.length, "the second one refers to the first");
      assert.equal(decode(inflater.inflate(first.payload)), message);
      assert.equal(decode(inflater.inflate(second.payload)), message);
      peer.destroy();
    } finally {
      await server.shutdown({ timeout: 100 });
    }
  });
});
