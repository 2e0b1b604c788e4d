// The runtime's adapter, chosen by selectRuntime(): each runtime's run of the
// suite exercises its own adapter (Deno, Bun or Node) through the Transport contract.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runtimeName, selectRuntime } from "../../src/transport/select.ts";
import type { Transport, TransportSink } from "../../src/transport/types.ts";
import { framePool } from "../../src/bytes/frame_pool.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };

/** A sink that records everything; with `lend`, reads land in slices of one big buffer. */
function recordingSink(lend = false) {
  const big = new Uint8Array(1 << 22);
  let offset = 0;
  let lent = new Uint8Array(0);
  const received: Uint8Array[] = [];
  const log: string[] = [];
  let closed!: () => void;
  const closedPromise = new Promise<void>((resolve) => closed = resolve);
  const sink: TransportSink = {
    buffer() {
      if (!lend) throw new Error("this sink does not lend");
      if (offset + 65536 > big.length) offset = 0;
      lent = big.subarray(offset, offset + 65536);
      return lent;
    },
    onRead(n) {
      received.push(lent.slice(0, n));
      offset += n;
      log.push("read");
    },
    onData(bytes) {
      received.push(bytes.slice());
      log.push("data");
    },
    onPeerEnd: () => log.push("end"),
    onDrain: () => log.push("drain"),
    onClosed: (error) => {
      log.push(error ? "close:error" : "close");
      closed();
    },
  };
  const total = () => received.reduce((n, chunk) => n + chunk.length, 0);
  const bytes = () => {
    const out = new Uint8Array(total());
    let at = 0;
    for (const chunk of received) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  };
  return { sink, log, total, bytes, closed: closedPromise };
}

