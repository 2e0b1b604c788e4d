// The checks of web-platform-tests `websockets/binaryType-wrong-value`,
// `eventhandlers`, `referrer` and `idlharness` (its instance checks: the
// interface's own shape is webidl_shape_test.ts's), restated against our
// WebSocket and CloseEvent and a local stand-in for the WPT server, on ws:
// and wss:. Authorities: the WHATWG WebSockets Standard (binaryType is an
// enum attribute: WebIDL ignores a value outside it; the handshake is a
// fetch whose referrer is "no-referrer"), HTML (event handler IDL
// attributes are [LegacyTreatNonObjectAsNull]) and WebIDL.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CloseEvent, WebSocket } from "../../src/mod.ts";
import { once } from "../_helpers/events.ts";
import { wptServer } from "../_helpers/wpt_server.ts";

for (const secure of [false, true]) {
  const scheme = secure ? "wss" : "ws";

  describe(`WPT interfaces on ${scheme}:`, () => {
    it("binaryType ignores a value outside its enum, and the connection closes cleanly", async () => {
      const server = await wptServer(secure);
      try {
        const ws = server.open("/echo", "echo");
        await once(ws, "open");
        assert.equal(ws.binaryType, "blob");
        (ws as { binaryType: string }).binaryType = "notBlobOrArrayBuffer";
        assert.equal(ws.binaryType, "blob");
        ws.binaryType = "arraybuffer";
        (ws as { binaryType: string }).binaryType = "Blob";
        assert.equal(ws.binaryType, "arraybuffer");
        ws.close();
        assert.equal((await once<CloseEvent>(ws, "close")).wasClean, true);
      } finally {
        await server.shutdown();
      }
    });

    it("the handshake carries no Referer (referrer.any.js)", async () => {
      const server = await wptServer(secure);
      try {
        const ws = server.open("/referrer");
        const message = await once<MessageEvent>(ws, "message");
        assert.equal(message.data, "MISSING AS PER FETCH");
        ws.close();
        await once(ws, "close");
      } finally {
        await server.shutdown();
      }
    });

    it("a non-callable value given to an event handler attribute reads back as null", async () => {
      const server = await wptServer(secure);
      try {
        const ws = server.open("/echo", "echo");
        const handlers = ws as unknown as Record<string, unknown>;
        for (const name of ["onopen", "onerror", "onclose", "onmessage"]) {
          assert.equal(handlers[name], null, name);
          const handler = () => {};
          handlers[name] = handler;
          assert.equal(handlers[name], handler, name);
          handlers[name] = 2;
          assert.equal(handlers[name], null, name);
          handlers[name] = "ws.close()";
          assert.equal(handlers[name], null, name);
        }
        // An object is kept as given (not called: it is not a function).
        const object = { handleEvent() {} };
        handlers.onmessage = object;
        assert.equal(handlers.onmessage, object);
        handlers.onmessage = null;
        ws.close();
        await once(ws, "close");
      } finally {
        await server.shutdown();
      }
    });

    it("a handler set while CONNECTING and replaced before open runs as the last one set", async () => {
      const server = await wptServer(secure);
      try {
        const ws = server.open();
        const calls: string[] = [];
        ws.onopen = () => calls.push("first");
        ws.onopen = () => calls.push("second");
        await once(ws, "open");
        assert.deepEqual(calls, ["second"]);
        ws.close();
        await once(ws, "close");
      } finally {
        await server.shutdown();
      }
    });
  });
}

describe("WPT idlharness: the objects it checks", () => {
  it('new WebSocket("ws://invalid") has every attribute of its interface, with its initial value', async () => {
    const ws = new WebSocket("ws://invalid");
    assert.ok(ws instanceof WebSocket && ws instanceof EventTarget);
    assert.equal(Object.getPrototypeOf(ws), WebSocket.prototype);
    assert.equal(ws.url, "ws://invalid/");
    assert.equal(ws.readyState, WebSocket.CONNECTING);
    assert.equal(ws.bufferedAmount, 0);
    assert.equal(ws.extensions, "");
    assert.equal(ws.protocol, "");
    assert.equal(ws.binaryType, "blob");
    for (const name of ["onopen", "onerror", "onclose", "onmessage"] as const) assert.equal(ws[name], null, name);
    for (const [name, value] of [["CONNECTING", 0], ["OPEN", 1], ["CLOSING", 2], ["CLOSED", 3]] as const) {
      assert.equal(ws[name], value, name);
    }
    for (const name of ["close", "send", "addEventListener", "removeEventListener", "dispatchEvent"] as const) {
      assert.equal(typeof ws[name], "function", name);
    }
    // Given up while CONNECTING (not left to the resolver): the connection fails.
    const events: string[] = [];
    ws.onerror = () => events.push("error");
    ws.close();
    const close = await once<CloseEvent>(ws, "close");
    assert.deepEqual(events, ["error"]);
    assert.equal(close.code, 1006);
  });

  it('new CloseEvent("close") has wasClean false, code 0, reason "", and is an Event', () => {
    const event = new CloseEvent("close");
    assert.ok(event instanceof Event);
    assert.equal(Object.getPrototypeOf(event), CloseEvent.prototype);
    assert.equal(event.type, "close");
    assert.equal(event.wasClean, false);
    assert.equal(event.code, 0);
    assert.equal(event.reason, "");
    assert.equal(event.bubbles, false);
    assert.equal(event.cancelable, false);
  });

  it("the interface objects are constructors only: called without new, a TypeError", () => {
    assert.throws(() => (WebSocket as unknown as (url: string) => unknown)("ws://invalid"), TypeError);
    assert.throws(() => (CloseEvent as unknown as (type: string) => unknown)("close"), TypeError);
    assert.equal(WebSocket.length, 1);
    assert.equal(CloseEvent.length, 1);
    assert.equal(WebSocket.name, "WebSocket");
    assert.equal(CloseEvent.name, "CloseEvent");
  });
});
