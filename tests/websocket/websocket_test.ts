// The WHATWG WebSocket interface: every exception, every attribute before and
// after open and close, event order, bufferedAmount growth and drain.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, WebSocket } from "../../src/mod.ts";
import { once } from "../_helpers/events.ts";
import { frame } from "../_helpers/frames.ts";
import { accept101, rawServer } from "../_helpers/raw_peer.ts";

function domError(name: string) {
  return (error: unknown) => error instanceof DOMException && error.name === name;
}

async function echoServer() {
  return await serve({
    hostname: "127.0.0.1",
    port: 0,
    websocket(ws) {
      ws.binaryType = "arraybuffer";
      ws.addEventListener("message", (event) => ws.send((event as MessageEvent).data));
    },
  });
}

describe("WebSocket constants and shape (WebIDL)", () => {
  it("has CONNECTING/OPEN/CLOSING/CLOSED on the class, the prototype and instances", () => {
    const names = ["CONNECTING", "OPEN", "CLOSING", "CLOSED"] as const;
    names.forEach((name, value) => {
      assert.equal(WebSocket[name], value);
      assert.equal(WebSocket.prototype[name], value);
      const descriptor = Object.getOwnPropertyDescriptor(WebSocket, name)!;
      assert.equal(descriptor.writable, false);
      assert.equal(descriptor.enumerable, true);
    });
  });

  it("is an EventTarget with the WebSocket toStringTag and no own enumerable state", async () => {
    const server = await echoServer();
    const ws = new WebSocket(`ws://127.0.0.1:${server.address.port}`);
    assert.ok(ws instanceof EventTarget);
    assert.equal(Object.prototype.toString.call(ws), "[object WebSocket]");
    assert.deepEqual(Object.keys(ws), []);
    assert.equal(ws.CONNECTING, 0);
    ws.close();
    await once(ws, "close");
    await server.shutdown();
  });
});

describe("new WebSocket(url, protocols)", () => {
  it("throws SyntaxError for an unparsable URL, another scheme, or a fragment", () => {
    assert.throws(() => new WebSocket("not a url"), domError("SyntaxError"));
    assert.throws(() => new WebSocket("ftp://example.com/"), domError("SyntaxError"));
    assert.throws(() => new WebSocket("ws://example.com/#frag"), domError("SyntaxError"));
  });

  it("throws SyntaxError for duplicate or non-token protocols", () => {
    assert.throws(() => new WebSocket("ws://127.0.0.1:1", ["chat", "CHAT"]), domError("SyntaxError"));
    assert.throws(() => new WebSocket("ws://127.0.0.1:1", "has space"), domError("SyntaxError"));
    assert.throws(() => new WebSocket("ws://127.0.0.1:1", [""]), domError("SyntaxError"));
  });

  it("maps http: and https: to ws: and wss:, serializes url, starts CONNECTING", async () => {
    const ws = new WebSocket("http://127.0.0.1:1");
    assert.equal(ws.url, "ws://127.0.0.1:1/");
    assert.equal(ws.readyState, WebSocket.CONNECTING);
    assert.equal(ws.protocol, "");
    assert.equal(ws.extensions, "");
    assert.equal(ws.bufferedAmount, 0);
    assert.equal(ws.binaryType, "blob");
    const secure = new WebSocket("https://127.0.0.1:1/a b");
    assert.equal(secure.url, "wss://127.0.0.1:1/a%20b");
    await Promise.all([once(ws, "close"), once(secure, "close")]);
  });

  it("a refused connection fires error then close (1006, not clean)", async () => {
    const ws = new WebSocket("ws://127.0.0.1:1");
    const order: string[] = [];
    ws.onerror = () => order.push(`error:${ws.readyState}`);
    const close = await new Promise<CloseEvent>((resolve) => {
      ws.onclose = (event) => {
        order.push("close");
        resolve(event as CloseEvent);
      };
    });
    assert.deepEqual(order, ["error:3", "close"]);
    assert.equal(close.code, 1006);
    assert.equal(close.wasClean, false);
    assert.equal(ws.readyState, WebSocket.CLOSED);
  });
});

