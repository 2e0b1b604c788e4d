// Server limits and the node:http attachment: maxConnections, a slow reader
// against the high-water mark, the idle timeout with its ping, upgradeHandler().
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { serve, WebSocket, type WebSocketError, type WebSocketErrorEvent } from "../../src/mod.ts";
import { upgradeHandler } from "../../src/node.ts";
import { exchange, rawClient, upgradeRequest } from "../_helpers/raw_peer.ts";
import { frame } from "../_helpers/frames.ts";
import { once, until } from "../_helpers/events.ts";

describe("server limits", () => {
  it("maxConnections: past the limit, 503 with Retry-After and Connection: close; counted; onError once per burst", async () => {
    const reported: WebSocketError[] = [];
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      maxConnections: 2,
      onError: (error) => reported.push(error),
      websocket: (ws) => ws.addEventListener("message", (e) => ws.send(e.data)),
    });
    const port = server.address.port;
    const url = `ws://127.0.0.1:${port}/`;
    const first = new WebSocket(url);
    const second = new WebSocket(url);
    await Promise.all([once(first, "open"), once(second, "open")]);
    for (let i = 0; i < 3; i++) {
      const refused = await exchange(port, upgradeRequest(port));
      assert.match(refused.head, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
      assert.match(refused.head, /\r\nRetry-After: 1\r\n/);
      assert.match(refused.head, /\r\nConnection: close\r\n/);
      assert.equal(refused.body, "Service Unavailable\n");
    }
    // Our own client sees the refusal as a failed handshake with its status.
    const third = new WebSocket(url);
    const failed = await once<WebSocketErrorEvent>(third, "error");
    assert.equal(failed.error.code, "WS_ERR_HANDSHAKE_STATUS");
    assert.equal(failed.error.details?.status, 503);
    assert.equal((await once<CloseEvent>(third, "close")).code, 1006);
    assert.equal(server.stats.refusedConnections, 4);
    assert.equal(reported.length, 1, "one report for the burst, not one per connection");
    assert.equal(reported[0].code, "WS_ERR_SERVER_FULL");
    assert.match(
      reported[0].message,
      /^Cannot accept the connection from 127\.0\.0\.1:\d+: maxConnections \(2\) reached; answering 503 until a connection closes$/,
    );
    first.send("still here");
    assert.equal((await once<MessageEvent>(first, "message")).data, "still here");
    // Room again: the next connection is accepted, and a refusal after it is a new burst.
    first.close();
    await once(first, "close");
    await until(() => server.clients.size === 1);
    const fourth = new WebSocket(url);
    await once(fourth, "open");
    assert.match((await exchange(port, upgradeRequest(port))).head, /^HTTP\/1\.1 503 /);
    assert.equal(reported.length, 2);
    assert.equal(server.stats.refusedConnections, 5);
    second.close();
    fourth.close();
    await Promise.all([once(second, "close"), once(fourth, "close")]);
    await server.shutdown();
  });

  it("without maxConnections nothing is refused (50 at once here; the old default of 10,000 is gone from serve.ts)", async () => {
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      onError: (error) => assert.fail(error),
      websocket: (ws) => ws.addEventListener("message", (e) => ws.send(e.data)),
    });
    const sockets = Array.from({ length: 50 }, () => new WebSocket(`ws://127.0.0.1:${server.address.port}/`));
    await Promise.all(sockets.map((ws) => once(ws, "open")));
    assert.equal(server.clients.size, 50);
    assert.equal(server.stats.refusedConnections, 0);
    await server.shutdown();
    await Promise.all(sockets.map((ws) => ws.readyState === WebSocket.CLOSED ? undefined : once(ws, "close")));
  });

  it("a peer that stops reading: onBufferFull 'close' gives up on it (1008 sent, then dropped) instead of buffering without bound", async () => {
    const closed = new Promise<CloseEvent>((resolve) => {
      void serve({
        hostname: "127.0.0.1",
        port: 0,
        highWaterMark: 1 << 20,
        onBufferFull: "close",
        closeTimeout: 300,
        websocket(ws) {
          ws.addEventListener("close", (event) => resolve(event));
          const chunk = new Uint8Array(256 * 1024);
          const pump = () => {
            for (let i = 0; i < 16 && ws.readyState === WebSocket.OPEN; i++) ws.send(chunk);
            if (ws.readyState === WebSocket.OPEN) setTimeout(pump, 5);
          };
          pump();
        },
      }).then(async (server) => {
        const peer = await rawClient(server.address.port);
        peer.socket.pause(); // never read
        peer.write(upgradeRequest(server.address.port));
        await new Promise((resolve) => setTimeout(resolve, 2000));
        peer.destroy();
        await server.shutdown({ timeout: 200 });
      });
    });
    const event = await closed;
    assert.equal(event.wasClean, false);
  });

  it("idle timeout: a silent peer is pinged, then dropped", async () => {
    const server = await serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 150 });
    const peer = await rawClient(server.address.port);
    peer.write(upgradeRequest(server.address.port));
    await peer.readHead();
    const ping = await peer.readFrame(2000);
    assert.equal(ping.opcode, 0x9, "the server pings a silent peer");
    await peer.waitEnd(3000);
    peer.destroy();
    await until(() => server.clients.size === 0);
    assert.equal(server.clients.size, 0);
    await server.shutdown();
  });

  it("idle timeout: a peer that answers pings stays connected", async () => {
    const server = await serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 100 });
    const peer = await rawClient(server.address.port);
    peer.write(upgradeRequest(server.address.port));
    await peer.readHead();
    for (let i = 0; i < 3; i++) {
      const ping = await peer.readFrame(2000);
      assert.equal(ping.opcode, 0x9);
      peer.write(frame({ opcode: 0xa, payload: ping.payload, mask: true }));
    }
    assert.equal(server.clients.size, 1);
    peer.destroy();
    await server.shutdown();
  });
});

