// Server.broadcast with permessage-deflate: one compression for every client
// that agreed the same parameters without context takeover (RFC 7692 §7.2.1
// output depends only on the payload then), plain frames for the others.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve } from "../../src/mod.ts";
import { rawClient, type RawSocket, upgradeRequest } from "../_helpers/raw_peer.ts";
import { PeerInflater } from "../_helpers/deflate_peer.ts";

async function connect(port: number, offer?: string): Promise<{ peer: RawSocket; head: string }> {
  const peer = await rawClient(port);
  peer.write(upgradeRequest(port, "/", offer === undefined ? "" : `Sec-WebSocket-Extensions: ${offer}\r\n`));
  return { peer, head: await peer.readHead() };
}

describe("broadcast with permessage-deflate", () => {
  it("sends the same compressed frame to every client with the same parameters, plain frames to the rest", async () => {
    let opened = 0;
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      perMessageDeflate: { threshold: 100 },
      websocket: () => opened++,
    });
    try {
      const port = server.address.port;
      const a = await connect(port, "permessage-deflate; client_max_window_bits");
      const b = await connect(port, "permessage-deflate");
      const small = await connect(port, "permessage-deflate; server_max_window_bits=10");
      const plain = await connect(port);
      for (let i = 0; i < 100 && opened < 4; i++) await new Promise((r) => setTimeout(r, 10));
      assert.match(plain.head, /^HTTP\/1\.1 101/);
      assert.doesNotMatch(plain.head, /sec-websocket-extensions/i);
      const news = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ id: i, headline: "markets rally" })));
      assert.equal(server.broadcast(news), 4);
      assert.equal(server.broadcast("tiny"), 4);
      const [fa, fb, fs, fp] = await Promise.all([a, b, small, plain].map((c) => c.peer.readFrame()));
      assert.deepEqual([fa.rsv, fb.rsv, fs.rsv, fp.rsv], [4, 4, 4, 0]);
      assert.deepEqual(fa.payload, fb.payload, "one compression for the same parameters");
      assert.equal(new TextDecoder().decode(new PeerInflater(false).inflate(fa.payload)), news);
      // server_max_window_bits=10: compressed for that window, readable by an inflater that keeps no more.
      assert.equal(new TextDecoder().decode(new PeerInflater(false, 10).inflate(fs.payload)), news);
      assert.equal(new TextDecoder().decode(fp.payload), news);
      // Below the threshold everyone gets the message uncompressed.
      const tiny = await Promise.all([a, b, small, plain].map((c) => c.peer.readFrame()));
      assert.deepEqual(tiny.map((f) => [f.rsv, new TextDecoder().decode(f.payload)]), Array(4).fill([0, "tiny"]));
      for (const c of [a, b, small, plain]) c.peer.destroy();
    } finally {
      await server.shutdown({ timeout: 100 });
    }
  });

  it("a connection whose compressor keeps context gets its own compression", async () => {
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      perMessageDeflate: { threshold: 0, serverNoContextTakeover: false },
    });
    try {
      const c = await connect(server.address.port, "permessage-deflate");
      assert.match(c.head, /sec-websocket-extensions: permessage-deflate\r\n/i);
      for (let i = 0; i < 100 && server.clients.size < 1; i++) await new Promise((r) => setTimeout(r, 10));
      const message = "again and again and again ".repeat(20);
      server.broadcast(message);
      server.broadcast(message);
      const peer = new PeerInflater(true);
      const first = await c.peer.readFrame();
      const second = await c.peer.readFrame();
      assert.ok(second.payload.length < first.payload.length, "the second one refers to the first");
      assert.equal(new TextDecoder().decode(peer.inflate(first.payload)), message);
      assert.equal(new TextDecoder().decode(peer.inflate(second.payload)), message);
      c.peer.destroy();
    } finally {
      await server.shutdown({ timeout: 100 });
    }
  });
});
