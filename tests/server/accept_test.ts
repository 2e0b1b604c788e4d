// The accept phase of the server (src/server/accept.ts and its callers):
// what the handshake timeout covers, how much it buffers while the
// application decides, the hook's answers, URLs over TLS, the node:http
// replay of a head, shutdown called twice and an aborted signal.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { serve, type ServeOptions, type Server, type UpgradeInfo, WebSocket } from "../../src/mod.ts";
import { upgradeHandler } from "../../src/node.ts";
import { rawClient, type RawSocket, upgradeRequest } from "../_helpers/raw_peer.ts";
import { selfSignedCert } from "../_helpers/tls.ts";
import { once } from "../_helpers/events.ts";

const never = new Promise<never>(() => {});

/** Run `body` against a server on a free port; the server and every raw peer opened through `peer` end, pass or fail. */
async function withServer(
  options: ServeOptions,
  body: (server: Server, peer: () => Promise<RawSocket>) => Promise<void>,
): Promise<void> {
  const server = await serve({ hostname: "127.0.0.1", port: 0, ...options });
  const peers: RawSocket[] = [];
  const peer = async () => {
    const opened = await rawClient(server.address.port);
    peers.push(opened);
    return opened;
  };
  try {
    await body(server, peer);
  } finally {
    for (const opened of peers) opened.destroy();
    await server.shutdown({ timeout: 0 });
  }
}

