// serve() against a raw TCP client: malformed upgrades get the right status,
// malformed frames the right close code, and the server keeps serving others.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, type ServeOptions, type Server, WebSocket } from "../../src/mod.ts";
import { acceptFor, rawClient, type RawSocket, upgradeRequest } from "../_helpers/raw_peer.ts";
import { closePayload, frame, hex } from "../_helpers/frames.ts";

async function echo(options: ServeOptions = {}): Promise<Server> {
  return await serve({
    hostname: "127.0.0.1",
    port: 0,
    websocket(ws) {
      ws.binaryType = "arraybuffer";
      ws.addEventListener("message", (event) => ws.send((event as MessageEvent).data));
    },
    ...options,
  });
}

async function upgraded(server: Server, extra = ""): Promise<RawSocket> {
  const peer = await rawClient(server.address.port);
  peer.write(upgradeRequest(server.address.port, "/", extra));
  const head = await peer.readHead();
  assert.match(head, /^HTTP\/1\.1 101 /);
  assert.match(
    head,
    new RegExp(
      `\\r\\nSec-WebSocket-Accept: ${acceptFor("dGhlIHNhbXBsZSBub25jZQ==").replace(/[+/]/g, "\\$&")}\\r\\n`,
      "i",
    ),
  );
  return peer;
}

/** An upgrade request with a masked text frame right behind it, in one write. */
function upgradeWithFrame(port: number, text: string): Uint8Array {
  const request = new TextEncoder().encode(upgradeRequest(port));
  const first = frame({ opcode: 1, payload: text, mask: true });
  const both = new Uint8Array(request.length + first.length);
  both.set(request);
  both.set(first, request.length);
  return both;
}

async function statusOf(server: Server, request: string | Uint8Array): Promise<string> {
  const peer = await rawClient(server.address.port);
  peer.write(request);
  const head = await peer.readHead();
  await peer.waitEnd();
  peer.destroy();
  return head.split("\r\n")[0];
}

/** A server that answers still works: an echo round trip on a fresh connection. */
async function stillServes(server: Server): Promise<void> {
  const peer = await upgraded(server);
  peer.write(frame({ opcode: 1, payload: "alive", mask: true }));
  const reply = await peer.readFrame();
  assert.equal(new TextDecoder().decode(reply.payload), "alive");
  assert.equal(reply.masked, false, "server frames are never masked");
  peer.destroy();
}

