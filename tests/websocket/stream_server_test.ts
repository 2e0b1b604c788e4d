// serve({ stream }): the server side of WebSocketStream — the same objects as
// the client's, echoing through pipeTo, and receive backpressure measured as
// the bytes the server read from its socket while the stream was not read.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, WebSocket, WebSocketStream } from "../../src/mod.ts";
import { selectRuntime } from "../../src/transport/select.ts";
import type { ListenOptions, RuntimeNet, Transport } from "../../src/transport/types.ts";
import { countReads } from "../_helpers/read_counter.ts";

/** Count the bytes each accepted transport reads from now on. */
async function countAccepted(): Promise<{ accepted: Array<{ read: number; maxRead: number }>; restore(): void }> {
  const net = await selectRuntime() as { -readonly [K in keyof RuntimeNet]: RuntimeNet[K] };
  const listen = net.listen;
  const accepted: Array<{ read: number; maxRead: number }> = [];
  net.listen = (options: ListenOptions, onConnection: (transport: Transport) => void) =>
    listen(options, (transport) => {
      accepted.push(countReads(transport));
      onConnection(transport);
    });
  return { accepted, restore: () => void (net.listen = listen) };
}

describe("serve({ stream })", () => {
  it("hands out an opened WebSocketStream; an echo through pipeTo; both sides see the close", async () => {
    let serverSide: Promise<unknown> | undefined;
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      stream: (wss) => {
        serverSide = wss.opened.then(({ readable, writable }) => readable.pipeTo(writable).catch(() => {}))
          .then(() => wss.closed);
      },
    });
    try {
      const client = new WebSocketStream(`ws://127.0.0.1:${server.address.port}/s`);
      const { readable, writable } = await client.opened;
      assert.equal(server.clients.size, 1);
      const writer = writable.getWriter();
      const reader = readable.getReader();
      await writer.write("ping");
      await writer.write(new Uint8Array([7, 8]));
      assert.equal((await reader.read()).value, "ping");
      assert.deepEqual((await reader.read()).value, new Uint8Array([7, 8]));
      client.close({ closeCode: 4000, reason: "enough" });
      assert.deepEqual(await client.closed, { closeCode: 4000, reason: "enough" });
      assert.deepEqual(await serverSide, { closeCode: 4000, reason: "enough" });
    } finally {
      await server.shutdown({ timeout: 1000 });
    }
  });

  it("close() on the server's stream takes the codes RFC 6455 gives an endpoint (1008), as WebSocket.close() does", async () => {
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      stream: async (wss) => {
        await wss.opened;
        assert.throws(() => wss.close({ closeCode: 1010 }), (e: DOMException) => e.name === "InvalidAccessError");
        wss.close({ closeCode: 1008, reason: "policy" });
      },
    });
    try {
      const client = new WebSocketStream(`ws://127.0.0.1:${server.address.port}/`);
      await client.opened;
      assert.deepEqual(await client.closed, { closeCode: 1008, reason: "policy" });
    } finally {
      await server.shutdown({ timeout: 1000 });
    }
  });

  it("a stream the server does not read stops the server reading its socket near the high-water mark", async () => {
    const MESSAGE = 16 * 1024;
    const COUNT = 1024; // 16 MiB offered
    const counting = await countAccepted();
    let opened!: (info: { readable: ReadableStream }) => void;
    const serverOpened = new Promise<{ readable: ReadableStream }>((resolve) => opened = resolve);
    const server = await serve({ hostname: "127.0.0.1", port: 0, stream: (wss) => void wss.opened.then(opened) });
    try {
      const client = new WebSocket(`ws://127.0.0.1:${server.address.port}/`);
      await new Promise((resolve) => client.onopen = resolve);
      const { readable } = await serverOpened;
      const socket = counting.accepted[0];
      for (let i = 0; i < COUNT; i++) {
        const payload = new Uint8Array(MESSAGE);
        new DataView(payload.buffer).setUint32(0, i);
        client.send(payload);
      }
      // Not reading: wait until the server's reads stop growing.
      let last = -1;
      for (let still = 0; still < 10;) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        still = socket.read === last ? still + 1 : 0;
        last = socket.read;
      }
      // Client frames carry an 8-byte header (length and mask); the bound as in the client's test.
      const bound = 64 * 1024 + 2 * socket.maxRead + MESSAGE + 1024;
      assert.ok(socket.read <= bound, `the server read ${socket.read} bytes; bound ${bound}`);
      assert.ok(client.bufferedAmount > 0, "the client could not hand everything to the network");
      const reader = readable.getReader();
      for (let i = 0; i < COUNT; i++) {
        const bytes = (await reader.read()).value as Uint8Array;
        assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0), i);
      }
      client.close();
    } finally {
      counting.restore();
      await server.shutdown({ timeout: 1000 });
    }
  });
});
