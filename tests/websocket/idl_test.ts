// The WebIDL surface of WebSocket as Chromium shows it: argument counts,
// the constructor's (DOMString or sequence<DOMString>) union next to the
// options object, DOMString conversions and enumerable members.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "../../src/mod.ts";
import { once } from "../_helpers/events.ts";
import { rawServer } from "../_helpers/raw_peer.ts";

function domError(name: string) {
  return (error: unknown) => error instanceof DOMException && error.name === name;
}

/** The Sec-WebSocket-Protocol each constructor call offers (undefined: none). */
async function offered(seconds: unknown[]): Promise<Array<string | undefined>> {
  const heads: string[] = [];
  const server = await rawServer(async (peer) => {
    heads.push(await peer.readHead());
    peer.destroy();
  });
  try {
    for (const second of seconds) {
      const ws = new (WebSocket as unknown as new (url: string, second: unknown) => WebSocket)(server.url, second);
      await once(ws, "close");
    }
  } finally {
    await server.close();
  }
  return heads.map((head) => /^sec-websocket-protocol: (.*)\r$/im.exec(head)?.[1]);
}

describe("new WebSocket(url, protocols): WebIDL conversions", () => {
  it("reads an iterable as a protocol list and anything else but an options object as one string", async () => {
    const protocols = await offered([null, 123, new Set(["a", "b"]), ["x", 1], { protocols: ["p"] }, undefined]);
    assert.deepEqual(protocols, ["null", "123", "a, b", "x, 1", "p", undefined]);
  });

  it("takes options as a third argument after the protocols, as ws does (not dropped)", async () => {
    const heads: string[] = [];
    const server = await rawServer(async (peer) => {
      heads.push(await peer.readHead());
      peer.destroy();
    });
    try {
      for (const protocols of [["chat", "v2"], "chat", undefined]) {
        const ws = new WebSocket(server.url, protocols, { headers: { Authorization: "Bearer t" } });
        await once(ws, "close");
      }
    } finally {
      await server.close();
    }
    assert.deepEqual(heads.map((head) => /^authorization: (.*)\r$/im.exec(head)?.[1]), Array(3).fill("Bearer t"));
    assert.deepEqual(
      heads.map((head) => /^sec-websocket-protocol: (.*)\r$/im.exec(head)?.[1]),
      ["chat, v2", "chat", undefined],
    );
  });

  it("applies the token and duplicate checks after the conversion", () => {
    assert.throws(
      () => new WebSocket("ws://127.0.0.1:1", new Set(["a", "A"]) as unknown as string[]),
      domError("SyntaxError"),
    );
    const notIterable = () => "a function is no options object";
    assert.throws(() => new WebSocket("ws://127.0.0.1:1", notIterable as unknown as string), domError("SyntaxError"));
    assert.throws(() => new WebSocket("ws://127.0.0.1:1", [Symbol("s")] as unknown as string[]), TypeError);
  });
});

describe("WebIDL argument counts", () => {
  it("new WebSocket() and send() without an argument throw TypeError, in any state", async () => {
    assert.throws(() => new (WebSocket as unknown as new () => WebSocket)(), TypeError);
    const ws = new WebSocket("ws://127.0.0.1:1");
    const send = ws.send as (...args: unknown[]) => void;
    assert.throws(() => send.call(ws), TypeError, "CONNECTING");
    await once(ws, "close");
    assert.throws(() => send.call(ws), TypeError, "CLOSED");
    assert.equal(ws.bufferedAmount, 0);
    send.call(ws, undefined);
    assert.equal(ws.bufferedAmount, "undefined".length, "an explicit undefined is the text 'undefined'");
  });

  it("WebSocket.length is 1, send.length 1 and close.length 0", () => {
    assert.equal(WebSocket.length, 1);
    assert.equal(WebSocket.prototype.send.length, 1);
    assert.equal(WebSocket.prototype.close.length, 0);
  });
});

describe("attributes", () => {
  it("binaryType converts with String() first", async () => {
    const ws = new WebSocket("ws://127.0.0.1:1");
    ws.binaryType = { toString: () => "arraybuffer" } as unknown as "arraybuffer";
    assert.equal(ws.binaryType, "arraybuffer");
    ws.binaryType = { toString: () => "nope" } as unknown as "blob";
    assert.equal(ws.binaryType, "arraybuffer");
    await once(ws, "close");
  });

  it("onopen keeps a non-callable object and reads it back", async () => {
    const ws = new WebSocket("ws://127.0.0.1:1");
    const handler = { handleEvent() {} };
    ws.onopen = handler as unknown as null;
    assert.equal(ws.onopen, handler);
    await once(ws, "close");
  });

  it("for…in on an instance lists the IDL members, as in Chromium, and not the handler plumbing", async () => {
    const ws = new WebSocket("ws://127.0.0.1:1");
    const keys: string[] = [];
    for (const key in ws) keys.push(key);
    const idl = ["url", "readyState", "bufferedAmount", "onopen", "onerror", "onclose", "extensions", "protocol"];
    idl.push("onmessage", "binaryType", "CONNECTING", "OPEN", "CLOSING", "CLOSED", "close", "send");
    idl.push("addEventListener", "removeEventListener", "dispatchEvent");
    for (const name of idl) assert.ok(keys.includes(name), name);
    assert.ok(!keys.includes("getHandler") && !keys.includes("setHandler"));
    const url = Object.getOwnPropertyDescriptor(WebSocket.prototype, "url")!;
    assert.deepEqual([url.enumerable, url.configurable], [true, true]);
    assert.ok(ws instanceof EventTarget);
    assert.equal(Object.prototype.toString.call(ws), "[object WebSocket]");
    await once(ws, "close");
  });
});
