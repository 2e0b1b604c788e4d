// permessage-deflate interop, both ways: our client against the ws server,
// Python's websockets server and (on Bun) Bun.serve, all with compression on;
// ws's, Python's and headless Chromium's clients against our server with perMessageDeflate.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket as WsClient, WebSocketServer } from "ws";
import { serve, type Server, WebSocket } from "../../src/mod.ts";
import { once } from "../_helpers/events.ts";
import { pythonMissing, runPython, startPython } from "../_helpers/python.ts";
import { chromiumMissing, inChromium } from "../_helpers/chromium.ts";

const JSON_TEXT = JSON.stringify(
  Array.from({ length: 2000 }, (_, i) => ({ id: i, user: `user${i % 50}`, price: (i * 37) % 1000, ok: i % 3 === 0 })),
);
const BINARY = new Uint8Array(300_000).map((_, i) => (i % 251) ^ (i >> 10));
const MESSAGES: Array<string | Uint8Array> = ["small", JSON_TEXT, BINARY, "héllo wörld 😀 ".repeat(2000), JSON_TEXT];

/** Our client: echo MESSAGES through `url`; returns ws.extensions. */
async function echoThrough(url: string, options: Record<string, unknown> = {}): Promise<string> {
  const ws = new WebSocket(url, options);
  ws.binaryType = "arraybuffer";
  await once(ws, "open");
  const replies: unknown[] = [];
  const done = new Promise<void>((resolve) => {
    ws.onmessage = (event) => {
      replies.push(event.data);
      if (replies.length === MESSAGES.length) resolve();
    };
  });
  for (const message of MESSAGES) ws.send(message);
  await done;
  MESSAGES.forEach((message, i) => {
    if (typeof message === "string") assert.equal(replies[i], message, `message ${i}`);
    else assert.deepEqual(new Uint8Array(replies[i] as ArrayBuffer), message, `message ${i}`);
  });
  const extensions = ws.extensions;
  ws.close(1000);
  const close = await once<CloseEvent>(ws, "close");
  assert.equal(close.code, 1000);
  return extensions;
}

describe("our client → ws server with perMessageDeflate", () => {
  const servers: WebSocketServer[] = [];
  const start = async (perMessageDeflate: object) => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate });
    servers.push(wss);
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
    const negotiated: string[] = [];
    wss.on("connection", (socket, request) => {
      negotiated.push(String(request.headers["sec-websocket-extensions"]));
      socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
    });
    return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`, negotiated };
  };
  after(() => Promise.all(servers.map((wss) => new Promise<void>((resolve) => wss.close(() => resolve())))));

  it("with context takeover both ways (ws's defaults, threshold 0)", async () => {
    const { url, negotiated } = await start({ threshold: 0 });
    assert.match(await echoThrough(url), /^permessage-deflate/);
    assert.deepEqual(negotiated, ["permessage-deflate; client_max_window_bits"]);
  });
  it("with small windows and no context takeover", async () => {
    const { url } = await start({
      threshold: 0,
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 9,
      clientMaxWindowBits: 8,
    });
    assert.equal(
      await echoThrough(url),
      "permessage-deflate; client_max_window_bits=8; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9",
    );
  });
});

describe("ws client → our server with perMessageDeflate", () => {
  let server: Server;
  before(async () => {
    server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      perMessageDeflate: { threshold: 0 },
      websocket: (ws) => ws.addEventListener("message", (event) => ws.send((event as MessageEvent).data)),
    });
  });
  after(() => server.shutdown());

  for (const options of [{ threshold: 0 }, { threshold: 0, clientMaxWindowBits: 9, clientNoContextTakeover: true }]) {
    it(`echoes with ws's client ${JSON.stringify(options)}`, async () => {
      const client = new WsClient(`ws://127.0.0.1:${server.address.port}`, { perMessageDeflate: options });
      await new Promise((resolve, reject) => client.once("open", resolve).once("error", reject));
      assert.equal(client.extensions, "permessage-deflate");
      const replies: Array<Buffer> = [];
      const done = new Promise<void>((resolve) =>
        client.on("message", (data) => {
          replies.push(data as Buffer);
          if (replies.length === MESSAGES.length) resolve();
        })
      );
      for (const message of MESSAGES) client.send(message);
      await done;
      MESSAGES.forEach((message, i) => {
        const expected = typeof message === "string" ? new TextEncoder().encode(message) : message;
        assert.deepEqual(new Uint8Array(replies[i]), expected, `message ${i}`);
      });
      client.close();
      await new Promise((resolve) => client.once("close", resolve));
    });
  }
});