async function until(ready: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`Cannot wait any longer: ${ready.toString()} is still false`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** As the session does: a FIN from the peer is answered with ours (a transport leaves that to its owner). */
function endingWith(transport: Transport, sink: TransportSink): TransportSink {
  return { ...sink, onPeerEnd: () => (sink.onPeerEnd(), transport.end()) };
}

/** A listener and a client connected to it; the accepted side started with a recording sink (paused when asked). */
async function connectedPair(pauseAccepted = false) {
  const net = await selectRuntime();
  let accepted: Transport | undefined;
  let serverSide = recordingSink(false);
  const listener = await net.listen({ hostname: "127.0.0.1", port: 0 }, (transport) => {
    accepted = transport;
    serverSide = recordingSink(transport.capabilities.lentBuffer);
    transport.start(endingWith(transport, serverSide.sink));
    if (pauseAccepted) transport.pause();
  });
  const client = await net.connect({ hostname: "127.0.0.1", port: listener.address.port });
  const clientSide = recordingSink(client.capabilities.lentBuffer);
  client.start(clientSide.sink);
  await until(() => accepted !== undefined);
  return { listener, client, clientSide, accepted: accepted!, serverSide };
}

describe("transport selection and the Transport contract", () => {
  it("names the runtime it runs on", () => {
    assert.equal(runtimeName(), g.Bun ? "bun" : g.Deno ? "deno" : "node");
  });

  it("connect/listen: 1 MiB each way, the lent-buffer path when offered, end and close", async () => {
    const { listener, client, clientSide, accepted, serverSide } = await connectedPair();
    assert.ok(listener.address.port > 0);
    const payload = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 13) & 0xff);
    client.write(payload);
    await until(() => serverSide.total() === payload.length);
    assert.deepEqual(serverSide.bytes(), payload);
    accepted.write(payload);
    await until(() => clientSide.total() === payload.length);
    assert.deepEqual(clientSide.bytes(), payload);
    if (client.capabilities.lentBuffer) assert.ok(clientSide.log.includes("read"), "reads landed in the lent buffer");
    assert.ok(accepted.remoteAddress?.hostname.includes("127.0.0.1"));
    client.end();
    await until(() => serverSide.log.includes("end"));
    accepted.end();
    await Promise.all([clientSide.closed, serverSide.closed]);
    // Once both sides have ended, some runtimes (Bun) report only the close: that is enough.
    assert.equal(clientSide.log.filter((entry) => entry.startsWith("close")).length, 1);
    await listener.close();
  });

  it("backpressure: write returns false against a peer that does not read, drain follows once it does", async () => {
    const { listener, client, clientSide, accepted, serverSide } = await connectedPair(true);
    const chunk = new Uint8Array(256 * 1024);
    let accepted_ = true;
    for (let i = 0; i < 64 && accepted_; i++) accepted_ = client.write(chunk);
    assert.equal(accepted_, false, "write reports a full queue");
    assert.ok(client.writableLength > 0);
    accepted.resume();
    await until(() => clientSide.log.includes("drain"), 10_000);
    client.destroy();
    accepted.destroy();
    await Promise.all([clientSide.closed, serverSide.closed]);
    await listener.close();
  });

  it("lent frames go back to the pool only once written: a peer that stops reading gets every byte intact", async () => {
    const { listener, client, clientSide, accepted, serverSide } = await connectedPair(true);
    // Far more than the kernel buffers hold, so most frames wait in the
    // transport while later ones are taken from the pool, first with the peer
    // stopped, then while it drains: a frame given back too early would be
    // overwritten by a later fill value. Sizes vary, so frames join batches
    // and cross partial writes.
    const COUNT = 96;
    const sizeOf = (i: number) => i % 3 === 0 ? 9_000 + i : 200_000 - i;
    const written = new Set<ArrayBufferLike>();
    const writeFrames = async (from: number, to: number, every: number) => {
      for (let i = from; i < to; i++) {
        const frame = framePool.take(sizeOf(i));
        frame.fill(i + 1);
        written.add(frame.buffer);
        client.write(frame);
        if (i % every === every - 1) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    let expected = 0;
    for (let i = 0; i < COUNT; i++) expected += sizeOf(i);
    // The pool is the process's: tests run before this one (all of them, on
    // Bun) may have left it full, so that frames given back here are dropped.
    emptyPool();
    try {
      await writeFrames(0, COUNT / 2, 8);
      assert.ok(client.writableLength > 0, "frames wait in the transport, not only in the kernel");
      accepted.resume();
      // One at a time, so the writer's drain work and the takes interleave.
      await writeFrames(COUNT / 2, COUNT, 1);
      await until(() => serverSide.total() === expected, 10_000);
      const bytes = serverSide.bytes();
      let at = 0;
      for (let i = 0; i < COUNT; i++) {
        const part = bytes.subarray(at, at += sizeOf(i));
        assert.ok(part.every((byte) => byte === i + 1), `frame ${i} arrived intact`);
      }
      // Every adapter here gives written frames back: the next take reuses one.
      await until(() => framePool.idleBytes > 0);
      assert.ok(written.has(framePool.take(sizeOf(1)).buffer), "a written frame was reused");
    } finally {
      client.destroy();
      accepted.destroy();
      await Promise.all([clientSide.closed, serverSide.closed]);
      await listener.close();
    }
  });

  it("cork: writes wait until uncork, then leave together, or once they pass 64 KiB (Deno; Node and Bun batch on their own)", async () => {
    const { listener, client, clientSide, serverSide } = await connectedPair();
    try {
      if (g.Deno === undefined) {
        assert.equal(client.cork, undefined);
        assert.equal(client.uncork, undefined);
        return;
      }
      client.cork!();
      client.cork!(); // not counted
      client.write(new Uint8Array([1, 2]));
      client.write(new Uint8Array([3]));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(serverSide.total(), 0, "held while corked");
      assert.equal(client.writableLength, 3);
      client.uncork!();
      await until(() => serverSide.total() === 3);
      assert.deepEqual([...serverSide.bytes()], [1, 2, 3]);
      client.write(new Uint8Array([4]));
      await until(() => serverSide.total() === 4);
      // A cork holds at most the high-water mark: a big burst goes out without an uncork.
      client.cork!();
      client.write(new Uint8Array(40_000).fill(5));
      client.write(new Uint8Array(40_000).fill(6));
      await until(() => serverSide.total() === 80_004);
      client.uncork!();
    } finally {
      client.destroy();
      await clientSide.closed;
      await listener.close();
    }
  });

  it("destroy() closes once; a refused connection rejects with a clear message", async () => {
    const net = await selectRuntime();
    const listener = await net.listen(
      { hostname: "127.0.0.1", port: 0 },
      (transport) => transport.start(endingWith(transport, recordingSink(transport.capabilities.lentBuffer).sink)),
    );
    const client = await net.connect({ hostname: "127.0.0.1", port: listener.address.port });
    const side = recordingSink(client.capabilities.lentBuffer);
    client.start(side.sink);
    client.destroy();
    client.destroy();
    await side.closed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(side.log.filter((entry) => entry.startsWith("close")).length, 1);
    const port = listener.address.port;
    await listener.close();
    await assert.rejects(net.connect({ hostname: "127.0.0.1", port }), /^Error: Cannot connect to 127\.0\.0\.1:\d+: /);
  });
});

// Take every idle buffer out of the shared frame pool, class by class (a
// buffer for 2^k payload bytes has room for 16 more).
function emptyPool(): void {
  for (let k = 0; k <= 22; k++) {
    for (let before = -1; framePool.idleBytes !== before;) {
      before = framePool.idleBytes;
      framePool.take((1 << k) + 16);
    }
  }
  assert.equal(framePool.idleBytes, 0);
}
