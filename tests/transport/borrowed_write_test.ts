// A borrowed frame (see bytes/in_place_frames.ts) lies over the application's
// bytes, which may change once write() returns: every transport must send the
// bytes as they were at write(), even while the peer does not read and
// writes queue. Checked for the runtime's own transport and for Node's
// (which serves node:http upgrades on every runtime).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createServer, type Socket } from "node:net";
import { selectRuntime } from "../../src/transport/select.ts";
import { nodeNet } from "../../src/transport/node.ts";
import type { RuntimeNet } from "../../src/transport/types.ts";
import { markBorrowed } from "../../src/bytes/in_place_frames.ts";

const FRAME = 64 * 1024;
const COUNT = 160;

async function check(net: RuntimeNet): Promise<void> {
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
      if (size >= FRAME * COUNT) done();
    });
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
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
    // One application buffer, framed and written again and again, changed right after each write.
    const shared = new Uint8Array(FRAME);
    let queued = false;
    for (let i = 0; i < COUNT; i++) {
      shared.fill(i & 0xff);
      const frame = shared.subarray(0);
      markBorrowed(frame);
      if (!transport.write(frame)) queued = true;
      shared.fill(0xee);
      if (i % 16 === 15) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assert.ok(queued || transport.writableLength > 0, "the writes queued behind the unread socket");
    while (peer === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    peer.resume();
    await all;
    const bytes = Buffer.concat(received);
    for (let i = 0; i < COUNT; i++) {
      const piece = bytes.subarray(i * FRAME, (i + 1) * FRAME);
      assert.ok(piece.every((byte) => byte === (i & 0xff)), `write ${i} arrived as it was`);
    }
  } finally {
    transport.destroy();
    peer?.destroy();
    listener.close();
  }
}

describe("borrowed frames: sent as they were at write()", () => {
  it("through the runtime's transport", async () => await check(await selectRuntime()));
  it("through Node's transport", async () => await check(nodeNet));
});