describe("send() and close() exceptions", () => {
  it("send while CONNECTING throws InvalidStateError", async () => {
    const ws = new WebSocket("ws://127.0.0.1:1");
    assert.throws(() => ws.send("x"), domError("InvalidStateError"));
    await once(ws, "close");
  });

  it("close() validates code and reason before anything else", async () => {
    const ws = new WebSocket("ws://127.0.0.1:1");
    for (const code of [0, 999, 1001, 1005, 2999, 5000]) {
      assert.throws(() => ws.close(code), domError("InvalidAccessError"), `code ${code}`);
    }
    assert.throws(() => ws.close(1000, "x".repeat(124)), domError("SyntaxError"));
    assert.throws(() => ws.close(1000, "é".repeat(62)), domError("SyntaxError"));
    ws.close(1000, "é".repeat(61));
    assert.equal(ws.readyState, WebSocket.CLOSING);
    const close = await once<CloseEvent>(ws, "close");
    assert.equal(close.code, 1006);
  });

  it("binaryType ignores values other than blob and arraybuffer", async () => {
    const ws = new WebSocket("ws://127.0.0.1:1");
    ws.binaryType = "arraybuffer";
    ws.binaryType = "nodebuffer" as "blob";
    assert.equal(ws.binaryType, "arraybuffer");
    await once(ws, "close");
  });
});

