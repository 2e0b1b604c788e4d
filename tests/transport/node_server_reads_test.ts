// Accepted sockets on a Node server read through one shared buffer
// (src/transport/node_server_reads.ts): each connection must still get
// exactly its own bytes, in order, with pause, half-close and the server's
// connection count working as on a socket Node made itself.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer, type Socket } from "node:net";
import type { Transport, TransportSink } from "../../src/transport/types.ts";
import { adoptWithOnread, SHARED_READS_PAY } from "../../src/transport/node_server_reads.ts";

const g = globalThis as { Bun?: unknown; Deno?: unknown };
const onNode = g.Bun === undefined && g.Deno === undefined;
const NODE_ONLY = onNode ? undefined : "Node's server sockets only (Deno and Bun have adapters of their own)";

interface Recorder {
  sink: TransportSink;
  /** The distinct buffers reads were handed over in. */
  buffers: Set<ArrayBufferLike>;
  received: () => Uint8Array;
  bytes: number;
  events: string[];
  until: (condition: () => boolean) => Promise<void>;
}

function recorder(): Recorder {
  const chunks: Uint8Array[] = [];
  let wake = () => {};
  const changed = () => wake();
  const r: Recorder = {
    buffers: new Set(),
    bytes: 0,
    events: [],
    received: () => {
      const out = new Uint8Array(r.bytes);
      let at = 0;
      for (const chunk of chunks) {
        out.set(chunk, at);
        at += chunk.length;
      }
      return out;
    },
    until: async (condition) => {
      while (!condition()) await new Promise<void>((resolve) => wake = resolve);
    },
    sink: {
      buffer: () => {
        throw new Error("a transport that owns its reads must not ask for a region");
      },
      onRead: () => {
        throw new Error("a transport that owns its reads must not report onRead");
      },
      onData: (bytes) => {
        // Valid only during the call: keep a copy, as the session does.
        chunks.push(bytes.slice());
        r.buffers.add(bytes.buffer);
        r.bytes += bytes.length;
        changed();
      },
      onPeerEnd: () => {
        r.events.push("end");
        changed();
      },
      onDrain: () => {},
      onClosed: () => {
        r.events.push("closed");
        changed();
      },
    },
  };
  return r;
}

