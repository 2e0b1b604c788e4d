// A peer that stops reading and then vanishes, on a live socket through the
// runtime's transport: WHATWG says bufferedAmount counts the bytes queued by
// send() and not yet transmitted, and that it "does not reset to zero once the
// connection closes". Node fails a destroyed socket's pending writes; that
// failure must not read as a flush.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, WebSocket } from "../../src/mod.ts";
import { accept101, rawClient, rawServer, upgradeRequest } from "../_helpers/raw_peer.ts";
import { once, until } from "../_helpers/events.ts";

// Far more than loopback's socket buffers hold, so most of it stays queued.
const MESSAGES = 32;
const MIB = 1 << 20;

describe("a peer that stops reading, then vanishes", () => {
  it("client: bufferedAmount keeps the unsent bytes after close 1006", async () => {
    const server = await rawServer(async (peer) => {
      await accept101(peer);
      peer.socket.pause();
    });
    try {
      const ws = new WebSocket(server.url);
      await once(ws, "open");
      for (let i = 0; i < MESSAGES; i++) ws.send(new Uint8Array(MIB));
      assert.equal(ws.bufferedAmount, MESSAGES * MIB);
      server.peers[0].destroy();
      const close = await once<CloseEvent>(ws, "close");
      assert.deepEqual([close.code, close.wasClean], [1006, false]);
      assert.ok(ws.bufferedAmount > (MESSAGES / 2) * MIB, `bufferedAmount ${ws.bufferedAmount} after close`);
      const before = ws.bufferedAmount;
      ws.send("abc");
      assert.equal(ws.bufferedAmount, before + 3, "a send after close only grows it");
    } finally {
      await server.close();
    }
  });

  it("server: the server socket's bufferedAmount keeps them too", async () => {
    let accepted: WebSocket | undefined;
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      websocket: (ws) => void (accepted = ws as unknown as WebSocket),
    });
    try {
      const peer = await rawClient(server.address.port);
      peer.socket.pause();
      peer.write(upgradeRequest(server.address.port));
      await until(() => accepted !== undefined);
      const ws = accepted!;
      for (let i = 0; i < MESSAGES; i++) ws.send(new Uint8Array(MIB));
      peer.destroy();
      const close = await once<CloseEvent>(ws, "close");
      assert.deepEqual([close.code, close.wasClean], [1006, false]);
      assert.ok(ws.bufferedAmount > (MESSAGES / 2) * MIB, `bufferedAmount ${ws.bufferedAmount} after close`);
    } finally {
      await server.shutdown();
    }
  });
});
