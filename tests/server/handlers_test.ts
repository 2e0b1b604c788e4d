// serve({ websocket: { open, message, close, ping, pong, error } }): the
// handler object Bun.serve and uWebSockets users know. Each handler is called
// with the socket; text arrives as a string, binary as a Uint8Array of the
// application's own; `open` comes first, `close` once and last (its codes:
// handler_close_test.ts; failures and drain: handler_failures_test.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { ServerWebSocket } from "../../src/mod.ts";
import { upgradeHandler } from "../../src/node.ts";
import { closePayload, concat, frame, toHex } from "../_helpers/frames.ts";
import { recorder, text, upgraded, withServer } from "../_helpers/handler_server.ts";

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

  it("works the same behind node:http (upgradeHandler)", async () => {
    const log = recorder();
    const sockets = upgradeHandler({
      websocket: {
        open: (ws) => ws.send("welcome"),
        message: (ws, data) => ws.send(data),
        close: (_ws, code) => {
          log.calls.push(["close", code]);
          log.close();
        },
      },
    });
    const http = createServer().on("upgrade", sockets.handleUpgrade);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    try {
      const peer = await upgraded((http.address() as { port: number }).port);
      assert.equal(text((await peer.readFrame()).payload), "welcome");
      peer.write(frame({ opcode: 1, payload: "echo", mask: true }));
      assert.equal(text((await peer.readFrame()).payload), "echo");
      peer.write(frame({ opcode: 8, payload: closePayload(1000), mask: true }));
      await log.closed;
      peer.destroy();
    } finally {
      await sockets.shutdown({ timeout: 0 });
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
    assert.deepEqual(log.calls, [["close", 1000]]);
  });
});