const PYTHON_ECHO_SERVER = `
import asyncio, websockets
async def handler(ws, path=None):
    try:
        async for msg in ws:
            await ws.send(msg)
    except websockets.ConnectionClosed:
        pass
async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
`;

const PYTHON_CLIENT = `
import asyncio, json, sys, websockets
async def main(uri):
    async with websockets.connect(uri, max_size=None) as ws:
        text = ("héllo wörld 😀 " * 3000)
        data = bytes(range(256)) * 2000
        await ws.send(text)
        await ws.send(data)
        ok = (await ws.recv()) == text and (await ws.recv()) == data
        header = ws.response.headers.get("Sec-WebSocket-Extensions") if hasattr(ws, "response") else ws.response_headers.get("Sec-WebSocket-Extensions")
        print(json.dumps({"ok": ok, "extensions": header}))
asyncio.run(main(sys.argv[1]))
`;

describe("Python websockets (compression on by default), both ways", { skip: pythonMissing() }, () => {
  it("our client → Python's server", async () => {
    const peer = await startPython(PYTHON_ECHO_SERVER);
    try {
      assert.match(await echoThrough(`ws://127.0.0.1:${peer.port}`), /^permessage-deflate/);
    } finally {
      peer.stop();
    }
  });
  it("Python's client → our server", async () => {
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      perMessageDeflate: true,
      websocket: (ws) => ws.addEventListener("message", (event) => ws.send((event as MessageEvent).data)),
    });
    try {
      const result = JSON.parse(await runPython(PYTHON_CLIENT, [`ws://127.0.0.1:${server.address.port}`]));
      assert.deepEqual(result, { ok: true, extensions: "permessage-deflate; server_no_context_takeover" });
    } finally {
      await server.shutdown();
    }
  });
});

type BunServe = (options: unknown) => { port: number; stop(force?: boolean): void };
const bun = (globalThis as { Bun?: { serve: BunServe } }).Bun;

describe("our client → Bun.serve with perMessageDeflate: true", { skip: bun ? undefined : "Bun only" }, () => {
  it("echoes compressed messages", async () => {
    const native = bun!.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(request: Request, server: { upgrade(request: Request): boolean }) {
        return server.upgrade(request) ? undefined : new Response("not an upgrade", { status: 400 });
      },
      websocket: {
        perMessageDeflate: true,
        maxPayloadLength: 16 * 1024 * 1024,
        message(socket: { send(data: unknown, compress?: boolean): void }, data: unknown) {
          socket.send(data, true);
        },
      },
    });
    try {
      assert.match(await echoThrough(`ws://127.0.0.1:${native.port}`), /^permessage-deflate/);
    } finally {
      native.stop(true);
    }
  });
});

describe("headless Chromium → our server with perMessageDeflate", { skip: chromiumMissing() }, () => {
  it("agrees deflate as a browser does and echoes compressed messages", async () => {
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      perMessageDeflate: true,
      fetch: () => new Response("<!doctype html><title>deflate</title>", { headers: { "content-type": "text/html" } }),
      websocket: (ws) => ws.addEventListener("message", (event) => ws.send((event as MessageEvent).data)),
    });
    try {
      const result = await inChromium(`ws://127.0.0.1:${server.address.port}`, async (WS, url, texts: string[]) => {
        const ws = new WS(url);
        await new Promise((resolve, reject) => {
          ws.onopen = resolve;
          ws.onerror = reject;
        });
        const replies: string[] = [];
        await new Promise<void>((resolve) => {
          ws.onmessage = (event) => {
            replies.push(event.data as string);
            if (replies.length === texts.length) resolve();
          };
          for (const text of texts) ws.send(text);
        });
        ws.close();
        return { extensions: ws.extensions, same: replies.every((reply, i) => reply === texts[i]) };
      }, [JSON_TEXT, "small", JSON_TEXT.slice(0, 5000)]);
      assert.deepEqual(result, { extensions: "permessage-deflate; server_no_context_takeover", same: true });
    } finally {
      await server.shutdown();
    }
  });
});
