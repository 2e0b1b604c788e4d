// Backpressure, both roles, through the whole engine: a peer that stops
// reading. A producer that waits on drained() keeps its memory under the
// high-water mark; bufferedAmount and drained() tell the truth; and
// onBufferFull "close" gives up on the peer instead of buffering forever.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { closeCleanly, harness, ROLES } from "../_helpers/engine_pair.ts";

const CHUNK = 64 * 1024;
const HIGH_WATER = 1024 * 1024;
const TOTAL = 32 * 1024 * 1024;

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const role of ROLES) {
  describe(`backpressure: the ${role}`, () => {
    it("a producer that awaits drained() above the mark never buffers more than mark + one chunk", async () => {
      const h = await harness(role);
      const pair = await h.open();
      pair.peer.socket.pause();
      let sent = 0;
      let peak = 0;
      const producer = (async () => {
        while (sent < TOTAL) {
          pair.ws.send(new Uint8Array(CHUNK));
          sent += CHUNK;
          peak = Math.max(peak, pair.ws.bufferedAmount);
          if (pair.ws.bufferedAmount >= HIGH_WATER) await pair.ws.drained();
        }
      })();
      await settle(300);
      const stalledAt = sent;
      assert.ok(stalledAt < TOTAL, "the producer is waiting while the peer does not read");
      assert.ok(pair.ws.bufferedAmount > 0, "bufferedAmount reports what the peer has not taken");
      await settle(200);
      assert.equal(sent, stalledAt, "drained() did not resolve while nothing moved");
      pair.peer.socket.resume();
      let received = 0;
      while (received < TOTAL) received += (await pair.peer.readFrame(10_000)).payload.length;
      await producer;
      await pair.ws.drained();
      assert.equal(pair.ws.bufferedAmount, 0);
      assert.ok(peak <= HIGH_WATER + CHUNK, `peak bufferedAmount ${peak}`);
      await closeCleanly(pair);
      await h.close();
    });

    it("onBufferFull 'close': past the high-water mark the connection is failed (1006, not clean)", async () => {
      const h = await harness(role, { highWaterMark: HIGH_WATER, onBufferFull: "close", closeTimeout: 200 });
      const pair = await h.open();
      pair.peer.socket.pause();
      for (let i = 0; i < 512 && pair.ws.readyState === 1; i++) {
        pair.ws.send(new Uint8Array(CHUNK));
        if (i % 16 === 15) await settle(5);
      }
      const event = await pair.closed;
      pair.peer.destroy();
      await h.close();
      assert.deepEqual([event.code, event.wasClean], [1006, false]);
      assert.deepEqual(pair.log, ["error:WS_ERR_BUFFER_FULL", "close:1006:false"]);
    });
  });
}
