// MessageEvent.origin is the serialization of the socket URL's origin (WHATWG
// WebSockets, "a WebSocket message has been received"; HTML's origin
// serialization): scheme, host and a non-default port, never the path,
// query or credentials, on every socket however their messages interleave.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, WebSocket } from "../../src/mod.ts";
import { once } from "../_helpers/events.ts";
import { messageOrigin } from "../../src/websocket/message_origin.ts";

describe("MessageEvent.origin", () => {
  it("is each socket's own origin when sockets of different origins take turns", async () => {
    const seenByServers: string[] = [];
    const echo = () =>
      serve({
        hostname: "127.0.0.1",
        port: 0,
        websocket(ws) {
          ws.addEventListener("message", (event) => {
            seenByServers.push(`${(event as MessageEvent).data} ${(event as MessageEvent).origin}`);
            ws.send((event as MessageEvent).data);
          });
        },
      });
    const [one, two] = await Promise.all([echo(), echo()]);
    const a = `127.0.0.1:${one.address.port}`;
    const b = `127.0.0.1:${two.address.port}`;
    const urls = [`ws://${a}/first?q=1`, `ws://${b}/second`, `ws://${a}/third/deeper`, `ws://${b}`];
    const sockets = urls.map((url) => new WebSocket(url));
    try {
      await Promise.all(sockets.map((ws) => once(ws, "open")));
      const expected = [a, b, a, b].map((host) => `ws://${host}`);
      for (let round = 0; round < 2; round++) {
        for (const [i, ws] of sockets.entries()) {
          ws.send(`m${i}`);
          const event = await once<MessageEvent>(ws, "message");
          assert.deepEqual([event.data, event.origin], [`m${i}`, expected[i]]);
        }
      }
      // The accepted sockets' URLs come from the Host header: the same origins.
      const oneRound = expected.map((origin, i) => `m${i} ${origin}`);
      assert.deepEqual(seenByServers, [...oneRound, ...oneRound]);
    } finally {
      for (const ws of sockets) ws.close();
      await Promise.all([one.shutdown(), two.shutdown()]);
    }
  });
});

describe("messageOrigin", () => {
  it("serializes scheme, host and a non-default port, never path, query or credentials", () => {
    assert.equal(messageOrigin("ws://user:pw@127.0.0.1:8080/chat?x=1"), "ws://127.0.0.1:8080");
    assert.equal(messageOrigin("wss://example.com:443/"), "wss://example.com");
    assert.equal(messageOrigin("ws://[::1]:9000/a"), "ws://[::1]:9000");
  });

  it("tells apart a host that only begins like the origin found before", () => {
    assert.equal(messageOrigin("ws://127.0.0.1:80/"), "ws://127.0.0.1");
    // Starts with "ws://127.0.0.1" but the authority goes on: its own origin.
    assert.equal(messageOrigin("ws://127.0.0.10/"), "ws://127.0.0.10");
    assert.equal(messageOrigin("ws://127.0.0.1:8080/"), "ws://127.0.0.1:8080");
    assert.equal(messageOrigin("ws://127.0.0.1/"), "ws://127.0.0.1");
    assert.equal(messageOrigin("ws://127.0.0.1/x"), "ws://127.0.0.1");
  });
});