describe("RFC 6455 §4.2 server handshake", () => {
  it("answers malformed upgrades with 400, a wrong version with 426, big heads with 431", async () => {
    const server = await echo();
    const port = server.address.port;
    assert.match(await statusOf(server, upgradeRequest(port).replace(/Sec-WebSocket-Key: .*\r\n/, "")), / 400 /);
    assert.match(
      await statusOf(
        server,
        upgradeRequest(port).replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Key: short"),
      ),
      / 400 /,
    );
    assert.match(await statusOf(server, "GARBAGE\r\n\r\n"), / 400 /);
    const version = await rawClient(port);
    version.write(upgradeRequest(port).replace("Version: 13", "Version: 8"));
    const head = await version.readHead();
    assert.match(head, /^HTTP\/1\.1 426 /);
    assert.match(head, /\r\nSec-WebSocket-Version: 13\r\n/i);
    version.destroy();
    assert.match(await statusOf(server, upgradeRequest(port, "/", `X-Big: ${"a".repeat(20000)}\r\n`)), / 431 /);
    let many = "";
    for (let i = 0; i < 150; i++) many += `X-H${i}: v\r\n`;
    assert.match(await statusOf(server, upgradeRequest(port, "/", many)), / 431 /);
    assert.match(await statusOf(server, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"), / 426 /);
    await stillServes(server);
    await server.shutdown();
  });

  it("drops a client that trickles its handshake past the timeout", async () => {
    const server = await echo({ handshakeTimeout: 200 });
    const peer = await rawClient(server.address.port);
    peer.write("GET / HTTP/1.1\r\n");
    await peer.waitEnd(3000);
    peer.destroy();
    await server.shutdown();
  });

  it("upgrade hook: reject with a Response, or accept with a subprotocol and Set-Cookie", async () => {
    const server = await echo({
      upgrade: ({ url, protocols }) => {
        if (new URL(url).pathname === "/private") return new Response("go away", { status: 401 });
        return { protocol: protocols.includes("chat") ? "chat" : undefined, headers: { "set-cookie": "id=1" } };
      },
    });
    const port = server.address.port;
    const denied = await rawClient(port);
    denied.write(upgradeRequest(port, "/private"));
    assert.match(await denied.readHead(), /^HTTP\/1\.1 401 /);
    assert.equal(new TextDecoder().decode(await denied.read(7)), "go away");
    denied.destroy();
    const peer = await rawClient(port);
    peer.write(upgradeRequest(port, "/", "Sec-WebSocket-Protocol: other, chat\r\n"));
    const head = await peer.readHead();
    assert.match(head, /\r\nSec-WebSocket-Protocol: chat\r\n/i);
    assert.match(head, /\r\nSet-Cookie: id=1\r\n/i);
    peer.destroy();
    await server.shutdown();
  });

  it("upgrade hook: no protocol chosen answers the first offered; protocol '' answers none", async () => {
    for (const [decision, expected] of [[undefined, "other"], [{}, "other"], [{ protocol: "" }, undefined]] as const) {
      const server = await echo({ upgrade: () => decision });
      const peer = await rawClient(server.address.port);
      peer.write(upgradeRequest(server.address.port, "/", "Sec-WebSocket-Protocol: other, chat\r\n"));
      const head = await peer.readHead();
      assert.match(head, /^HTTP\/1\.1 101 /);
      const answered = head.match(/\r\nSec-WebSocket-Protocol: ([^\r]*)\r\n/i)?.[1];
      assert.equal(answered, expected, JSON.stringify(decision));
      peer.destroy();
      await server.shutdown();
    }
  });

  it("an accepted socket tells its upgrade request: URL, headers as sent, the peer's address", async () => {
    let accepted: WebSocket | undefined;
    let given: unknown;
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      websocket: (ws, request) => {
        accepted = ws;
        given = request;
      },
    });
    const port = server.address.port;
    const peer = await rawClient(port);
    try {
      peer.write(upgradeRequest(port, "/room?id=7", "X-Token: a: b\r\nX-Many: 1\r\nX-Many: 2\r\n"));
      await peer.readHead();
      const request = accepted!.request!;
      assert.equal(request.url, `ws://127.0.0.1:${port}/room?id=7`);
      assert.equal(request.headers.get("x-token"), "a: b");
      assert.equal(request.headers.get("x-many"), "1, 2");
      assert.equal(request.headers.get("sec-websocket-version"), "13");
      assert.equal(request.remoteAddress?.hostname, "127.0.0.1");
      assert.equal(accepted!.request, request, "the same object each time");
      assert.deepEqual([...request.headers], [...(given as { headers: Headers }).headers]);
    } finally {
      peer.destroy();
      await server.shutdown();
    }
  });

  it("serves plain HTTP through fetch on the same port", async () => {
    const server = await echo({ fetch: (request) => new Response(`page ${new URL(request.url).pathname}`) });
    const response = await fetch(`http://127.0.0.1:${server.address.port}/index.html`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "page /index.html");
    await stillServes(server);
    await server.shutdown();
  });

  it("keeps frames that arrive with the upgrade request", async () => {
    const server = await echo();
    const peer = await rawClient(server.address.port);
    peer.write(upgradeWithFrame(server.address.port, "early"));
    await peer.readHead();
    assert.equal(new TextDecoder().decode((await peer.readFrame()).payload), "early");
    peer.destroy();
    await server.shutdown();
  });
});

