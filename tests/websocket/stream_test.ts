// WebSocketStream (WHATWG proposal, whatwg/websockets PR 48): opened/closed,
// close() and its checks, the signal, errors as WebSocketError DOMExceptions,
// and real backpressure both ways, measured at the transport: the bytes our
// side read from the socket, and the bytes still queued when a write resolves.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server as NetServer, type Socket } from "node:net";
import { serve, type Server, WebSocketStream, WebSocketStreamError } from "../../src/mod.ts";
import { selectRuntime } from "../../src/transport/select.ts";
import type { ConnectOptions, RuntimeNet, Transport } from "../../src/transport/types.ts";
import { countReads as countingReads } from "../_helpers/read_counter.ts";
import { frame } from "../_helpers/frames.ts";
import { accept101, acceptFor, keyOf, rawServer } from "../_helpers/raw_peer.ts";
import { freePort } from "../_helpers/tinyproxy.ts";

/** Every transport the client opens from now on, with the bytes it read from its socket. */
async function countReads(): Promise<
  { opened: Array<{ transport: Transport; read: number; maxRead: number }>; restore(): void }
> {
  const net = await selectRuntime() as { -readonly [K in keyof RuntimeNet]: RuntimeNet[K] };
  const connect = net.connect;
  const opened: Array<{ transport: Transport; read: number; maxRead: number }> = [];
  net.connect = async (options: ConnectOptions) => {
    const transport = await connect(options);
    opened.push(Object.assign(countingReads(transport), { transport }));
    return transport;
  };
  return { opened, restore: () => void (net.connect = connect) };
}

describe("WebSocketStream against an echo server", () => {
  let server: Server;
  before(async () => {
    server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      websocket: (ws) => {
        ws.binaryType = "arraybuffer";
        ws.addEventListener("message", (event) => {
          const data = (event as MessageEvent).data;
          if (data === "close me") ws.close(4001, "as asked");
          else ws.send(data);
        });
      },
    });
  });
  after(() => server.shutdown({ timeout: 1000 }));

  it("opened gives the streams and the protocol; text and binary round-trip; close() reports its code", async () => {
    const wss = new WebSocketStream(`ws://127.0.0.1:${server.address.port}/x`, { protocols: ["a", "b"] });
    assert.equal(wss.url, `ws://127.0.0.1:${server.address.port}/x`);
    const { readable, writable, protocol, extensions } = await wss.opened;
    assert.equal(protocol, "a");
    assert.equal(extensions, "");
    const writer = writable.getWriter();
    const reader = readable.getReader();
    await writer.write("héllo");
    await writer.write(new Uint8Array([1, 2, 3]));
    await writer.write(new Uint16Array([0x0201]).buffer);
    assert.deepEqual(await reader.read(), { done: false, value: "héllo" });
    assert.deepEqual((await reader.read()).value, new Uint8Array([1, 2, 3]));
    assert.deepEqual((await reader.read()).value, new Uint8Array([1, 2]));
    await assert.rejects(writer.write(42 as unknown as string), TypeError);
    wss.close({ closeCode: 4000, reason: "bye" });
    assert.deepEqual(await wss.closed, { closeCode: 4000, reason: "bye" });
    assert.deepEqual(await reader.read(), { done: true, value: undefined });
  });

  it("a close from the peer closes the readable and resolves closed", async () => {
    const wss = new WebSocketStream(`ws://127.0.0.1:${server.address.port}/`);
    const { readable, writable } = await wss.opened;
    await writable.getWriter().write("close me");
    assert.deepEqual(await wss.closed, { closeCode: 4001, reason: "as asked" });
    assert.deepEqual(await readable.getReader().read(), { done: true, value: undefined });
  });

  it("cancelling the readable with a WebSocketStreamError closes with its code and reason", async () => {
    const wss = new WebSocketStream(`ws://127.0.0.1:${server.address.port}/`);
    const { readable } = await wss.opened;
    await readable.cancel(new WebSocketStreamError("done", { closeCode: 3333, reason: "cancelled" }));
    assert.deepEqual(await wss.closed, { closeCode: 3333, reason: "cancelled" });
  });

  it("close() checks its arguments like WebSocket.close()", async () => {
    const wss = new WebSocketStream(`ws://127.0.0.1:${server.address.port}/`);
    await wss.opened;
    assert.throws(() => wss.close({ closeCode: 1001 }), (e: DOMException) => e.name === "InvalidAccessError");
    assert.throws(() => wss.close({ reason: "x".repeat(124) }), (e: DOMException) => e.name === "SyntaxError");
    wss.close();
    assert.deepEqual(await wss.closed, { closeCode: 1005, reason: "" });
  });
});

