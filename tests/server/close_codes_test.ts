// A server's socket closes with the codes RFC 6455 §7.4.1 gives an endpoint (1001 going away, 1008 policy
// violation, 1011 internal error …) as well as WHATWG's 1000 and 3000-4999, which limit what a page may send;
// codes no endpoint may send (1005, 1006, 1015, unassigned ones) and 1010 (a client's) stay InvalidAccessError.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { WebSocket } from "../../src/mod.ts";
import { closePayload, frame, toHex } from "../_helpers/frames.ts";
import { upgraded, withServer } from "../_helpers/handler_server.ts";

/** The server's sockets, each taken as it opens. */
function acceptedSockets(): { websocket: (ws: WebSocket) => void; next: () => Promise<WebSocket> } {
  const waiting: Array<(ws: WebSocket) => void> = [];
  const opened: WebSocket[] = [];
  return {
    websocket: (ws) => void (waiting.shift()?.(ws) ?? opened.push(ws)),
    next: () => opened.length > 0 ? Promise.resolve(opened.shift()!) : new Promise((resolve) => waiting.push(resolve)),
  };
}

describe("close() on a server's socket", () => {
  it("sends the close codes RFC 6455 gives an endpoint, with the reason, in the close frame", async () => {
    const codes = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011, 1012, 1013, 1014, 3000, 4999];
    const sockets = acceptedSockets();
    await withServer({ websocket: sockets.websocket }, async (server) => {
      for (const code of codes) {
        const peer = await upgraded(server.address.port);
        (await sockets.next()).close(code, "why");
        const close = await peer.readFrame();
        assert.deepEqual([close.opcode, toHex(close.payload)], [8, toHex(closePayload(code, "why"))], `code ${code}`);
        peer.write(frame({ opcode: 8, payload: closePayload(code, "why"), mask: true }));
        await peer.waitEnd();
        peer.destroy();
      }
    });
  });

  it("refuses codes no server may send with InvalidAccessError, sending nothing", async () => {
    const sockets = acceptedSockets();
    await withServer({ websocket: sockets.websocket }, async (server) => {
      const peer = await upgraded(server.address.port);
      const socket = await sockets.next();
      for (const code of [0, 999, 1004, 1005, 1006, 1010, 1015, 1016, 2999, 5000]) {
        assert.throws(
          () => socket.close(code),
          (error: unknown) => error instanceof DOMException && error.name === "InvalidAccessError",
          `code ${code}`,
        );
      }
      assert.equal(socket.readyState, 1);
      socket.close(1001);
      const close = await peer.readFrame();
      assert.deepEqual([close.opcode, toHex(close.payload)], [8, toHex(closePayload(1001))]);
      peer.destroy();
    });
  });
});
