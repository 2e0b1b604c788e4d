import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Heartbeat } from "../../src/session/heartbeat.ts";
import { VirtualClock } from "../_helpers/virtual_clock.ts";

describe("heartbeat and idle timeout", () => {
  it("pings a peer silent for the idle timeout, then times out if it stays silent as long again", () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const heartbeat = new Heartbeat(40, {
      ping: () => log.push(`ping at ${clock.now()}`),
      timeout: () => log.push(`timeout at ${clock.now()}`),
    }, clock);
    heartbeat.start();
    clock.advance(39);
    assert.deepEqual(log, []);
    clock.advance(1);
    assert.deepEqual(log, ["ping at 40"]);
    clock.advance(39);
    assert.deepEqual(log, ["ping at 40"]);
    clock.advance(1);
    assert.deepEqual(log, ["ping at 40", "timeout at 80"]);
    assert.equal(clock.pending, 0, "no timer is left after the timeout");
  });

  it("input keeps the connection alive; an answer to the probe resets it", () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const heartbeat = new Heartbeat(60, {
      ping: () => log.push("ping"),
      timeout: () => log.push("timeout"),
    }, clock);
    heartbeat.start();
    for (let i = 0; i < 20; i++) {
      clock.advance(50);
      heartbeat.received();
    }
    assert.deepEqual(log, []);
    // Checked every half timeout: silence is noticed between one and one and a half timeouts.
    clock.advance(90);
    assert.deepEqual(log, ["ping"]);
    heartbeat.received();
    clock.advance(59);
    assert.deepEqual(log, ["ping"], "the answer counted as input");
    heartbeat.stop();
    assert.equal(clock.pending, 0);
  });

  it("the round-trip time is measured on the clock", () => {
    const clock = new VirtualClock();
    const heartbeat = new Heartbeat(0, { ping: () => {}, timeout: () => {} }, clock);
    heartbeat.pingSent(new Uint8Array([7]));
    clock.advance(25);
    assert.equal(heartbeat.pongReceived(new Uint8Array([7])), 25);
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