describe("the moment of opening, server side", () => {
  it("what the websocket callback sends goes out, and frames that came with the request reach its listeners", async () => {
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      websocket(ws) {
        ws.send("welcome");
        ws.addEventListener("message", (event) => ws.send(`got ${(event as MessageEvent).data}`));
      },
    });
    const peer = await rawClient(server.address.port);
    peer.write(upgradeWithFrame(server.address.port, "early"));
    await peer.readHead();
    assert.equal(new TextDecoder().decode((await peer.readFrame()).payload), "welcome");
    assert.equal(new TextDecoder().decode((await peer.readFrame()).payload), "got early");
    peer.destroy();
    await server.shutdown();
  });

  it("close() in the websocket callback is a clean close with its code, not a dropped connection", async () => {
    const server = await serve({ hostname: "127.0.0.1", port: 0, websocket: (ws) => ws.close(4000, "not now") });
    const client = new WebSocket(`ws://127.0.0.1:${server.address.port}`);
    const closed = await new Promise<CloseEvent>((resolve) => client.onclose = (event) => resolve(event as CloseEvent));
    assert.deepEqual([closed.code, closed.reason, closed.wasClean], [4000, "not now", true]);
    await server.shutdown();
  });

  it("a client gone while the upgrade hook runs is not listed, holds no slot, and shutdown still resolves", async () => {
    let release!: () => void;
    const hook = new Promise<void>((resolve) => release = resolve);
    let opened = 0;
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      maxConnections: 1,
      upgrade: () => hook,
      websocket: () => void opened++,
    });
    const peer = await rawClient(server.address.port);
    peer.write(upgradeRequest(server.address.port));
    await new Promise((resolve) => setTimeout(resolve, 50));
    peer.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(opened, 0, "no socket for a peer that left");
    assert.equal(server.clients.size, 0);
    // The one slot is free again: the next client opens.
    const next = await upgraded(server);
    next.destroy();
    const outcome = await Promise.race([
      server.shutdown({ timeout: 200 }).then(() => "resolved"),
      new Promise((resolve) => setTimeout(() => resolve("hung"), 3000)),
    ]);
    assert.equal(outcome, "resolved");
  });

  it("shutdown() while an upgrade hook runs: that socket is never opened", async () => {
    let release!: () => void;
    const hook = new Promise<void>((resolve) => release = resolve);
    let opened = 0;
    const server = await serve({ hostname: "127.0.0.1", port: 0, upgrade: () => hook, websocket: () => void opened++ });
    const peer = await rawClient(server.address.port);
    peer.write(upgradeRequest(server.address.port));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.shutdown({ timeout: 200 });
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(opened, 0);
    assert.equal(server.clients.size, 0);
    peer.destroy();
  });
});

describe("RFC 6455 §5 frames the server must reject", () => {
  const cases: Array<[string, Uint8Array, number]> = [
    ["unmasked client frame", frame({ opcode: 1, payload: "hi" }), 1002],
    ["reserved opcode", frame({ opcode: 0x5, mask: true }), 1002],
    ["fragmented ping", frame({ opcode: 9, fin: false, mask: true }), 1002],
    ["126-byte ping", frame({ opcode: 9, payload: new Uint8Array(126), mask: true }), 1002],
    ["invalid UTF-8", frame({ opcode: 1, payload: hex("c3 28"), mask: true }), 1007],
    ["close code 1005 on the wire", frame({ opcode: 8, payload: hex("03 ed"), mask: true }), 1002],
    ["1-byte close payload", frame({ opcode: 8, payload: hex("03"), mask: true }), 1002],
    ["too big", frame({ opcode: 2, payload: new Uint8Array(65), mask: true }), 1009],
  ];
  for (const [name, bytes, code] of cases) {
    it(`${name} → ${code}, and the server keeps serving`, async () => {
      const server = await echo({ maxPayload: 64 });
      const peer = await upgraded(server);
      peer.write(bytes);
      const reply = await peer.readFrame();
      assert.equal(reply.opcode, 8);
      assert.equal((reply.payload[0] << 8) | reply.payload[1], code);
      await peer.waitEnd();
      peer.destroy();
      await stillServes(server);
      await server.shutdown();
    });
  }
});