describe("an open connection", () => {
  it("fires open, message, close in order with the right attributes", async () => {
    const server = await echoServer();
    const ws = new WebSocket(`ws://127.0.0.1:${server.address.port}`);
    const order: string[] = [];
    ws.onopen = () => {
      order.push(`open:${ws.readyState}`);
      ws.send("text");
      ws.send(new Uint8Array([1, 2, 3]));
      ws.send(new Blob(["blob"]));
      ws.send(new Uint16Array([0x0201]).buffer);
    };
    const received: unknown[] = [];
    ws.onmessage = (event) => {
      received.push(event.data);
      if (received.length === 4) ws.close(1000, "done");
    };
    const close = await new Promise<CloseEvent>((resolve) => ws.onclose = (event) => resolve(event as CloseEvent));
    order.push("close");
    assert.deepEqual(order, ["open:1", "close"]);
    assert.equal(received[0], "text");
    assert.ok(received[1] instanceof Blob, "binaryType blob by default");
    assert.deepEqual([...new Uint8Array(await (received[1] as Blob).arrayBuffer())], [1, 2, 3]);
    assert.equal(await (received[2] as Blob).text(), "blob", "Blob sent in order");
    assert.deepEqual([...new Uint8Array(await (received[3] as Blob).arrayBuffer())], [1, 2]);
    assert.equal(close.code, 1000);
    assert.equal(close.reason, "done");
    assert.equal(close.wasClean, true);
    await server.shutdown();
  });

  it("delivers ArrayBuffer with binaryType arraybuffer and MessageEvent.origin", async () => {
    const server = await echoServer();
    const ws = new WebSocket(`ws://127.0.0.1:${server.address.port}/x`);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => ws.send(new Uint8Array([9, 8, 7]));
    const event = await once<MessageEvent>(ws, "message");
    assert.ok(event.data instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(event.data)], [9, 8, 7]);
    assert.equal(event.origin, `ws://127.0.0.1:${server.address.port}`);
    ws.close();
    await once(ws, "close");
    await server.shutdown();
  });

  it("bufferedAmount counts application bytes, drains to 0, and grows after close", async () => {
    const server = await echoServer();
    const ws = new WebSocket(`ws://127.0.0.1:${server.address.port}`);
    await once(ws, "open");
    ws.send("12345");
    ws.send(new Uint8Array(10));
    assert.equal(ws.bufferedAmount, 15, "counted synchronously, framing excluded");
    await ws.drained();
    assert.equal(ws.bufferedAmount, 0);
    ws.close();
    ws.send("abc");
    assert.equal(ws.bufferedAmount, 3);
    await once(ws, "close");
    ws.send(new Uint8Array(4));
    assert.equal(ws.bufferedAmount, 7);
    await server.shutdown();
  });

  it("a throwing listener does not stop other listeners or the connection", async () => {
    const server = await echoServer();
    const ws = new WebSocket(`ws://127.0.0.1:${server.address.port}`);
    const errorLog = console.error;
    const logged: unknown[] = [];
    console.error = (error: unknown) => logged.push(error);
    try {
      ws.addEventListener("message", () => {
        throw new Error("listener bug");
      });
      ws.onopen = () => ws.send("a");
      let count = 0;
      await new Promise<void>((resolve) => {
        ws.onmessage = () => {
          count++;
          if (count === 1) ws.send("b");
          else resolve();
        };
      });
      assert.equal(count, 2);
      assert.equal(logged.length, 2);
      assert.equal(ws.readyState, WebSocket.OPEN);
    } finally {
      console.error = errorLog;
    }
    ws.close();
    await once(ws, "close");
    await server.shutdown();
  });

  it("event handler attributes replace in place and null removes", async () => {
    const server = await echoServer();
    const ws = new WebSocket(`ws://127.0.0.1:${server.address.port}`);
    const calls: string[] = [];
    ws.onmessage = () => calls.push("first");
    ws.addEventListener("message", () => calls.push("listener"));
    ws.onmessage = () => calls.push("second");
    assert.equal(typeof ws.onmessage, "function");
    ws.onopen = () => ws.send("x");
    await once(ws, "message");
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(calls, ["second", "listener"]);
    ws.onmessage = null;
    assert.equal(ws.onmessage, null);
    ws.close();
    await once(ws, "close");
    await server.shutdown();
  });

  it("ping() gets a pong event with the round-trip time", async () => {
    const server = await echoServer();
    const ws = new WebSocket(`ws://127.0.0.1:${server.address.port}`);
    await once(ws, "open");
    ws.ping("probe");
    const pong = await once<Event & { data: Uint8Array; rtt: number }>(ws, "pong");
    assert.equal(new TextDecoder().decode(pong.data), "probe");
    assert.ok(pong.rtt >= 0 && pong.rtt < 5000);
    assert.throws(() => ws.ping(new Uint8Array(126)), domError("SyntaxError"));
    ws.terminate();
    const close = await once<CloseEvent>(ws, "close");
    assert.equal(close.code, 1006);
    await server.shutdown();
  });
});

describe("close() after send() (RFC 6455 §5.5.1: no data after the close frame)", () => {
  it("sends a Blob and what followed it before the close frame; later data only counts", async () => {
    const frames: string[] = [];
    const server = await rawServer(async (peer) => {
      await accept101(peer);
      for (;;) {
        const { opcode, payload } = await peer.readFrame();
        if (opcode !== 8) {
          frames.push(`${opcode}:${new TextDecoder().decode(payload)}`);
          continue;
        }
        frames.push(`close:${(payload[0] << 8) | payload[1]}:${new TextDecoder().decode(payload.subarray(2))}`);
        peer.write(frame({ opcode: 8, payload }));
        peer.end();
        return;
      }
    });
    const ws = new WebSocket(server.url);
    await once(ws, "open");
    ws.send(new Blob(["B1"]));
    ws.send("T2");
    ws.close(1000, "done");
    assert.equal(ws.readyState, WebSocket.CLOSING);
    assert.equal(ws.bufferedAmount, 4);
    ws.send("late");
    assert.equal(ws.bufferedAmount, 8);
    const close = await once<CloseEvent>(ws, "close");
    await server.close();
    assert.deepEqual(frames, ["2:B1", "1:T2", "close:1000:done"]);
    assert.deepEqual([close.code, close.wasClean], [1000, true]);
    assert.equal(ws.bufferedAmount, 4, "only what was sent after close() is left");
  });
});
