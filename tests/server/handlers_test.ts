// serve({ websocket: { open, message, close, ping, pong, error } }): the
// handler object Bun.serve and uWebSockets users know. Each handler is called
// with the socket; text arrives as a string, binary as a Uint8Array of the
// application's own; `open` comes first, `close` once and last, with the
// code, reason and wasClean of RFC 6455 §7.1.5–7.1.6 and WHATWG.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, type ServeOptions, type Server, type ServerWebSocket, WebSocketError } from "../../src/mod.ts";
import { rawClient, type RawSocket, upgradeRequest } from "../_helpers/raw_peer.ts";
import { closePayload, concat, frame, toHex } from "../_helpers/frames.ts";

type Call = [string, ...unknown[]];

async function withServer<T>(
  options: ServeOptions<T>,
  run: (server: Server<T>) => Promise<void>,
): Promise<void> {
  const server = await serve<T>({ hostname: "127.0.0.1", port: 0, ...options });
  try {
    await run(server);
  } finally {
    await server.shutdown({ timeout: 0 });
  }
}

/** A recorder of handler calls; `closed` settles at the `close` call. */
function recorder(): { calls: Call[]; closed: Promise<void>; close: () => void } {
  let close!: () => void;
  const closed = new Promise<void>((resolve) => close = resolve);
  return { calls: [], closed, close };
}

