// Test helper, not a test: echo servers with permessage-deflate on, for the
// deflate interop pairs (tests/interop/deflate_*_test.ts). Each is started
// twice per pair: with the options of the usual connection, then with both
// no_context_takeover and small windows (deflate_interop.ts SMALL).
import { WebSocketServer } from "ws";
import { type DeflateOptions, serve } from "../../src/mod.ts";
import { startPython } from "./python.ts";
import { bunServe } from "./bun_serve.ts";
import { SMALL } from "./deflate_interop.ts";

/** A running echo server on 127.0.0.1. */
export interface DeflateServer {
  port: number;
  stop(): Promise<void>;
}

/** Our server (with a blank page for browsers), echoing every message. */
export async function ourDeflateServer(perMessageDeflate: DeflateOptions): Promise<DeflateServer> {
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    perMessageDeflate,
    fetch: () => new Response("<!doctype html><title>deflate</title>", { headers: { "content-type": "text/html" } }),
    websocket(ws) {
      ws.binaryType = "arraybuffer";
      ws.addEventListener("message", (event) => ws.send((event as MessageEvent).data));
    },
  });
  return { port: server.address.port, stop: () => server.shutdown() };
}

/** The `ws` package's server with `perMessageDeflate` (ws's option names match ours). */
export async function wsDeflateServer(perMessageDeflate: object): Promise<DeflateServer> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  wss.on("connection", (socket) => socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary })));
  return {
    port: (wss.address() as { port: number }).port,
    stop: () => new Promise((resolve) => wss.close(() => resolve())),
  };
}

/** Bun.serve (uWebSockets) with `perMessageDeflate`, compressing every echo (Bun only). */
export function bunDeflateServer(perMessageDeflate: unknown): DeflateServer {
  return bunServe({
    perMessageDeflate,
    message(socket: { send(data: unknown, compress?: boolean): void }, data: unknown) {
      socket.send(data, true);
    },
  });
}

const PYTHON_SERVER = `
import asyncio, sys, websockets
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory
async def handler(ws, path=None):
    try:
        async for msg in ws:
            await ws.send(msg)
    except websockets.ConnectionClosed:
        pass
async def main(small):
    # Compression is on by default; the small connection's server says what it allows.
    options = dict(compression=None, extensions=[ServerPerMessageDeflateFactory(
        server_no_context_takeover=True, client_no_context_takeover=True,
        server_max_window_bits=${SMALL.serverMaxWindowBits}, client_max_window_bits=${SMALL.clientMaxWindowBits})]) if small else {}
    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None, **options) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main(sys.argv[1] == "small"))
`;

/** Python's `websockets` server, in a child process: its defaults, or the small connection's parameters. */
export async function pythonDeflateServer(small: boolean): Promise<DeflateServer> {
  const peer = await startPython(PYTHON_SERVER, [small ? "small" : "usual"]);
  return { port: peer.port, stop: () => Promise.resolve(peer.stop()) };
}
