// The physical limit for the echo benchmark: a raw TCP echo on this runtime's own
// socket API (Deno.listen, Bun.listen, node:net), with just enough of a WebSocket
// handshake (one 101 with the accept key) for the load generator to connect.
// After the head every byte goes back as it came, masked frames and all; the
// generator checks them with `--raw`. Runs on `deno run -A`, `bun` and `node`.
import { createHash } from "node:crypto";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const encoder = new TextEncoder();
const decoder = new TextDecoder("latin1");
type G = {
  Deno?: {
    listen(o: { hostname: string; port: number }): AsyncIterable<DenoConn> & { addr: { port: number } };
    env: { get(name: string): string | undefined };
  };
  Bun?: { listen(o: unknown): { port: number } };
  process?: { env: Record<string, string | undefined> };
};
type DenoConn = {
  read(buffer: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
};
const g = globalThis as unknown as G;
const port = Number(g.process?.env.PORT ?? g.Deno?.env.get("PORT") ?? 0);

/** The 101 for a complete request head, or undefined while the head is incomplete. */
function answer(head: string): Uint8Array | undefined {
  const end = head.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const key = head.slice(0, end).match(/^sec-websocket-key:\s*(\S+)/im)?.[1] ?? "";
  const accept = createHash("sha1").update(key + GUID).digest("base64");
  return encoder.encode(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
}

// The generator sends frames only once it has the 101, so no read mixes head and frames.
if (g.Deno) {
  const listener = g.Deno.listen({ hostname: "127.0.0.1", port });
  console.log(`listening on ws://127.0.0.1:${listener.addr.port}`);
  for await (const conn of listener) {
    (async () => {
      const buffer = new Uint8Array(256 * 1024);
      let head = "";
      let upgraded = false;
      try {
        for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
          if (upgraded) {
            for (let at = 0; at < n;) at += await conn.write(buffer.subarray(at, n));
            continue;
          }
          head += decoder.decode(buffer.subarray(0, n));
          const reply = answer(head);
          if (reply === undefined) continue;
          upgraded = true;
          await conn.write(reply);
        }
      } catch {
        // The generator drops its connections when it is done.
      }
      conn.close();
    })();
  }
} else if (g.Bun) {
  type S = { data: { head: string; upgraded: boolean; queue: Uint8Array[] }; write(b: Uint8Array): number };
  // Bun's write may take part of the bytes; the rest waits for drain, in order.
  const flush = (socket: S) => {
    const queue = socket.data.queue;
    while (queue.length > 0) {
      const written = socket.write(queue[0]);
      if (written < queue[0].length) {
        queue[0] = queue[0].subarray(Math.max(written, 0));
        return;
      }
      queue.shift();
    }
  };
  const server = g.Bun.listen({
    hostname: "127.0.0.1",
    port,
    socket: {
      open: (socket: S) => void (socket.data = { head: "", upgraded: false, queue: [] }),
      data(socket: S, chunk: Uint8Array) {
        const state = socket.data;
        let bytes = chunk;
        if (!state.upgraded) {
          state.head += decoder.decode(chunk);
          const reply = answer(state.head);
          if (reply === undefined) return;
          state.upgraded = true;
          bytes = reply;
        }
        const idle = state.queue.length === 0;
        // Bun lends `chunk` only for this call: what must wait is copied.
        state.queue.push(bytes);
        if (idle) flush(socket);
        const last = state.queue.at(-1);
        if (last !== undefined && last.buffer === chunk.buffer) state.queue[state.queue.length - 1] = last.slice();
      },
      drain: flush,
    },
  });
  console.log(`listening on ws://127.0.0.1:${server.port}`);
} else {
  const { createServer } = await import("node:net");
  const server = createServer({ noDelay: true }, (socket) => {
    let head = "";
    const onHead = (chunk: Uint8Array) => {
      head += decoder.decode(chunk);
      const reply = answer(head);
      if (reply === undefined) return;
      socket.off("data", onHead);
      socket.write(reply);
      socket.pipe(socket);
    };
    socket.on("data", onHead);
    socket.on("error", () => socket.destroy());
  });
  server.listen(port, "127.0.0.1", () => {
    const address = server.address() as { port: number };
    console.log(`listening on ws://127.0.0.1:${address.port}`);
  });
}