describe("WebSocketStream errors and the signal", () => {
  it("a bad URL or duplicate protocols throw SyntaxError", () => {
    assert.throws(() => new WebSocketStream("ftp://x"), (e: DOMException) => e.name === "SyntaxError");
    assert.throws(
      () => new WebSocketStream("ws://127.0.0.1:1", { protocols: ["a", "a"] }),
      (e: DOMException) => e.name === "SyntaxError",
    );
  });

  it("a failed connection rejects opened and closed with a WebSocketError DOMException (1006)", async () => {
    const wss = new WebSocketStream(`ws://127.0.0.1:${await freePort()}/`);
    const error = await wss.opened.then(() => undefined, (e) => e) as WebSocketStreamError;
    assert.ok(error instanceof DOMException && error instanceof WebSocketStreamError);
    assert.equal(error.name, "WebSocketError");
    assert.equal(error.closeCode, 1006);
    assert.equal((error.cause as { code?: string }).code, "WS_ERR_CONNECT");
    assert.equal(await wss.closed.catch((e) => e), error);
  });

  it("an aborted signal rejects both with its reason, before or during the handshake", async () => {
    const early = new WebSocketStream("ws://127.0.0.1:1/", { signal: AbortSignal.abort() });
    assert.equal((await early.opened.catch((e) => e)).name, "AbortError");
    // A server that accepts TCP but never answers the handshake.
    const silent = await rawServer(() => {});
    try {
      const abort = new AbortController();
      const wss = new WebSocketStream(silent.url, { signal: abort.signal });
      const reason = new Error("stop");
      abort.abort(reason);
      assert.equal(await wss.opened.catch((e) => e), reason);
      assert.equal(await wss.closed.catch((e) => e), reason);
    } finally {
      await silent.close();
    }
  });

  it("a connection dropped without a close frame rejects closed (1006) and errors the readable", async () => {
    const peer = await rawServer(async (raw) => {
      await accept101(raw);
      raw.destroy();
    });
    try {
      const wss = new WebSocketStream(peer.url);
      const { readable } = await wss.opened;
      const error = await wss.closed.catch((e) => e) as WebSocketStreamError;
      assert.equal(error.name, "WebSocketError");
      assert.equal(error.closeCode, 1006);
      await assert.rejects(readable.getReader().read(), (e) => e === error);
    } finally {
      await peer.close();
    }
  });

  it("the signal does nothing once open", async () => {
    const server = await serve({ hostname: "127.0.0.1", port: 0, websocket: () => {} });
    try {
      const abort = new AbortController();
      const wss = new WebSocketStream(`ws://127.0.0.1:${server.address.port}/`, { signal: abort.signal });
      const { writable } = await wss.opened;
      abort.abort();
      await writable.getWriter().write("still open");
      wss.close({ closeCode: 1000 });
      assert.deepEqual(await wss.closed, { closeCode: 1000, reason: "" });
    } finally {
      await server.shutdown({ timeout: 1000 });
    }
  });
});