describe("node:http attachment (upgradeHandler)", () => {
  it("serves pages through node:http and sockets through the upgrade event, then shuts down", async () => {
    const sockets = upgradeHandler({
      upgrade: ({ headers }) => headers.get("authorization") === "Bearer ok",
      websocket: (ws) => ws.addEventListener("message", (event) => ws.send(`echo: ${event.data}`)),
    });
    const http = createServer((_request, response) => response.end("a page"));
    http.on("upgrade", sockets.handleUpgrade);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const port = (http.address() as { port: number }).port;
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), "a page");
    const refused = new WebSocket(`ws://127.0.0.1:${port}/`);
    const error = await once<Event & { error: { code: string; details: { status: number } } }>(refused, "error");
    assert.equal(error.error.details.status, 403);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { Authorization: "Bearer ok" } });
    await once(ws, "open");
    ws.send("hi");
    assert.equal((await once<MessageEvent>(ws, "message")).data, "echo: hi");
    assert.equal(sockets.clients.size, 1);
    const closed = once<CloseEvent>(ws, "close");
    await sockets.shutdown();
    assert.equal((await closed).code, 1001);
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });

  it("carries ws.data and reports a failing websocket callback (1011, onError, stats) as serve() does", async () => {
    const reported: WebSocketError[] = [];
    const failure = new Error("the application failed (expected by the test)");
    const sockets = upgradeHandler({
      upgrade: ({ headers }) => ({ data: { fail: headers.get("x-fail") === "1" } }),
      onError: (error) => reported.push(error),
      websocket(ws) {
        if (ws.data.fail) throw failure;
        ws.addEventListener("message", () => ws.send(`fail=${ws.data.fail}`));
      },
    });
    const http = createServer();
    http.on("upgrade", sockets.handleUpgrade);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const port = (http.address() as { port: number }).port;
    const failing = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { "X-Fail": "1" } });
    assert.equal((await once<CloseEvent>(failing, "close")).code, 1011);
    assert.equal(reported.length, 1);
    assert.equal(reported[0].code, "WS_ERR_HANDLER");
    assert.equal(reported[0].cause, failure);
    assert.equal(sockets.stats.handlerErrors, 1);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    await once(ws, "open");
    ws.send("hi");
    assert.equal((await once<MessageEvent>(ws, "message")).data, "fail=false");
    const closed = once(ws, "close");
    await sockets.shutdown();
    await closed;
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
});
