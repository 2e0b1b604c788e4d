// The one connection state machine (RFC 6455 §7, WHATWG readyState): its
// state, the close result, and the rules that decide them, with bytes alone.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CLOSED, CLOSING, Connection, type ConnectionListener, OPEN } from "../../src/protocol/connection.ts";
import { DEFAULT_LIMITS } from "../../src/protocol/defaults.ts";
import { WebSocketError } from "../../src/protocol/errors.ts";
import { loadCodec } from "../../src/codec/load.ts";
import { closePayload, frame, toHex } from "../_helpers/frames.ts";

const codec = await loadCodec();

/** A server connection whose listener logs; protocol errors are left pending unless `failAt` says otherwise. */
function server(): { connection: Connection; log: string[] } {
  const log: string[] = [];
  const listener: ConnectionListener = {
    onWrite: (bytes) => log.push(`write ${toHex(bytes)}`),
    onMessage: (data) => log.push(`message ${String(data)}`),
    onPing: () => log.push("ping"),
    onPong: () => log.push("pong"),
    onPeerClose: (code, reason) => log.push(`peer close ${code} ${reason}`),
    onProtocolError: (error) => log.push(`protocol error ${error.code}`),
    onEndTransport: () => log.push("end"),
  };
  return { connection: new Connection(codec, "server", listener, DEFAULT_LIMITS), log };
}

const masked = (spec: Parameters<typeof frame>[0]) => frame({ ...spec, mask: true });

describe("the connection state machine", () => {
  it("OPEN, CLOSING on our close, CLOSED with a clean result once both closes passed and the transport is gone", () => {
    const { connection, log } = server();
    assert.equal(connection.readyState, OPEN);
    connection.close(1000, "bye");
    assert.equal(connection.readyState, CLOSING);
    assert.deepEqual([connection.closeSent, connection.closeReceived], [true, false]);
    connection.push(masked({ opcode: 8, payload: closePayload(1000, "ok") }));
    assert.deepEqual(log.slice(1), ["peer close 1000 ok", "end"]);
    assert.deepEqual(connection.result, { code: 1000, reason: "ok", wasClean: false, error: undefined });
    connection.transportClosed();
    assert.equal(connection.readyState, CLOSED);
    assert.deepEqual(connection.result, { code: 1000, reason: "ok", wasClean: true, error: undefined });
    connection.dispose();
  });

  it("reports 1006 and not clean when the transport goes without a close frame", () => {
    const { connection } = server();
    connection.transportClosed();
    assert.deepEqual(connection.result, { code: 1006, reason: "", wasClean: false, error: undefined });
    assert.equal(connection.sendText("late"), false, "nothing is sent once CLOSED");
    connection.dispose();
  });

  it("stops reading after the peer's close frame: later frames, broken or not, are discarded", () => {
    const { connection, log } = server();
    connection.push(masked({ opcode: 8 }));
    connection.push(masked({ opcode: 1, payload: "after" }));
    connection.push(masked({ opcode: 3 }));
    assert.equal(connection.reading, false);
    assert.deepEqual(log, ["peer close 1005 ", "write 88 00", "end"]);
    connection.dispose();
  });

  it("a protocol error is recorded and stops reading, but sends nothing until the driver says so", () => {
    const { connection, log } = server();
    connection.push(new Uint8Array([...masked({ opcode: 1, payload: "hi" }), ...masked({ opcode: 3 })]));
    assert.deepEqual(log, ["message hi", "protocol error WS_ERR_INVALID_OPCODE"]);
    assert.deepEqual([connection.failed, connection.reading, connection.closeSent], [true, false, false]);
    assert.equal(connection.closeReceived, false, "stopping reading does not pretend the peer closed");
    assert.equal(connection.sendText("re:hi"), true, "replies to what came before still go out");
    connection.sendFailure();
    assert.equal(log.at(-1), `write ${toHex(frame({ opcode: 8, payload: closePayload(1002, "reserved opcode") }))}`);
    connection.dispose();
  });

  it("the first failure wins: a later one neither replaces it nor sends a second close frame", () => {
    const { connection, log } = server();
    const full = new WebSocketError("WS_ERR_BUFFER_FULL");
    assert.equal(connection.fail(full), true);
    assert.equal(connection.fail(new WebSocketError("WS_ERR_IDLE_TIMEOUT")), false);
    connection.push(masked({ opcode: 3 }));
    connection.sendFailure();
    connection.transportClosed();
    assert.equal(connection.result.error, full);
    assert.equal(log.filter((entry) => entry.startsWith("write 88")).length, 1);
    assert.deepEqual(log, [
      `write ${toHex(frame({ opcode: 8, payload: closePayload(1008, "send buffer above its high-water mark") }))}`,
    ]);
    connection.dispose();
  });

  it("a failure with code 1006 sends no close frame", () => {
    const { connection, log } = server();
    connection.fail(new WebSocketError("WS_ERR_IDLE_TIMEOUT"));
    assert.deepEqual(log, []);
    assert.equal(connection.readyState, CLOSING);
    connection.dispose();
  });
});
