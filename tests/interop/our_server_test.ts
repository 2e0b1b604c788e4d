// Interop matrix, our server's side: every client that can run here — the
// `ws` client, the runtime's native WebSocket, Python's `websockets` and
// headless Chromium — against our server, through the same cases (INTEROP.md).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket as WsClient } from "ws";
import { type EchoServer, ourEchoServer } from "../_helpers/interop_servers.ts";
import { runCases } from "../_helpers/interop_driver.ts";
import { allPassed, recordCells } from "../_helpers/interop_cells.ts";
import { pythonMissing, runPython } from "../_helpers/python.ts";
import { chromiumMissing, inChromium } from "../_helpers/chromium.ts";
import { until } from "../_helpers/events.ts";

const Native = (globalThis as { WebSocket?: typeof globalThis.WebSocket }).WebSocket;

const PYTHON_CLIENT = `
import asyncio, json, sys, websockets
async def case(results, name, body):
    try:
        results[name] = await asyncio.wait_for(body(), 30)
    except Exception as error:
        results[name] = "error: " + repr(error)
async def main(uri):
    results = {}
    connect = lambda: websockets.connect(uri, max_size=None, compression=None)
    async def text():
        async with connect() as ws:
            text = "héllo wörld 😀 " * 500
            await ws.send(text)
            return True if await ws.recv() == text else "wrong echo"
    async def binary():
        async with connect() as ws:
            big = bytes((i * 131 + 7) & 0xff for i in range(256)) * 65536
            await ws.send(big)
            return True if await ws.recv() == big else "wrong echo"
    async def fragmented():
        async with connect() as ws:
            await ws.send(["frag", "men", "ted ✓"])
            return True if await ws.recv() == "fragmented ✓" else "wrong echo"
    async def ping():
        async with connect() as ws:
            await (await ws.ping(b"are you there"))
            return True
    async def close_by_client():
        ws = await connect()
        await ws.close(3001, "bye")
        return True if [ws.close_code, ws.close_reason] == [3001, "bye"] else repr([ws.close_code, ws.close_reason])
    async def close_by_server():
        ws = await connect()
        await ws.send("close please")
        await ws.wait_closed()
        return True if [ws.close_code, ws.close_reason] == [4000, "as you wish"] else repr([ws.close_code, ws.close_reason])
    for name, body in [("text", text), ("binary 16 MiB", binary), ("fragmented", fragmented), ("ping", ping),
                       ("close by client", close_by_client), ("close by server", close_by_server)]:
        await case(results, name, body)
    print(json.dumps(results))
asyncio.run(main(sys.argv[1]))
`;

/** The ws client speaks the web interface too; fragments and pings come from its own API. */
const wsOptions = {
  ping: (ws: globalThis.WebSocket) =>
    new Promise<void>((resolve) => {
      const client = ws as unknown as WsClient;
      client.once("pong", () => resolve());
      client.ping("are you there");
    }),
  fragments: (ws: globalThis.WebSocket, parts: string[]) =>
    parts.forEach((part, i) => (ws as unknown as WsClient).send(part, { fin: i === parts.length - 1 })),
};

const webOnly = {
  ping: "server" as const,
  fragments: { na: "the web's WebSocket cannot send fragments, nor can our server" },
};

describe("interop: every client → our server", () => {
  let server: EchoServer;
  before(async () => server = await ourEchoServer());
  after(() => server.stop());

  const check = async (pair: string, results: Record<string, true | string>) => {
    recordCells(pair, results);
    assert.deepEqual(results, allPassed(results));
    // Our side of the two closing cases saw the same codes, cleanly.
    await until(() => server.closes.some(([code]) => code === 4000) && server.closes.some(([code]) => code === 3001));
    assert.ok(server.closes.some((close) => close.join() === "3001,bye,true"), JSON.stringify(server.closes));
    // The reason in a close event is the peer's: undici answers with the code alone.
    assert.ok(server.closes.some(([code, , clean]) => code === 4000 && clean), JSON.stringify(server.closes));
    server.closes.length = 0;
  };

  it("ws client → our server", async () => {
    const results = await runCases(WsClient as unknown as typeof globalThis.WebSocket, server.url, wsOptions);
    await check("ws client → our server", results);
  });

  it("native WebSocket → our server", {
    skip: Native ? undefined : "this runtime has no native WebSocket client (Node 20)",
  }, async () => {
    await check("native WebSocket → our server", await runCases(Native!, server.url, webOnly));
  });

  it("Python websockets client → our server", { skip: pythonMissing() }, async () => {
    const results = JSON.parse(await runPython(PYTHON_CLIENT, [server.url], 120_000));
    await check("Python websockets client → our server", results);
  });

  it("headless Chromium → our server", { skip: chromiumMissing() }, async () => {
    const results = await inChromium(server.url, runCases, webOnly);
    await check("headless Chromium → our server", results);
  });
});
