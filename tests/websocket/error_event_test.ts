// The `error` event's `error` is a WebSocketError, in the types (so
// `event.error.code` compiles without a cast) and at run time.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ErrorCode, WebSocket, WebSocketError, type WebSocketErrorEvent } from "../../src/mod.ts";
import { freePort } from "../_helpers/tinyproxy.ts";

describe("the error event", () => {
  it("carries a WebSocketError with its stable code when a connection is refused", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${await freePort()}`);
    const event = await new Promise<WebSocketErrorEvent>((resolve) => ws.onerror = resolve);
    // Typed: no cast between the event and the code.
    const code: ErrorCode = event.error.code;
    assert.ok(event.error instanceof WebSocketError);
    assert.equal(code, "WS_ERR_CONNECT");
    assert.equal(event.message, event.error.message);
    await new Promise((resolve) => ws.onclose = resolve);
  });

  it("is typed the same through addEventListener", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${await freePort()}`);
    const codes: ErrorCode[] = [];
    ws.addEventListener("error", (event) => codes.push(event.error.code));
    await new Promise((resolve) => ws.addEventListener("close", resolve));
    assert.deepEqual(codes, ["WS_ERR_CONNECT"]);
  });

  it("says WS_ERR_BAD_PORT for a port Fetch blocks (here SMTP's), before any connection", async () => {
    const ws = new WebSocket("ws://127.0.0.1:25");
    const codes: ErrorCode[] = [];
    const messages: string[] = [];
    ws.addEventListener("error", (event) => {
      codes.push(event.error.code);
      messages.push(event.error.message);
    });
    const close = await new Promise<CloseEvent>((resolve) => ws.addEventListener("close", resolve));
    assert.deepEqual(codes, ["WS_ERR_BAD_PORT"]);
    assert.equal(close.code, 1006);
    // The message says why, not only which port ("Cannot ...: ..." as every error reads).
    assert.match(messages[0], /^Cannot .*: port 25 is one Fetch blocks \(a bad port\)$/);
  });
});
