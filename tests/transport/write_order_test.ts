// A transport keeps the order of writes while the socket is backed up: the
// peer reads nothing at first, so writes queue behind partial ones, then it
// reads everything and checks the sequence numbers.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { selectRuntime } from "../../src/transport/select.ts";

describe("transport write order under backpressure", () => {
  it("8 MiB in 16 KiB chunks, written while the peer does not read, arrive in order", async () => {
    const CHUNK = 16 * 1024;
    const COUNT = 512;
    let peer: Socket | undefined;
    const received: Uint8Array[] = [];
    let size = 0;
    let done!: () => void;
    const all = new Promise<void>((resolve) => done = resolve);
    const listener = createServer((socket) => {
      peer = socket;
      socket.pause();
      socket.on("data", (chunk: Uint8Array) => {
        received.push(chunk);
        size += chunk.length;
        if (size >= CHUNK * COUNT) done();
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const net = await selectRuntime();
    const transport = await net.connect({ hostname: "127.0.0.1", port: (listener.address() as { port: number }).port });
    try {
      transport.start({
        buffer: () => new Uint8Array(1024),
        onRead: () => {},
        onData: () => {},
        onPeerEnd: () => {},
        onDrain: () => {},
        onClosed: () => {},
      });
      // Several turns of writes, so batches and queued partial writes interleave.
      for (let i = 0; i < COUNT; i++) {
        const chunk = new Uint8Array(CHUNK);
        new DataView(chunk.buffer).setUint32(0, i);
        transport.write(chunk);
        if (i % 16 === 15) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      while (peer === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
      peer.resume();
      await all;
      const bytes = new Uint8Array(size);
      let offset = 0;
      for (const chunk of received) {
        bytes.set(chunk, offset);
        offset += chunk.length;
      }
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < COUNT; i++) assert.equal(view.getUint32(i * CHUNK), i, `chunk ${i}`);
    } finally {
      transport.destroy();
      peer?.destroy();
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});
