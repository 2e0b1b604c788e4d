// Test helper, not a test: the echo servers of the interop matrix, each
// speaking the driver's small protocol (echo; "close please" → close 4000
// "as you wish"; "ping me" → ping, then "ponged"; /fragments → echo in three
// fragments where the server's API can send fragments).
import { WebSocketServer } from "ws";
import { serve } from "../../src/mod.ts";
import { startPython } from "./python.ts";
import { bunServe } from "./bun_serve.ts";

/** A running echo server. */
export interface EchoServer {
  url: string;
  /** How the fragmented case runs against it (see DriverOptions.fragments). */
  fragments: "path" | { na: string };
  /** Close events our server saw ([code, reason, wasClean]); only for our server. */
  closes: Array<[number, string, boolean]>;
  stop(): Promise<void>;
}

/** Our server (with a blank page for browsers). Its API sends whole messages only, so it never fragments. */
export async function ourEchoServer(): Promise<EchoServer> {
  const closes: Array<[number, string, boolean]> = [];
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    maxPayload: 32 * 1024 * 1024,
    fetch: () => new Response("<!doctype html><title>interop</title>", { headers: { "content-type": "text/html" } }),
    websocket(ws) {
      ws.binaryType = "arraybuffer";
      ws.addEventListener("message", (event) => {
        if (event.data === "close please") ws.close(4000, "as you wish");
        else if (event.data === "ping me") {
          ws.addEventListener("pong", () => ws.send("ponged"), { once: true });
          ws.ping();
        } else ws.send(event.data);
      });
      ws.addEventListener("close", (event) => closes.push([event.code, event.reason, event.wasClean]));
    },
  });
  return {
    url: `ws://127.0.0.1:${server.address.port}`,
    fragments: { na: "neither the web's WebSocket nor our server's send() makes fragments" },
    closes,
    stop: () => server.shutdown(),
  };
}

/** The `ws` package's server. */
export async function wsEchoServer(): Promise<EchoServer> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false, maxPayload: 32 << 20 });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  wss.on("connection", (socket, request) => {
    socket.on("message", (data, isBinary) => {
      const bytes = data as Uint8Array;
      if (!isBinary && bytes.toString() === "close please") socket.close(4000, "as you wish");
      else if (!isBinary && bytes.toString() === "ping me") {
        socket.once("pong", () => socket.send("ponged"));
        socket.ping();
      } else if (request.url === "/fragments") {
        const third = Math.ceil(bytes.length / 3);
        socket.send(bytes.subarray(0, third), { binary: isBinary, fin: false });
        socket.send(bytes.subarray(third, 2 * third), { binary: isBinary, fin: false });
        socket.send(bytes.subarray(2 * third), { binary: isBinary, fin: true });
      } else socket.send(data, { binary: isBinary });
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    fragments: "path",
    closes: [],
    stop: () => new Promise((resolve) => wss.close(() => resolve())),
  };
}

type DenoServe = typeof Deno.serve;

/** Deno.serve with Deno.upgradeWebSocket (Deno only). */
export function denoEchoServer(): EchoServer {
  const deno = (globalThis as { Deno?: { serve: DenoServe; upgradeWebSocket: typeof Deno.upgradeWebSocket } }).Deno!;
  const controller = new AbortController();
  const native = deno.serve({ hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen() {} }, (request) => {
    const { socket, response } = deno.upgradeWebSocket(request);
    socket.onmessage = (event) => {
      if (event.data === "close please") socket.close(4000, "as you wish");
      else socket.send(event.data);
    };
    return response;
  });
  return {
    url: `ws://127.0.0.1:${native.addr.port}`,
    fragments: { na: "neither Deno's server socket nor our client's send() makes fragments" },
    closes: [],
    stop: async () => {
      controller.abort();
      await native.finished;
    },
  };
}

interface BunSocket {
  send(data: unknown): void;
  close(code?: number, reason?: string): void;
}
/** Bun.serve's websocket handler (Bun only, uWebSockets underneath). */
export function bunEchoServer(): EchoServer {
  const native = bunServe({
    maxPayloadLength: 32 * 1024 * 1024,
    message(socket: BunSocket, data: unknown) {
      if (data === "close please") socket.close(4000, "as you wish");
      else socket.send(data);
    },
  });
  return {
    url: `ws://127.0.0.1:${native.port}`,
    fragments: { na: "neither Bun's ServerWebSocket nor our client's send() makes fragments" },
    closes: [],
    stop: native.stop,
  };
}

const PYTHON_SERVER = `
import asyncio, websockets
async def handler(ws, path=None):
    path = path if path is not None else ws.request.path if hasattr(ws, "request") else ws.path
    try:
        async for msg in ws:
            if msg == "close please":
                await ws.close(4000, "as you wish")
                return
            if msg == "ping me":
                await (await ws.ping())
                await ws.send("ponged")
            elif path == "/fragments":
                third = -(-len(msg) // 3)
                await ws.send([msg[:third], msg[third:2 * third], msg[2 * third:]])
            else:
                await ws.send(msg)
    except websockets.ConnectionClosed:
        pass
async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None, compression=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
`;

/** Python's `websockets` server, in a child process. */
export async function pythonEchoServer(): Promise<EchoServer> {
  const peer = await startPython(PYTHON_SERVER);
  return {
    url: `ws://127.0.0.1:${peer.port}`,
    fragments: "path",
    closes: [],
    stop: () => Promise.resolve(peer.stop()),
  };
}
