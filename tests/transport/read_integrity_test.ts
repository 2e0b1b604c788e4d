// The runtime's transport hands on every byte the peer sent, once and in
// order, whichever buffers its reads land in: bursts of megabytes (which the
// Deno adapter reads 256 KiB at a time into a buffer of its own), trickles of
// a few bytes (its small quiet buffer) and what lies between (the sink's
// lent region).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { selectRuntime } from "../../src/transport/select.ts";
import type { TransportSink } from "../../src/transport/types.ts";

const LENT = 64 * 1024;

describe("transport reads", () => {
  it("bursts, trickles and middling writes arrive whole and in order", async () => {
    // Each phase is written once the transport has received everything before it.
    const phases = [3 << 20, 7, 100, 20_000, 3, 2 << 20, 1, 40_000, 1 << 20];
    const sent: Uint8Array[] = phases.map((size, p) => {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 31 + p * 7 + (i >>> 8)) & 0xff;
      return bytes;
    });
    const total = phases.reduce((a, b) => a + b, 0);
    const received = new Uint8Array(total);
    let size = 0;
    let largest = 0;
    let waiter: { until: number; resolve: () => void } | undefined;
    const land = (bytes: Uint8Array) => {
      received.set(bytes, size);
      size += bytes.length;
      largest = Math.max(largest, bytes.length);
      if (waiter !== undefined && size >= waiter.until) waiter.resolve();
    };
    const reach = (until: number) =>
      size >= until ? Promise.resolve() : new Promise<void>((resolve) => waiter = { until, resolve });

    let peer: Socket | undefined;
    let connected!: () => void;
    const ready = new Promise<void>((resolve) => connected = resolve);
    const listener = createServer((socket) => {
      peer = socket;
      connected();
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const net = await selectRuntime();
    const transport = await net.connect({ hostname: "127.0.0.1", port: (listener.address() as { port: number }).port });
    let lent = new Uint8Array(0);
    const sink: TransportSink = {
      buffer: () => lent = new Uint8Array(LENT),
      onRead: (n) => land(lent.subarray(0, n)),
      onData: (bytes) => land(bytes),
      onPeerEnd: () => {},
      onDrain: () => {},
      onClosed: () => {},
    };
    try {
      transport.start(sink);
      await ready;
      let offset = 0;
      for (const bytes of sent) {
        peer!.write(bytes);
        offset += bytes.length;
        await reach(offset);
      }
      assert.equal(size, total);
      offset = 0;
      for (const [p, bytes] of sent.entries()) {
        assert.ok(received.subarray(offset, offset + bytes.length).every((b, i) => b === bytes[i]), `phase ${p}`);
        offset += bytes.length;
      }
      // Deno's reads grow past the lent region once one fills it.
      if ((globalThis as { Deno?: unknown }).Deno !== undefined) assert.ok(largest > LENT, `largest read ${largest}`);
    } finally {
      transport.destroy();
      peer?.destroy();
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});
