// A handler object's `drain` and the loop every backpressure guide writes:
// send while `bufferedAmount < highWaterMark`, then wait for `drain`. The
// loop stops at a figure at or over the mark, so `drain` must come for a
// buffer that reached the mark exactly, as a Node stream's `write()`
// returns false there and emits `drain`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve } from "../../src/mod.ts";
import { rawClient, upgradeRequest } from "../_helpers/raw_peer.ts";

describe("serve() with a handler object: drain at the high-water mark", () => {
  it("comes when the sends filled the buffer to exactly highWaterMark", async () => {
    const chunk = new Uint8Array(1024).fill(1);
    const total = 64;
    let sent = 0;
    const log: Array<[string, number]> = [];
    let finished!: () => void;
    const done = new Promise<void>((resolve) => finished = resolve);
    const pump = (ws: { bufferedAmount: number; send(data: Uint8Array): void }) => {
      while (ws.bufferedAmount < 4 * chunk.length && sent < total) {
        ws.send(chunk);
        sent++;
      }
      log.push(["paused", ws.bufferedAmount]);
      // The last batch reached the mark too: its drain, with nothing left to send, ends the test.
      if (sent === total && ws.bufferedAmount === 0) finished();
    };
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      highWaterMark: 4 * chunk.length,
      websocket: { open: pump, drain: pump },
    });
    try {
      const peer = await rawClient(server.address.port);
      peer.write(upgradeRequest(server.address.port));
      assert.match(await peer.readHead(), /^HTTP\/1\.1 101 /);
      for (let i = 0; i < total; i++) assert.equal((await peer.readFrame()).payload.length, chunk.length);
      await done;
      peer.destroy();
    } finally {
      await server.shutdown({ timeout: 0 });
    }
    assert.equal(sent, total);
    const batches = Array.from({ length: total / 4 }, (): [string, number] => ["paused", 4 * chunk.length]);
    assert.deepEqual(log, [...batches, ["paused", 0]]);
  });
});
