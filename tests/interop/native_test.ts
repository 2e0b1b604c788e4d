// The runtime's own WebSocket client (Deno, Bun, Node ≥ 22) against our
// server, and our client against the runtime's own server where it has one.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, type Server, WebSocket } from "../../src/mod.ts";
import { once, until } from "../_helpers/events.ts";

const Native = (globalThis as { WebSocket?: typeof globalThis.WebSocket }).WebSocket;
// Node 20 has no global WebSocket (it arrived in Node 22): nothing to test there.
const skip = Native === undefined ? "this runtime has no native WebSocket client (Node 20)" : undefined;

describe("the runtime's native WebSocket → our server", { skip }, () => {
  let server: Server;
  const closes: Array<[number, string, boolean]> = [];
  before(async () => {
    server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      maxPayload: 32 * 1024 * 1024,
      websocket(ws) {
        ws.binaryType = "arraybuffer";
        ws.addEventListener("message", (event) => {
          if (event.data === "close please") ws.close(4000, "as you wish");
          else if (event.data === "drop") ws.terminate();
          else ws.send(event.data);
        });
        ws.addEventListener("close", (event) => closes.push([event.code, event.reason, event.wasClean]));
      },
    });
  });
  after(() => server.shutdown());

  it("echoes text and binary up to 16 MiB and closes cleanly from the client", async () => {
    const ws = new Native!(`ws://127.0.0.1:${server.address.port}/`);
    ws.binaryType = "arraybuffer";
    await once(ws, "open");
    ws.send("héllo 😀");
    assert.equal((await once<MessageEvent>(ws, "message")).data, "héllo 😀");
    const big = new Uint8Array(16 * 1024 * 1024).map((_, i) => i & 0xff);
    ws.send(big);
    assert.deepEqual(new Uint8Array((await once<MessageEvent>(ws, "message")).data), big);
    const count = closes.length;
    ws.close(3000, "bye");
    const close = await once<CloseEvent>(ws, "close");
    assert.deepEqual([close.code, close.reason, close.wasClean], [3000, "bye", true]);
    await until(() => closes.length > count);
    assert.deepEqual(closes.slice(count), [[3000, "bye", true]]);
  });

  it("a server-initiated close reaches the native client with code and reason", async () => {
    const ws = new Native!(`ws://127.0.0.1:${server.address.port}/`);
    await once(ws, "open");
    ws.send("close please");
    const close = await once<CloseEvent>(ws, "close");
    assert.deepEqual([close.code, close.reason, close.wasClean], [4000, "as you wish", true]);
  });

  it("a server-side terminate() is an abnormal closure for the native client", async () => {
    const ws = new Native!(`ws://127.0.0.1:${server.address.port}/`);
    await once(ws, "open");
    ws.send("drop");
    const close = await once<CloseEvent>(ws, "close");
    assert.equal(close.wasClean, false);
    // Deno's native client reports code 0 for an abnormal closure (its own deviation; the standard says 1006).
    const isDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;
    assert.ok(close.code === 1006 || (isDeno && close.code === 0), `code ${close.code}`);
  });
});

/** Our client: 1 MiB binary and a text message echoed, then a clean close. */
async function echoAgainst(url: string): Promise<void> {
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  await once(ws, "open");
  const big = new Uint8Array(1 << 20).map((_, i) => i * 5);
  ws.send(big);
  assert.deepEqual(new Uint8Array((await once<MessageEvent>(ws, "message")).data), big);
  ws.send("text");
  assert.equal((await once<MessageEvent>(ws, "message")).data, "text");
  ws.close(1000, "done");
  const close = await once<CloseEvent>(ws, "close");
  assert.deepEqual([close.code, close.wasClean], [1000, true]);
}

describe("our client → the runtime's native server", () => {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  it(
    "Deno.serve + Deno.upgradeWebSocket",
    { skip: deno === undefined ? "not running on Deno" : undefined },
    async () => {
      const controller = new AbortController();
      const native = deno!.serve(
        { hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen() {} },
        (request) => {
          const { socket, response } = deno!.upgradeWebSocket(request);
          socket.onmessage = (event) => socket.send(event.data);
          return response;
        },
      );
      await echoAgainst(`ws://127.0.0.1:${native.addr.port}/`);
      controller.abort();
      await native.finished;
    },
  );

  const bun = (globalThis as { Bun?: { serve(options: unknown): { port: number; stop(force?: boolean): void } } }).Bun;
  it("Bun.serve websocket", { skip: bun === undefined ? "not running on Bun" : undefined }, async () => {
    const native = bun!.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(request: Request, srv: { upgrade(request: Request): boolean }) {
        return srv.upgrade(request) ? undefined : new Response("no", { status: 400 });
      },
      websocket: {
        message(socket: { send(data: unknown): void }, data: unknown) {
          socket.send(data);
        },
      },
    });
    await echoAgainst(`ws://127.0.0.1:${native.port}/`);
    native.stop(true);
  });
});
