// Interop with Python's `websockets` (a strict, independent implementation),
// in both directions.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, type Server, WebSocket } from "../../src/mod.ts";
import { pythonMissing, runPython, startPython } from "../_helpers/python.ts";

const skip = pythonMissing();

const SERVER = `
import asyncio, websockets
async def handler(ws, path=None):
    path = path if path is not None else ws.path
    try:
        async for msg in ws:
            if path == "/fragments":
                await ws.send([msg[:3], msg[3:]])
            elif msg == "close please":
                await ws.close(4000, "as you wish")
                return
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

const CLIENT = `
import asyncio, json, sys, websockets
async def main(uri):
    results = {}
    async with websockets.connect(uri, max_size=None, compression=None) as ws:
        await ws.send("héllo 😀")
        results["text"] = await ws.recv() == "héllo 😀"
        big = bytes(range(256)) * 65536
        await ws.send(big)
        results["binary16MiB"] = await ws.recv() == big
        await ws.send(["frag", "men", "ted"])
        results["fragmented"] = await ws.recv() == "fragmented"
        pong = await ws.ping(b"abc")
        await asyncio.wait_for(pong, 5)
        results["ping"] = True
        await ws.close(3001, "bye")
        results["close"] = [ws.close_code, ws.close_reason]
    print(json.dumps(results))
asyncio.run(main(sys.argv[1]))
`;
import { once, until } from "../_helpers/events.ts";

describe("our client → Python websockets server", { skip }, () => {
  let peer: { port: number; stop(): void };
  before(async () => peer = await startPython(SERVER));
  after(() => peer?.stop());

  it("echoes text and 16 MiB binary, reassembles fragments, gets pongs, sees a server close", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${peer.port}/`);
    ws.binaryType = "arraybuffer";
    await once(ws, "open");
    ws.send("héllo 😀");
    assert.equal((await once<MessageEvent>(ws, "message")).data, "héllo 😀");
    const big = new Uint8Array(16 * 1024 * 1024).map((_, i) => i & 0xff);
    ws.send(big);
    assert.deepEqual(new Uint8Array((await once<MessageEvent>(ws, "message")).data), big);
    ws.ping("p");
    assert.equal(new TextDecoder().decode((await once<Event & { data: Uint8Array }>(ws, "pong")).data), "p");
    ws.send("close please");
    const close = await once<CloseEvent>(ws, "close");
    assert.deepEqual([close.code, close.reason, close.wasClean], [4000, "as you wish", true]);

    const fragmented = new WebSocket(`ws://127.0.0.1:${peer.port}/fragments`);
    await once(fragmented, "open");
    fragmented.send("fragmented");
    assert.equal((await once<MessageEvent>(fragmented, "message")).data, "fragmented");
    fragmented.close(1000);
    assert.equal((await once<CloseEvent>(fragmented, "close")).wasClean, true);
  });
});

describe("Python websockets client → our server", { skip }, () => {
  let server: Server;
  const closes: Array<[number, string, boolean]> = [];
  before(async () => {
    server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      maxPayload: 32 * 1024 * 1024,
      websocket(ws) {
        ws.binaryType = "arraybuffer";
        ws.addEventListener("message", (event) => ws.send(event.data));
        ws.addEventListener("close", (event) => closes.push([event.code, event.reason, event.wasClean]));
      },
    });
  });
  after(() => server.shutdown());

  it("text, 16 MiB binary, fragments, ping and a client close", async () => {
    const out = await runPython(CLIENT, [`ws://127.0.0.1:${server.address.port}/`]);
    assert.deepEqual(JSON.parse(out), {
      text: true,
      binary16MiB: true,
      fragmented: true,
      ping: true,
      close: [3001, "bye"],
    });
    await until(() => closes.length > 0);
    assert.deepEqual(closes, [[3001, "bye", true]]);
  });
});