describe("RFC 6455 §7 closing, server side", () => {
  it("echoes a client close and closes TCP first", async () => {
    let serverSide: WebSocket | undefined;
    const closed = new Promise<CloseEvent>((resolve) => {
      void echo({
        websocket(ws) {
          serverSide = ws;
          ws.addEventListener("close", (event) => resolve(event as CloseEvent));
        },
      }).then(async (server) => {
        const peer = await upgraded(server);
        peer.write(frame({ opcode: 8, payload: closePayload(3001, "later"), mask: true }));
        const reply = await peer.readFrame();
        assert.deepEqual([...reply.payload], [...closePayload(3001, "later")], "code and reason echoed");
        await peer.waitEnd();
        peer.destroy();
        await server.shutdown();
      });
    });
    const event = await closed;
    assert.equal(event.code, 3001);
    assert.equal(event.reason, "later");
    assert.equal(event.wasClean, true);
    assert.equal(serverSide?.readyState, WebSocket.CLOSED);
  });

  it("shutdown() closes every client with 1001 and resolves when all are gone", async () => {
    const server = await echo();
    const peers = await Promise.all([upgraded(server), upgraded(server), upgraded(server)]);
    assert.equal(server.clients.size, 3);
    const done = server.shutdown();
    for (const peer of peers) {
      const reply = await peer.readFrame();
      assert.equal((reply.payload[0] << 8) | reply.payload[1], 1001);
      peer.write(frame({ opcode: 8, payload: reply.payload, mask: true }));
    }
    await done;
    assert.equal(server.clients.size, 0);
    for (const peer of peers) peer.destroy();
  });

  it("broadcast encodes once and reaches every open client", async () => {
    const server = await echo();
    const peers = await Promise.all([upgraded(server), upgraded(server)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(server.broadcast("news"), 2);
    for (const peer of peers) assert.equal(new TextDecoder().decode((await peer.readFrame()).payload), "news");
    for (const peer of peers) peer.destroy();
    await server.shutdown({ timeout: 500 });
  });

  it("broadcast of large frames: a client that stops reading and one that reads both get every byte", async () => {
    const server = await echo();
    const [slow, fast] = await Promise.all([upgraded(server), upgraded(server)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Megabytes more than the kernel holds wait in the slow client's
    // transport while the fast one's frames are written, given back and
    // lent again: a frame given back before its last transport wrote it
    // would reach the slow client overwritten with a later fill.
    slow.socket.pause();
    const SIZE = 200_000;
    const COUNT = 48;
    const broadcast = async (i: number) => {
      assert.equal(server.broadcast(new Uint8Array(SIZE).fill(i + 1)), 2);
      const received = await fast.readFrame();
      assert.ok(received.payload.length === SIZE && received.payload.every((byte) => byte === i + 1));
    };
    try {
      for (let i = 0; i < COUNT; i++) await broadcast(i);
      // Then more while the slow client drains what waited.
      slow.socket.resume();
      const draining = (async () => {
        for (let i = 0; i < 2 * COUNT; i++) {
          const received = await slow.readFrame();
          assert.equal(received.payload.length, SIZE);
          assert.ok(received.payload.every((byte) => byte === i + 1), `frame ${i} arrived intact`);
        }
      })();
      for (let i = COUNT; i < 2 * COUNT; i++) await broadcast(i);
      await draining;
    } finally {
      slow.destroy();
      fast.destroy();
      await server.shutdown({ timeout: 500 });
    }
  });
});
