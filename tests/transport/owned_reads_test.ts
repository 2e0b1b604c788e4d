// Bun's adapter gives its reads away (TransportSink.onData's `owned`): the
// session may keep them, so a read it kept must stay as it was while later
// reads arrive. This holds only if Bun makes a fresh buffer for every read.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { selectRuntime } from "../../src/transport/select.ts";

const isBun = "Bun" in globalThis;

describe("reads a transport gives away", () => {
  it("stay intact while 16 MiB of later reads arrive", {
    skip: isBun ? undefined : "only Bun's adapter gives its reads away",
  }, async () => {
    const TOTAL = 16 * 1024 * 1024;
    const CHUNK = 100_000;
    let peer: Socket | undefined;
    const listener = createServer((socket) => {
      peer = socket;
      let sent = 0;
      const pump = () => {
        while (sent < TOTAL) {
          const chunk = new Uint8Array(CHUNK).fill((sent / CHUNK) & 0xff);
          sent += CHUNK;
          if (!socket.write(chunk)) return void socket.once("drain", pump);
        }
      };
      pump();
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const net = await selectRuntime();
    const transport = await net.connect({ hostname: "127.0.0.1", port: (listener.address() as { port: number }).port });
    const kept: Array<{ bytes: Uint8Array; copy: Uint8Array }> = [];
    let size = 0;
    let lent = 0;
    try {
      await new Promise<void>((resolve) => {
        transport.start({
          buffer: () => new Uint8Array(1024),
          onRead: () => {},
          onData: (bytes, owned) => {
            if (owned === true) kept.push({ bytes, copy: bytes.slice() });
            else lent++;
            size += bytes.length;
            if (size >= TOTAL) resolve();
          },
          onPeerEnd: () => {},
          onDrain: () => {},
          onClosed: () => {},
        });
      });
      assert.equal(lent, 0, "every read was given away");
      assert.ok(kept.length > 1);
      for (const [i, { bytes, copy }] of kept.entries()) assert.deepEqual(bytes, copy, `read ${i} changed`);
    } finally {
      transport.destroy();
      peer?.destroy();
      listener.close();
    }
  });
});