function pattern(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

async function nodeServer() {
  const { nodeNet } = await import("../../src/transport/node.ts");
  const accepted: Transport[] = [];
  // The listener waits for its connections: the tests' own are destroyed when they end.
  const close = () => {
    for (const transport of accepted) transport.destroy();
    return listener.close();
  };
  let wake = () => {};
  const listener = await nodeNet.listen({ hostname: "127.0.0.1", port: 0 }, (transport) => {
    accepted.push(transport);
    wake();
  });
  const next = async (count: number) => {
    while (accepted.length < count) await new Promise<void>((resolve) => wake = resolve);
    return accepted[count - 1];
  };
  return { listener, next, close };
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** One connection to a fresh server: `run` gets our accepted transport and the client's socket; both go after. */
async function withConnection(run: (transport: Transport, client: Socket) => Promise<void>): Promise<void> {
  const { listener, next, close } = await nodeServer();
  const client = await dial(listener.address.port);
  try {
    await run(await next(1), client);
  } finally {
    client.destroy();
    await close();
  }
}

describe("Node server sockets reading into a shared buffer", () => {
  it("three connections writing 1 MiB each at once each get exactly their own bytes", { skip: NODE_ONLY }, async () => {
    const { listener, next, close } = await nodeServer();
    const clients: Socket[] = [];
    try {
      const SIZE = 1 << 20;
      const recorders: Recorder[] = [];
      const sent: Uint8Array[] = [];
      for (let i = 0; i < 3; i++) {
        clients.push(await dial(listener.address.port));
        const transport = await next(i + 1);
        // Owns its reads: the session is handed copies, never asked for a region.
        assert.equal(transport.capabilities.lentBuffer, false);
        const r = recorder();
        recorders.push(r);
        transport.start(r.sink);
        sent.push(pattern(SIZE, i + 1));
      }
      // Interleaved in 4 KiB pieces, so reads of all three alternate in the one buffer.
      for (let at = 0; at < SIZE; at += 4096) {
        for (let i = 0; i < 3; i++) clients[i].write(sent[i].subarray(at, at + 4096));
      }
      for (const r of recorders) await r.until(() => r.bytes >= SIZE);
      for (let i = 0; i < 3; i++) assert.deepEqual(recorders[i].received(), sent[i], `connection ${i}`);
      // The point of it: dozens of reads, no fresh ArrayBuffer for any of them
      // (on the Nodes where that pays; the others keep one per read).
      const buffers = new Set(recorders.flatMap((r) => [...r.buffers]));
      if (SHARED_READS_PAY) assert.equal(buffers.size, 1);
      else assert.ok(buffers.size > 1);
    } finally {
      for (const client of clients) client.destroy();
      await close();
    }
  });

  it(
    "reads nothing before start, and nothing while paused; resumes in order",
    { skip: NODE_ONLY },
    () =>
      withConnection(async (transport, client) => {
        client.write("early");
        // Bytes that came before start wait in the kernel for the sink.
        await new Promise((resolve) => setTimeout(resolve, 20));
        const r = recorder();
        transport.start(r.sink);
        await r.until(() => r.bytes === 5);
        transport.pause();
        client.write("-late");
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(r.bytes, 5, "no read while paused");
        transport.resume();
        await r.until(() => r.bytes === 10);
        assert.equal(new TextDecoder().decode(r.received()), "early-late");
      }),
  );

  it(
    "paused in the same turn as start, it reads nothing until resumed",
    { skip: NODE_ONLY },
    () =>
      withConnection(async (transport, client) => {
        const r = recorder();
        transport.start(r.sink);
        transport.pause();
        client.write("held");
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(r.bytes, 0, "no read while paused");
        transport.resume();
        await r.until(() => r.bytes === 4);
        assert.equal(new TextDecoder().decode(r.received()), "held");
      }),
  );

  it(
    "a peer's FIN leaves our side open to answer; then both close",
    { skip: NODE_ONLY },
    () =>
      withConnection(async (transport, client) => {
        const r = recorder();
        transport.start(r.sink);
        const answer = new Promise<string>((resolve) => {
          let text = "";
          client.on("data", (chunk: Uint8Array) => text += new TextDecoder().decode(chunk));
          client.on("end", () => resolve(text));
        });
        client.end("bye");
        await r.until(() => r.events.includes("end"));
        assert.equal(new TextDecoder().decode(r.received()), "bye");
        assert.equal(transport.write(new TextEncoder().encode("answer after FIN")), true);
        transport.end();
        assert.equal(await answer, "answer after FIN");
        await r.until(() => r.events.includes("closed"));
      }),
  );

  it(
    "a connection open when the listener closes goes on both ways; new ones are refused",
    { skip: NODE_ONLY },
    async () => {
      const { listener, next } = await nodeServer();
      const client = await dial(listener.address.port);
      const transport = await next(1);
      const r = recorder();
      transport.start(r.sink);
      const closing = listener.close();
      await assert.rejects(dial(listener.address.port), /ECONNREFUSED/);
      const answer = new Promise<string>((resolve) => client.once("data", (chunk) => resolve(String(chunk))));
      client.write("ping");
      await r.until(() => r.bytes === 4);
      assert.equal(new TextDecoder().decode(r.received()), "ping");
      transport.write(new TextEncoder().encode("pong"));
      assert.equal(await answer, "pong");
      transport.destroy();
      client.destroy();
      await closing;
    },
  );
});

describe("adoptWithOnread", () => {
  const onread = { buffer: () => new Uint8Array(16), callback: () => true };

  it("takes a socket accepted paused: its reads land in the lent buffer, in order", { skip: NODE_ONLY }, async () => {
    const lent = new Uint8Array(7);
    let text = "";
    const all = pattern(1000, 9).map((b) => 97 + (b % 26));
    const got = new Promise<string>((resolve) => {
      const server = createServer({ pauseOnConnect: true }, (accepted) => {
        const socket = adoptWithOnread(accepted, {
          buffer: () => lent,
          callback: (n) => {
            text += new TextDecoder().decode(lent.subarray(0, n));
            if (text.length === all.length) {
              resolve(text);
              socket?.destroy();
              server.close();
            }
            return true;
          },
        });
        assert.ok(socket !== undefined);
        socket.resume();
      });
      server.listen(0, "127.0.0.1", () => {
        const client = connect((server.address() as { port: number }).port, "127.0.0.1", () => client.end(all));
        client.on("error", () => {});
      });
    });
    assert.equal(await got, new TextDecoder().decode(all));
  });

  it("refuses a socket without a handle", () => {
    const socket = new (class {
      _handle = null;
    })();
    assert.equal(adoptWithOnread(socket as unknown as Socket, onread), undefined);
  });

  it("refuses a socket already reading, and leaves it working", { skip: NODE_ONLY }, async () => {
    let adopted: unknown = "not called";
    const got = new Promise<string>((resolve) => {
      const server = createServer((socket) => {
        adopted = adoptWithOnread(socket, onread);
        socket.on("data", (chunk: Uint8Array) => {
          resolve(new TextDecoder().decode(chunk));
          socket.destroy();
          server.close();
        });
      });
      server.listen(0, "127.0.0.1", () => {
        const client = connect((server.address() as { port: number }).port, "127.0.0.1", () => client.end("hi"));
        client.on("error", () => {});
      });
    });
    assert.equal(await got, "hi");
    assert.equal(adopted, undefined);
  });
});
