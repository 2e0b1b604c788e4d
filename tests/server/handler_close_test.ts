// serve() with a handler object, closing: `close(ws, code, reason, wasClean)`
// comes once and last with what RFC 6455 §7.1.5–7.1.6 and WHATWG say: the
// code and reason of the closing handshake, 1006 and not clean when the
// connection was dropped or failed (after `error`, readyState CLOSED).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocketError } from "../../src/mod.ts";
import { closePayload, frame, toHex } from "../_helpers/frames.ts";
import { recorder, upgraded, withServer } from "../_helpers/handler_server.ts";

describe("serve() with a handler object: close", () => {
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
});
