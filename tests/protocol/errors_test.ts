// The errors table: messages read "Cannot <action>: <reason>", the action
// from the table (or the instance, to name an address), the reason from the
// table (or the instance's detail); `cause` is kept only when given.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ERRORS, WebSocketError } from "../../src/protocol/errors.ts";

describe("WebSocketError", () => {
  it("reads 'Cannot continue the WebSocket connection: <reason>' for protocol failures", () => {
    const error = new WebSocketError("WS_ERR_INVALID_UTF8");
    assert.equal(error.message, "Cannot continue the WebSocket connection: invalid UTF-8");
    assert.equal(error.closeCode, 1007);
    assert.equal("cause" in error, false);
  });

  it("takes the action of its table entry, or the instance's, and keeps the cause", () => {
    const runtime = new Error("listen EADDRINUSE");
    const error = new WebSocketError("WS_ERR_LISTEN_IN_USE", undefined, { port: 80 }, {
      cause: runtime,
      action: "listen on 127.0.0.1:80",
    });
    assert.equal(error.message, "Cannot listen on 127.0.0.1:80: the address is in use");
    assert.equal(error.cause, runtime);
    assert.deepEqual(error.details, { port: 80 });
    assert.equal(new WebSocketError("WS_ERR_LISTEN").message, "Cannot listen: the runtime refused");
    assert.equal(
      new WebSocketError("WS_ERR_HANDLER", "the websocket handler failed").message,
      "Cannot serve the connection: the websocket handler failed",
    );
  });

  it("every entry: a close code to send (or 0), a reason that fits a close frame (123 bytes)", () => {
    for (const [code, info] of Object.entries(ERRORS)) {
      assert.match(code, /^WS_ERR_[A-Z0-9_]+$/);
      assert.ok(info.closeCode === 0 || (info.closeCode >= 1000 && info.closeCode <= 1015), code);
      assert.ok(new TextEncoder().encode(info.reason).length <= 123, code);
    }
    assert.equal(ERRORS.WS_ERR_HANDLER.closeCode, 1011);
  });
});
