import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Heartbeat } from "../../src/session/heartbeat.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("heartbeat and idle timeout", () => {
  it("pings a silent peer, then times out if it stays silent", async () => {
    const log: string[] = [];
    const heartbeat = new Heartbeat(40, {
      ping: () => log.push("ping"),
      timeout: () => log.push("timeout"),
    });
    heartbeat.start();
    await sleep(200);
    heartbeat.stop();
    assert.deepEqual(log, ["ping", "timeout"]);
  });

  it("input keeps the connection alive", async () => {
    const log: string[] = [];
    const heartbeat = new Heartbeat(60, {
      ping: () => log.push("ping"),
      timeout: () => log.push("timeout"),
    });
    heartbeat.start();
    for (let i = 0; i < 8; i++) {
      await sleep(15);
      heartbeat.received();
    }
    heartbeat.stop();
    assert.deepEqual(log, []);
  });

  it("matches pongs to pings for the round-trip time; unsolicited pongs have none", () => {
    const heartbeat = new Heartbeat(0, { ping: () => {}, timeout: () => {} });
    const seen = [heartbeat.pongReceived(new Uint8Array([1]))];
    heartbeat.pingSent(new Uint8Array([2]));
    seen.push(heartbeat.pongReceived(new Uint8Array([2])));
    seen.push(heartbeat.pongReceived(new Uint8Array([2])));
    assert.equal(seen[0], undefined);
    assert.equal(seen[2], undefined, "a ping is matched once");
    assert.equal(typeof seen[1], "number");
    assert.ok(seen[1]! >= 0);
  });
});