async function upgraded(port: number, path = "/", sameWrite?: Uint8Array): Promise<RawSocket> {
  const peer = await rawClient(port);
  const request = new TextEncoder().encode(upgradeRequest(port, path));
  peer.write(sameWrite === undefined ? request : concat([request, sameWrite]));
  assert.match(await peer.readHead(), /^HTTP\/1\.1 101 /);
  return peer;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("serve() with a handler object", () => {
  it("calls open, then each message (text as string, binary as Uint8Array), then close once", async () => {
    const log = recorder();
    let listenerCalls = 0;
    await withServer({
      websocket: {
        open(ws, request) {
          // The socket fires no events of its own: a listener added here never runs.
          ws.addEventListener("message", () => listenerCalls++);
          log.calls.push(["open", ws.readyState, new URL(request.url).pathname]);
        },
        message(ws, data) {
          log.calls.push(["message", ws.readyState, data]);
        },
        close(ws, code, reason, wasClean) {
          log.calls.push(["close", ws.readyState, code, reason, wasClean]);
          log.close();
        },
      },
    }, async (server) => {
      // The frames come in the same write as the request: they still wait for `open`.
      const frames = concat([
        frame({ opcode: 1, payload: "héllo", mask: true }),
        frame({ opcode: 2, payload: new Uint8Array([1, 2, 3]), mask: true }),
        frame({ opcode: 1, fin: false, payload: "frag", mask: true }),
        frame({ opcode: 0, payload: "ment", mask: true }),
        frame({ opcode: 8, payload: closePayload(1000, "bye"), mask: true }),
      ]);
      const peer = await upgraded(server.address.port, "/room", frames);
      const reply = await peer.readFrame();
      assert.equal(reply.opcode, 8);
      assert.equal(toHex(reply.payload), toHex(closePayload(1000, "bye")), "the close is echoed (§5.5.1)");
      await log.closed;
      peer.destroy();
    });
    assert.deepEqual(log.calls, [
      ["open", 1, "/room"],
      ["message", 1, "héllo"],
      ["message", 1, new Uint8Array([1, 2, 3])],
      ["message", 1, "fragment"],
      ["close", 3, 1000, "bye", true],
    ]);
    assert.equal(listenerCalls, 0);
  });

  it("hands each binary message in memory of its own, kept intact by later reads", async () => {
    const received: Uint8Array[] = [];
    const log = recorder();
    await withServer({
      websocket: {
        message: (_ws, data) => void received.push(data as Uint8Array),
        close: () => log.close(),
      },
    }, async (server) => {
      const peer = await upgraded(server.address.port);
      for (let i = 0; i < 20; i++) peer.write(frame({ opcode: 2, payload: new Uint8Array(300).fill(i), mask: true }));
      peer.write(frame({ opcode: 8, payload: closePayload(1000), mask: true }));
      await log.closed;
      peer.destroy();
    });
    assert.equal(received.length, 20);
    received.forEach((data, i) => {
      assert.ok(data instanceof Uint8Array);
      assert.deepEqual(data, new Uint8Array(300).fill(i));
    });
    assert.equal(new Set(received.map((data) => data.buffer)).size, 20, "no two messages share memory");
  });

  it("sends from a handler: text goes out as text, binary as binary, unmasked (§5.1)", async () => {
    await withServer({ websocket: { message: (ws, data) => ws.send(data) } }, async (server) => {
      const peer = await upgraded(server.address.port);
      peer.write(frame({ opcode: 1, payload: "echo", mask: true }));
      peer.write(frame({ opcode: 2, payload: new Uint8Array([0xff, 0]), mask: true }));
      const first = await peer.readFrame();
      assert.deepEqual([first.opcode, first.masked, text(first.payload)], [1, false, "echo"]);
      const second = await peer.readFrame();
      assert.deepEqual([second.opcode, second.masked, toHex(second.payload)], [2, false, "ff 00"]);
      peer.destroy();
    });
  });

  it("ws.close(code, reason) from a handler: CLOSING at once, the close frame, then close(code, reason, true)", async () => {
    const log = recorder();
    await withServer({
      websocket: {
        message(ws) {
          ws.close(4000, "done");
          log.calls.push(["after close()", ws.readyState]);
          ws.send("dropped");
        },
        close(ws, code, reason, wasClean) {
          log.calls.push(["close", ws.readyState, code, reason, wasClean]);
          log.close();
        },
      },
    }, async (server) => {
      const peer = await upgraded(server.address.port);
      peer.write(frame({ opcode: 1, payload: "close please", mask: true }));
      const close = await peer.readFrame();
      assert.deepEqual([close.opcode, toHex(close.payload)], [8, toHex(closePayload(4000, "done"))]);
      peer.write(frame({ opcode: 8, payload: closePayload(4000, "done"), mask: true }));
      await log.closed;
      await peer.waitEnd();
      peer.destroy();
    });
    assert.deepEqual(log.calls, [["after close()", 2], ["close", 3, 4000, "done", true]]);
  });

  it("a peer that vanishes: close(1006, '', false), without error", async () => {
    const log = recorder();
    await withServer({
      websocket: {
        error: (_ws, error) => void log.calls.push(["error", error.code]),
        close: (_ws, code, reason, wasClean) => {
          log.calls.push(["close", code, reason, wasClean]);
          log.close();
        },
      },
    }, async (server) => {
      const peer = await upgraded(server.address.port);
      peer.destroy();
      await log.closed;
    });
    assert.deepEqual(log.calls, [["close", 1006, "", false]]);
  });

  it("a protocol violation: 1002 on the wire, error (readyState CLOSED), then close(1006, false) as WHATWG says", async () => {
    const log = recorder();
    await withServer({
      websocket: {
        error: (ws, error) => void log.calls.push(["error", ws.readyState, error instanceof WebSocketError]),
        close: (_ws, code, _reason, wasClean) => {
          log.calls.push(["close", code, wasClean]);
          log.close();
        },
      },
    }, async (server) => {
      const peer = await upgraded(server.address.port);
      // A client's frames must be masked (§5.1): the server fails the connection with 1002.
      peer.write(frame({ opcode: 1, payload: "unmasked" }));
      const close = await peer.readFrame();
      assert.equal(close.opcode, 8);
      assert.equal(toHex(close.payload.subarray(0, 2)), toHex(closePayload(1002)));
      await log.closed;
      peer.destroy();
    });
    // The connection was failed, not closed by a close frame from the peer: 1006 (RFC 6455 §7.1.5).
    assert.deepEqual(log.calls, [["error", 3, true], ["close", 1006, false]]);
  });

  it("ping and pong: the peer's ping is answered and reported; our ping's pong carries its round-trip time", async () => {
    const log = recorder();
    await withServer({
      websocket: {
        open: (ws) => ws.ping("are you there"),
        ping: (_ws, payload) => void log.calls.push(["ping", text(payload)]),
        pong(_ws, payload, rtt) {
          log.calls.push(["pong", text(payload), typeof rtt === "number" && rtt >= 0]);
          log.close();
        },
      },
    }, async (server) => {
      const peer = await upgraded(server.address.port);
      const ping = await peer.readFrame();
      assert.deepEqual([ping.opcode, text(ping.payload)], [9, "are you there"]);
      peer.write(frame({ opcode: 9, payload: "hi", mask: true }));
      const pong = await peer.readFrame();
      assert.deepEqual([pong.opcode, text(pong.payload)], [10, "hi"]);
      peer.write(frame({ opcode: 10, payload: ping.payload, mask: true }));
      await log.closed;
      peer.destroy();
    });
    assert.deepEqual(log.calls, [["ping", "hi"], ["pong", "are you there", true]]);
  });

  it("ws.data from the upgrade hook, in every handler", async () => {
    const log = recorder();
    await withServer<{ user: string }>({
      upgrade: ({ url }) => ({ data: { user: new URL(url).searchParams.get("user")! } }),
      websocket: {
        open: (ws) => void log.calls.push(["open", ws.data.user]),
        message: (ws, data) => ws.send(`${ws.data.user}: ${data}`),
        close: (ws: ServerWebSocket<{ user: string }>) => {
          log.calls.push(["close", ws.data.user]);
          log.close();
        },
      },
    }, async (server) => {
      const peer = await upgraded(server.address.port, "/?user=ada");
      peer.write(frame({ opcode: 1, payload: "hi", mask: true }));
      assert.equal(text((await peer.readFrame()).payload), "ada: hi");
      assert.deepEqual([...server.clients].map((ws) => ws.data.user), ["ada"]);
      peer.destroy();
      await log.closed;
    });
    assert.deepEqual(log.calls, [["open", "ada"], ["close", "ada"]]);
  });

  it("topics: ws.subscribe in open, then server.publish and ws.publish reach handler sockets", async () => {
    let opened = 0;
    let ready!: () => void;
    const bothOpen = new Promise<void>((resolve) => ready = resolve);
    await withServer({
      websocket: {
        open(ws) {
          ws.subscribe("news");
          if (++opened === 2) ready();
        },
        message: (ws, data) => void ws.publish("news", data),
      },
    }, async (server) => {
      const ada = await upgraded(server.address.port);
      const bob = await upgraded(server.address.port);
      await bothOpen;
      assert.equal(server.publish("news", "to all"), 2);
      assert.equal(text((await ada.readFrame()).payload), "to all");
      assert.equal(text((await bob.readFrame()).payload), "to all");
      ada.write(frame({ opcode: 1, payload: "from ada", mask: true }));
      assert.equal(text((await bob.readFrame()).payload), "from ada");
      ada.destroy();
      bob.destroy();
    });
  });
});
