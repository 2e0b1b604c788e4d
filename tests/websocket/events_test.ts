// The events a WebSocket fires, as the WHATWG WebSockets Standard fires
// them: `open` and `error` are plain Events ("fire an event named error"),
// `message` a MessageEvent, `close` a CloseEvent, each an instance of the
// runtime's own class where it has one; and "fail the WebSocket
// connection" sets readyState to CLOSED before `error`, then fires `close`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CloseEvent, MessageEvent, serve, WebSocket, WebSocketError } from "../../src/mod.ts";
import { once } from "../_helpers/events.ts";
import { frame } from "../_helpers/frames.ts";
import { accept101, rawServer } from "../_helpers/raw_peer.ts";

type ErrorEvent = Event & { error: WebSocketError };
const runtimeCloseEvent = (globalThis as unknown as { CloseEvent?: new (type: string) => Event }).CloseEvent;

describe("event objects", () => {
  it("open is an Event, message a MessageEvent, close a CloseEvent: the runtime's own classes", async () => {
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      websocket: (ws) => ws.addEventListener("message", (event) => ws.send(event.data)),
    });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${server.address.port}`);
      const open = await once(ws, "open");
      assert.equal(Object.getPrototypeOf(open), Event.prototype);
      ws.send("echo");
      const message = await once<globalThis.MessageEvent>(ws, "message");
      assert.ok(message instanceof globalThis.MessageEvent, "instanceof the runtime's MessageEvent");
      assert.ok(message instanceof MessageEvent, "instanceof the exported MessageEvent");
      assert.equal(Object.prototype.toString.call(message), "[object MessageEvent]");
      assert.deepEqual([message.data, message.origin, message.lastEventId, message.source], [
        "echo",
        `ws://127.0.0.1:${server.address.port}`,
        "",
        null,
      ]);
      assert.deepEqual([...message.ports], []);
      ws.close(1000, "bye");
      const close = await once<CloseEvent>(ws, "close");
      assert.ok(close instanceof CloseEvent, "instanceof the exported CloseEvent");
      if (runtimeCloseEvent !== undefined) assert.ok(close instanceof runtimeCloseEvent, "and the runtime's");
      assert.equal(Object.prototype.toString.call(close), "[object CloseEvent]");
      assert.deepEqual([close.code, close.reason, close.wasClean], [1000, "bye", true]);
      assert.deepEqual(Object.keys(close).filter((key) => key !== "isTrusted"), []);
    } finally {
      await server.shutdown();
    }
  });

  it("error is a plain Event that still carries the WebSocketError", async () => {
    const server = await rawServer(async (peer) => {
      await peer.readHead();
      peer.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\nX-Why: banned\r\n\r\nno");
    });
    try {
      const ws = new WebSocket(server.url);
      const error = await once<ErrorEvent>(ws, "error");
      assert.equal(Object.getPrototypeOf(error), Event.prototype, "not an ErrorEvent, not a subclass");
      assert.equal(String(error), "[object Event]");
      assert.deepEqual(Object.keys(error).filter((key) => key !== "isTrusted"), [], "nothing enumerable added");
      assert.ok(error.error instanceof WebSocketError);
      assert.equal(error.error.code, "WS_ERR_HANDSHAKE_STATUS");
      const details = error.error.details as { status: number; headers: Headers; body: string };
      assert.equal(details.status, 403);
      assert.equal(details.headers.get("x-why"), "banned");
      assert.equal(details.body, "no");
      assert.equal((error as unknown as { message: string }).message, error.error.message);
      await once(ws, "close");
    } finally {
      await server.close();
    }
  });
});

describe("fail the WebSocket connection: readyState is CLOSED before error, then close", () => {
  it("when the connection cannot be established", async () => {
    const ws = new WebSocket("ws://127.0.0.1:1");
    const seen: string[] = [];
    ws.onerror = () => seen.push(`error:${ws.readyState}`);
    ws.onclose = () => seen.push(`close:${ws.readyState}`);
    await once(ws, "close");
    assert.deepEqual(seen, ["error:3", "close:3"]);
  });

  it("when the server breaks the protocol after open (a reserved bit)", async () => {
    const server = await rawServer(async (peer) => {
      await accept101(peer);
      peer.write(frame({ opcode: 1, rsv2: true, payload: "x" }));
    });
    try {
      const ws = new WebSocket(server.url);
      await once(ws, "open");
      const seen: string[] = [];
      ws.onerror = (event) => seen.push(`error:${ws.readyState}:${(event as ErrorEvent).error.code}`);
      const close = await new Promise<CloseEvent>((resolve) =>
        ws.onclose = (event) => {
          seen.push(`close:${ws.readyState}`);
          resolve(event);
        }
      );
      assert.equal(seen.length, 2);
      assert.match(seen[0], /^error:3:WS_ERR_/);
      assert.equal(seen[1], "close:3");
      // We sent 1002, but no Close frame came back: the event says 1006 (RFC 6455 §7.1.5).
      assert.equal(close.code, 1006);
      assert.equal(close.wasClean, false);
    } finally {
      await server.close();
    }
  });
});
