// serve() against crafted peers on live sockets (raw node:net clients, not a
// WebSocket library): an upgrade that declares a body, and peers that reset
// (RST) or half-close (FIN) at each stage of a connection. RFC 6455 §7.1.5:
// a connection that ends without a Close frame closes with 1006; the server
// then serves the next client as before.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { serve, type WebSocket } from "../../src/mod.ts";
import { rawClient, type RawSocket, upgradeRequest } from "../_helpers/raw_peer.ts";
import { frame } from "../_helpers/frames.ts";
import { once, until } from "../_helpers/events.ts";

/** A server that echoes, and hands each accepted socket to `accepted`. */
async function echoServer() {
  const sockets: WebSocket[] = [];
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    closeTimeout: 1000,
    websocket: (ws) => {
      sockets.push(ws as unknown as WebSocket);
      ws.addEventListener("message", (event) => ws.send(event.data));
    },
  });
  return { server, sockets, port: server.address.port };
}

async function upgraded(port: number): Promise<RawSocket> {
  const peer = await rawClient(port);
  peer.write(upgradeRequest(port));
  assert.match(await peer.readHead(), /^HTTP\/1\.1 101 /);
  return peer;
}

/** The next client is still served: its message comes back. */
async function stillServes(port: number): Promise<void> {
  const peer = await upgraded(port);
  peer.write(frame({ opcode: 1, payload: "still here", mask: true }));
  assert.equal(new TextDecoder().decode((await peer.readFrame()).payload), "still here");
  peer.destroy();
}

const reset = (peer: RawSocket) => (peer.socket as Socket & { resetAndDestroy(): void }).resetAndDestroy();

describe("serve(): an upgrade request that declares a body (RFC 9110 §9.3.1)", () => {
  for (
    const [field, body] of [
      ["Content-Length: 5", "hello"],
      ["Transfer-Encoding: chunked", "5\r\nhello\r\n0\r\n\r\n"],
    ]
  ) {
    it(`${field}: 400 and the connection closed, no socket made of the body's bytes`, async () => {
      const { server, sockets, port } = await echoServer();
      try {
        const peer = await rawClient(port);
        peer.write(upgradeRequest(port, "/", `${field}\r\n`) + body);
        const head = await peer.readHead();
        assert.match(head, /^HTTP\/1\.1 400 Bad Request\r\n/);
        assert.match(head, /\r\nConnection: close\r\n/);
        const text = new TextDecoder().decode(await peer.read(Number(/content-length: (\d+)/i.exec(head)![1])));
        assert.equal(text, "the upgrade request must not have a body\n");
        await peer.waitEnd();
        assert.equal(sockets.length, 0);
      } finally {
        await server.shutdown();
      }
    });
  }

  it("Content-Length: 0 is no body: the upgrade goes ahead", async () => {
    const { server, port } = await echoServer();
    try {
      const peer = await rawClient(port);
      peer.write(upgradeRequest(port, "/", "Content-Length: 0\r\n"));
      assert.match(await peer.readHead(), /^HTTP\/1\.1 101 /);
      peer.destroy();
    } finally {
      await server.shutdown();
    }
  });
});

describe("serve(): a peer that resets the connection (RST)", () => {
  it("mid-handshake: nothing is opened, and the next client is served", async () => {
    const { server, sockets, port } = await echoServer();
    try {
      const peer = await rawClient(port);
      peer.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n`);
      reset(peer);
      await stillServes(port);
      assert.equal(sockets.length, 1, "only the second client got a socket");
    } finally {
      await server.shutdown();
    }
  });

  const stages: Array<[string, (peer: RawSocket, ws: WebSocket) => Promise<void> | void]> = [
    ["mid-frame", (peer) => peer.write(frame({ opcode: 1, payload: "x".repeat(1000), mask: true }).subarray(0, 300))],
    ["mid-close handshake (the server's Close unanswered)", async (peer, ws) => {
      ws.close(1000, "bye");
      assert.equal((await peer.readFrame()).opcode, 8);
    }],
    ["while the server writes a 16 MiB message", (_peer, ws) => ws.send(new Uint8Array(16 << 20))],
  ];
  for (const [stage, act] of stages) {
    it(`${stage}: the server's socket closes with 1006, not clean; it is forgotten; the next client is served`, async () => {
      const { server, sockets, port } = await echoServer();
      try {
        const peer = await upgraded(port);
        await until(() => sockets.length === 1);
        const closed = once<CloseEvent>(sockets[0], "close");
        await act(peer, sockets[0]);
        reset(peer);
        const close = await closed;
        assert.deepEqual([close.code, close.wasClean], [1006, false]);
        await until(() => server.clients.size === 0);
        await stillServes(port);
      } finally {
        await server.shutdown();
      }
    });
  }
});

describe("serve(): a peer that half-closes (FIN) without a Close frame", () => {
  for (
    const [stage, bytes] of [["right after the handshake", new Uint8Array(0)], [
      "mid-message",
      frame({ opcode: 1, payload: "x".repeat(1000), mask: true }).subarray(0, 300),
    ]] as const
  ) {
    it(`${stage}: 1006, not clean, and the server ends its side too`, async () => {
      const { server, sockets, port } = await echoServer();
      try {
        const peer = await upgraded(port);
        await until(() => sockets.length === 1);
        const closed = once<CloseEvent>(sockets[0], "close");
        if (bytes.length > 0) peer.write(bytes);
        peer.end();
        const close = await closed;
        assert.deepEqual([close.code, close.wasClean], [1006, false]);
        await peer.waitEnd();
        await until(() => server.clients.size === 0);
      } finally {
        await server.shutdown();
      }
    });
  }
});