describe("the accept phase", () => {
  it("the handshake timeout also covers an upgrade hook that never decides", async () => {
    await withServer({ handshakeTimeout: 300, upgrade: () => never }, async (server, open) => {
      const peer = await open();
      peer.write(upgradeRequest(server.address.port));
      const started = Date.now();
      await peer.waitEnd(3000);
      assert.ok(Date.now() - started < 2500, `dropped after ${Date.now() - started} ms`);
      assert.equal(peer.buffered.length, 0, "no answer is written to a dropped connection");
    });
  });

  it("stops reading while the hook decides once 2 MiB wait, and delivers them all once open", async () => {
    let decide!: () => void;
    const received: number[] = [];
    await withServer({
      handshakeTimeout: 20_000,
      maxPayload: 8 * 1024 * 1024,
      upgrade: () => new Promise<void>((resolve) => decide = resolve),
      websocket: (ws) => ws.addEventListener("message", (event) => received.push((event.data as Blob).size)),
    }, async (server, open) => {
      const peer = await open();
      peer.write(upgradeRequest(server.address.port));
      // 20 MiB of masked 256 KiB frames, more than the kernel's buffers on both
      // sides hold: the server must not take them all in while the hook runs.
      const payload = 256 * 1024;
      const count = 80;
      const frameBytes = new Uint8Array(10 + 4 + payload);
      frameBytes.set([0x82, 0xff, 0, 0, 0, 0, 0, payload >>> 16 & 0xff, payload >>> 8 & 0xff, 0, 1, 2, 3, 4]);
      let writable = true;
      let sent = 0;
      while (writable && sent < count) {
        writable = peer.socket.write(frameBytes);
        sent++;
      }
      // Let the kernel buffers fill; then what the client could not hand over is still in its socket.
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (; sent < count; sent++) peer.socket.write(frameBytes);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.ok(peer.socket.writableLength > 0, "the server stopped reading, so the client still holds bytes");
      decide();
      await peer.readHead();
      for (let i = 0; i < 400 && received.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      assert.deepEqual(received, new Array(count).fill(payload));
    });
  });

  it("a hook that refuses while the transport is paused reads on, so the connection closes", async () => {
    let refuse!: () => void;
    await withServer({
      upgrade: () => new Promise<Response>((resolve) => refuse = () => resolve(new Response("no", { status: 403 }))),
    }, async (server, open) => {
      const peer = await open();
      peer.write(upgradeRequest(server.address.port));
      const chunk = new Uint8Array(256 * 1024);
      // Past the 2 MiB the server keeps, whatever the kernel buffers hold.
      for (let i = 0; i < 80; i++) peer.socket.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, 300));
      refuse();
      assert.match(await peer.readHead(), /^HTTP\/1\.1 403 Forbidden\r\n/);
      // The server drops what it reads now; the client's backlog drains and its FIN reaches a reading server.
      for (let i = 0; i < 200 && peer.socket.writableLength > 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(peer.socket.writableLength, 0, "the server read on after refusing");
      peer.socket.end();
      await peer.waitEnd(3000);
    });
  });

  it("a hook's Response body reaches the client byte for byte; a 204 has no Content-Length", async () => {
    await withServer({
      upgrade: ({ url }) =>
        url.endsWith("/bytes")
          ? new Response(new Uint8Array([0xff, 0x00, 0xc3, 0x28]), { status: 401 })
          : new Response(null, { status: 204 }),
    }, async (server, open) => {
      const bytes = await open();
      bytes.write(upgradeRequest(server.address.port, "/bytes"));
      const head = await bytes.readHead();
      assert.match(head, /^HTTP\/1\.1 401 Unauthorized\r\n/);
      assert.match(head, /Content-Length: 4\r\n/i);
      assert.deepEqual([...await bytes.read(4)], [0xff, 0x00, 0xc3, 0x28]);
      const empty = await open();
      empty.write(upgradeRequest(server.address.port, "/empty"));
      const emptyHead = await empty.readHead();
      assert.match(emptyHead, /^HTTP\/1\.1 204 No Content\r\n/);
      assert.doesNotMatch(emptyHead, /content-length/i);
    });
  });

  it("over TLS the socket's URL and the hook's are wss://", async () => {
    const { cert, key, ca } = selfSignedCert();
    const urls: string[] = [];
    await withServer({
      tls: { cert, key },
      upgrade: ({ url }) => void urls.push(url),
      websocket: (ws, request) => urls.push(ws.url, request.url),
    }, async (server) => {
      const ws = new WebSocket(`wss://localhost:${server.address.port}/room?x=1`, { tls: { ca } });
      try {
        await once(ws, "open");
        assert.deepEqual(urls, new Array(3).fill(`wss://localhost:${server.address.port}/room?x=1`));
      } finally {
        ws.terminate();
      }
    });
  });

  it("upgradeHandler hands the hook header bytes as sent (latin1), as serve() does", async () => {
    let seen: UpgradeInfo | undefined;
    const sockets = upgradeHandler({ upgrade: (request) => void (seen = request) });
    const http = createServer().on("upgrade", sockets.handleUpgrade);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const port = (http.address() as { port: number }).port;
    const peer = await rawClient(port);
    try {
      const head = upgradeRequest(port, "/", "X-Name: caf\u00e9\r\n");
      // One byte per character: "é" goes out as the single byte 0xe9.
      peer.write(Uint8Array.from(head, (c) => c.charCodeAt(0)));
      assert.match(await peer.readHead(), /^HTTP\/1\.1 101 /);
      assert.equal(seen?.headers.get("x-name"), "caf\u00e9");
    } finally {
      peer.destroy();
      await sockets.shutdown({ timeout: 0 });
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});

describe("shutting down", () => {
  it("a second shutdown() terminates whoever the first is still waiting for", async () => {
    await withServer({}, async (server, open) => {
      // A raw peer never answers the close frame, so the first call would wait out its timeout.
      const peer = await open();
      peer.write(upgradeRequest(server.address.port));
      await peer.readHead();
      const started = Date.now();
      const first = server.shutdown({ timeout: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await Promise.all([server.shutdown({ timeout: 0 }), first]);
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
      await peer.waitEnd();
    });
  });

  it("a signal aborted before serve() shuts the server down at once", async () => {
    const server = await serve({ hostname: "127.0.0.1", port: 0, signal: AbortSignal.abort() });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const peer = await rawClient(server.address.port).catch((error: Error) => error);
    const refused = peer instanceof Error;
    if (!refused) peer.destroy();
    await server.shutdown();
    assert.ok(refused, "nothing listens any more");
  });
});
