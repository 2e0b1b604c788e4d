// Interop with the `ws` package beyond the matrix's common cases (those are in
// our_client_test.ts and our_server_test.ts): subprotocols, 16 MiB text,
// a ping between fragments, abrupt drops and our size limit.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket as WsClient, WebSocketServer } from "ws";
import { serve, type Server, WebSocket } from "../../src/mod.ts";
import { once, until } from "../_helpers/events.ts";

const BIG = 16 * 1024 * 1024;

function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 131 + 7) & 0xff;
  return out;
}

describe("our client → ws server", () => {
  let wss: WebSocketServer;
  let url = "";
  before(async () => {
    wss = new WebSocketServer({
      host: "127.0.0.1",
      port: 0,
      perMessageDeflate: false,
      handleProtocols: (p) => p.has("chat") ? "chat" : false,
    });
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
    url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
    wss.on("connection", (socket, request) => {
      const path = request.url ?? "/";
      socket.on("message", (data, isBinary) => {
        if (path === "/fragments") {
          // Send the echo back in three fragments.
          const bytes = data as Buffer;
          const third = Math.ceil(bytes.length / 3);
          socket.send(bytes.subarray(0, third), { binary: isBinary, fin: false });
          socket.send(bytes.subarray(third, 2 * third), { binary: isBinary, fin: false });
          socket.send(bytes.subarray(2 * third), { binary: isBinary, fin: true });
        } else if (path === "/close") {
          socket.close(4321, "server says bye");
        } else if (path === "/drop") {
          socket.terminate();
        } else {
          socket.send(data, { binary: isBinary });
        }
      });
    });
  });
  after(() => new Promise<void>((resolve) => wss.close(() => resolve())));

  it("negotiates a subprotocol and echoes 16 MiB of text among other messages", async () => {
    const ws = new WebSocket(url, ["chat", "other"]);
    ws.binaryType = "arraybuffer";
    await once(ws, "open");
    assert.equal(ws.protocol, "chat");
    const big = pattern(BIG);
    const text = "héllo wörld 😀 ".repeat(1000);
    const replies: unknown[] = [];
    const done = new Promise<void>((resolve) => {
      ws.onmessage = (event) => {
        replies.push(event.data);
        if (replies.length === 3) resolve();
      };
    });
    ws.send(text);
    ws.send(big);
    ws.send("x".repeat(BIG));
    await done;
    assert.equal(replies[0], text);
    assert.deepEqual(new Uint8Array(replies[1] as ArrayBuffer), big);
    assert.equal((replies[2] as string).length, BIG);
    ws.close(1000, "done");
    const close = await once<CloseEvent>(ws, "close");
    assert.equal(close.code, 1000);
    assert.equal(close.wasClean, true);
  });

  it("an abrupt drop by the server gives 1006", async () => {
    const ws = new WebSocket(`${url}/drop`);
    await once(ws, "open");
    ws.send("trigger");
    const close = await once<CloseEvent>(ws, "close");
    assert.deepEqual([close.code, close.wasClean], [1006, false]);
  });

  it("a message over our maxPayload closes with 1009, seen by the ws server", async () => {
    const seen = new Promise<number>((resolve) =>
      wss.once("connection", (socket) => socket.once("close", (code) => resolve(code)))
    );
    const ws = new WebSocket(url, { maxPayload: 1000 });
    await once(ws, "open");
    ws.send(new Uint8Array(1001));
    const close = await once<CloseEvent>(ws, "close");
    assert.equal(close.wasClean, false);
    assert.equal(await seen, 1009);
  });
});

describe("ws client → our server", () => {
  let server: Server;
  let url = "";
  const closes: Array<{ code: number; reason: string; wasClean: boolean }> = [];
  before(async () => {
    server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      maxPayload: 32 * 1024 * 1024,
      websocket(ws) {
        ws.binaryType = "arraybuffer";
        ws.addEventListener("message", (event) => {
          if (event.data === "close please") ws.close(4000, "as you wish");
          else ws.send(event.data);
        });
        ws.addEventListener(
          "close",
          (event) => closes.push({ code: event.code, reason: event.reason, wasClean: event.wasClean }),
        );
      },
    });
    url = `ws://127.0.0.1:${server.address.port}`;
  });
  after(() => server.shutdown());

  function open(): Promise<WsClient> {
    const client = new WsClient(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    return new Promise((resolve, reject) => {
      client.once("open", () => resolve(client));
      client.once("error", reject);
    });
  }

  function next(client: WsClient): Promise<{ data: Buffer; binary: boolean }> {
    return new Promise((resolve) =>
      client.once("message", (data, binary) => resolve({ data: data as Buffer, binary }))
    );
  }

  it("reassembles a fragmented message from the ws client, with a ping in between", async () => {
    const client = await open();
    const reply = next(client);
    const pong = new Promise<Buffer>((resolve) => client.once("pong", resolve));
    client.send("frag", { fin: false });
    client.ping("mid");
    client.send("mented", { fin: true });
    assert.equal((await reply).data.toString(), "fragmented");
    assert.equal((await pong).toString(), "mid");
    client.close();
    await new Promise((resolve) => client.once("close", resolve));
  });

  it("an abrupt drop by the client gives 1006 on our side", async () => {
    const client = await open();
    const count = closes.length;
    client.terminate();
    await until(() => closes.length > count);
    assert.deepEqual(closes.slice(count), [{ code: 1006, reason: "", wasClean: false }]);
  });
});
