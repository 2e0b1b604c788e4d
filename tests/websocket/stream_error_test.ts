// The proposal's WebSocketError (exported as WebSocketStreamError): an
// application's close code and reason are checked like close() (whatwg/websockets
// PR 48), while what the engine reports (1006 included) is taken as it is.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { closedError, WebSocketStreamError } from "../../src/websocket/stream_error.ts";

describe("WebSocketStreamError", () => {
  it("is a DOMException named WebSocketError; a reason alone means 1000, nothing means null", () => {
    const error = new WebSocketStreamError("bye", { reason: "done" });
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, "WebSocketError");
    assert.equal(error.message, "bye");
    assert.equal(error.closeCode, 1000);
    assert.equal(error.reason, "done");
    assert.equal(new WebSocketStreamError().closeCode, null);
  });

  it("an application's 1006 is refused with InvalidAccessError, even right after the engine reported one", () => {
    const reported = closedError("Cannot continue: closed abnormally", 1006, "", new Error("reset"));
    assert.equal(reported.closeCode, 1006);
    assert.equal(reported.message, "Cannot continue: closed abnormally");
    assert.equal((reported.cause as Error).message, "reset");
    assert.throws(() => new WebSocketStreamError("", { closeCode: 1006 }), { name: "InvalidAccessError" });
  });

  it("an engine report keeps a reason the application could not give", () => {
    const long = "x".repeat(200);
    assert.equal(closedError("", 4000, long).reason, long);
    assert.throws(() => new WebSocketStreamError("", { closeCode: 4000, reason: long }), { name: "SyntaxError" });
  });
});