describe("WebSocketStream backpressure", () => {
  it("a fast sender into a reader that does not onRead: our side stops reading the socket near the high-water mark", async () => {
    const MESSAGE = 16 * 1024;
    const COUNT = 1024; // 16 MiB in all
    const HIGH_WATER_MARK = 64 * 1024;
    let peerDone = false;
    const peer = await rawServer(async (raw) => {
      await accept101(raw);
      for (let i = 0; i < COUNT; i++) {
        const payload = new Uint8Array(MESSAGE).fill(i & 0xff);
        new DataView(payload.buffer).setUint32(0, i);
        if (!raw.socket.write(frame({ opcode: 2, payload }))) {
          await new Promise((resolve) => raw.socket.once("drain", resolve));
        }
      }
      peerDone = true;
    });
    const counting = await countReads();
    try {
      const wss = new WebSocketStream(peer.url, { highWaterMark: HIGH_WATER_MARK, closeTimeout: 100 });
      const { readable } = await wss.opened;
      const socket = counting.opened[0];
      // Not reading: wait until our reads stop growing (or the peer got everything out, which must not happen).
      let last = -1;
      for (let still = 0; still < 10 && !peerDone;) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        still = socket.read === last ? still + 1 : 0;
        last = socket.read;
      }
      // The read that filled the queue is delivered whole, and one more may already be in flight when
      // reading stops (a pending read cannot be taken back); a message being assembled waits for its end.
      // (Reads are up to 64 KiB on Node and Deno, up to 512 KiB on Bun.)
      const bound = () => HIGH_WATER_MARK + 2 * socket.maxRead + MESSAGE + 1024;
      assert.ok(!peerDone, "the peer wrote 16 MiB into a reader that read nothing");
      assert.ok(socket.read <= bound(), `read ${socket.read} bytes from the socket; bound ${bound()}`);
      // Now read slowly: what we read from the socket never runs ahead of the reader by more than the bound.
      const reader = readable.getReader();
      let consumed = 0;
      let maxAhead = 0;
      for (let i = 0; i < COUNT; i++) {
        const { value } = await reader.read();
        const bytes = value as Uint8Array;
        assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0), i);
        consumed += bytes.length + 4; // payload and its 4-byte frame header
        maxAhead = Math.max(maxAhead, socket.read - consumed);
        if (i % 64 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      assert.ok(maxAhead <= bound(), `ran ${maxAhead} bytes ahead of the reader; bound ${bound()}`);
      assert.ok(bound() < COUNT * MESSAGE / 4, "the bound is a small part of what the peer sent");
      assert.ok(peerDone);
      wss.close();
      await wss.closed.catch(() => {});
    } finally {
      counting.restore();
      await peer.close();
    }
  });

  it("a write resolves once its frame was handed to the socket, not when queued", async () => {
    // A peer that completes the handshake, then reads nothing until told.
    let socketOfPeer: Socket | undefined;
    const listener: NetServer = createServer((socket) => {
      socketOfPeer = socket;
      socket.once("data", (head) => {
        socket.pause();
        socket.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Accept: ${acceptFor(keyOf(String(head)))}\r\n\r\n`,
        );
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const counting = await countReads();
    try {
      const port = (listener.address() as { port: number }).port;
      const wss = new WebSocketStream(`ws://127.0.0.1:${port}/`, { closeTimeout: 100 });
      const { writable } = await wss.opened;
      const transport = counting.opened[0].transport;
      let resolved = false;
      let queuedAtResolve = -1;
      const writing = writable.getWriter().write(new Uint8Array(48 * 1024 * 1024)).then(() => {
        resolved = true;
        queuedAtResolve = transport.writableLength;
      });
      // 48 MiB cannot all fit in the kernel's buffers of a peer that reads nothing.
      let last = -1;
      for (let still = 0; still < 10;) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        still = transport.writableLength === last ? still + 1 : 0;
        last = transport.writableLength;
      }
      assert.ok(transport.writableLength > 0, "the frame is still queued");
      assert.equal(resolved, false, "the write resolved while its frame was still queued");
      socketOfPeer!.on("data", () => {});
      socketOfPeer!.resume();
      await writing;
      assert.equal(queuedAtResolve, 0);
      wss.close();
      await wss.closed.catch(() => {});
    } finally {
      counting.restore();
      socketOfPeer?.destroy();
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});
