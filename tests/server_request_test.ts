// serve() and the upgrade request's headers: built only when asked, yet
// exactly what was sent, obs-text bytes included.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, type UpgradeInfo, type WebSocket } from "../src/mod.ts";
import { rawClient, upgradeRequest } from "./_helpers/raw_peer.ts";
import { encodeLatin1 } from "../src/protocol/http1_write.ts";

const HIGH = Array.from({ length: 128 }, (_, i) => String.fromCharCode(0x80 + i)).join("");

describe("the upgrade request's headers on the server", () => {
  it("carry latin1 bytes 0x80-0xFF exactly into the upgrade hook, the websocket callback and ws.request", async () => {
    let hooked: (UpgradeInfo & { protocols: string[] }) | undefined;
    let given: UpgradeInfo | undefined;
    let accepted: WebSocket | undefined;
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      upgrade: (request) => {
        hooked = request;
        return { protocol: "chat" };
      },
      websocket: (ws, request) => {
        accepted = ws;
        given = request;
      },
    });
    const port = server.address.port;
    const peer = await rawClient(port);
    try {
      const extra = `X-High: ${HIGH}\r\nX-Two: a\r\nx-two: \xe9\r\nSec-WebSocket-Protocol: chat, v2\r\n`;
      peer.write(encodeLatin1(upgradeRequest(port, "/p?q=1", extra)));
      const head = await peer.readHead();
      assert.match(head, /^HTTP\/1\.1 101 /);
      assert.match(head, /\r\nSec-WebSocket-Protocol: chat\r\n/);
      for (const headers of [hooked!.headers, given!.headers, accepted!.request!.headers]) {
        assert.equal(headers.get("x-high"), HIGH);
        assert.equal(headers.get("x-two"), "a, \xe9");
        assert.equal(headers.get("host"), `127.0.0.1:${port}`);
      }
      assert.deepEqual(hooked!.protocols, ["chat", "v2"]);
      assert.equal(hooked!.url, `ws://127.0.0.1:${port}/p?q=1`);
      assert.equal(given!.url, hooked!.url);
      assert.equal(given!.remoteAddress?.hostname, "127.0.0.1");
      assert.deepEqual(Object.keys(given!), ["url", "headers", "remoteAddress"]);
      assert.deepEqual(Object.keys(hooked!), ["url", "headers", "remoteAddress", "protocols"]);
      assert.deepEqual({ ...given! }.headers, given!.headers, "a spread keeps the headers");
    } finally {
      peer.destroy();
      await server.shutdown();
    }
  });

  it("normalizes the URL only where the URL parser would", async () => {
    const urls: string[] = [];
    const server = await serve({ hostname: "127.0.0.1", port: 0, websocket: (_ws, request) => urls.push(request.url) });
    const port = server.address.port;
    try {
      for (const path of ["/a/../b?x=1", "/plain"]) {
        const peer = await rawClient(port);
        peer.write(upgradeRequest(port, path));
        await peer.readHead();
        peer.destroy();
      }
      assert.deepEqual(urls, [`ws://127.0.0.1:${port}/b?x=1`, `ws://127.0.0.1:${port}/plain`]);
    } finally {
      await server.shutdown();
    }
  });
});
