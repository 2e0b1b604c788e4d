// The runtime's own WebSocket client (Deno, Bun, Node ≥ 22) against our server,
// beyond the matrix's common cases (our_server_test.ts): an abrupt closure.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, type Server } from "../../src/mod.ts";
import { once } from "../_helpers/events.ts";

const Native = (globalThis as { WebSocket?: typeof globalThis.WebSocket }).WebSocket;
// Node 20 has no global WebSocket (it arrived in Node 22): nothing to test there.
const skip = Native === undefined ? "this runtime has no native WebSocket client (Node 20)" : undefined;

describe("the runtime's native WebSocket → our server", { skip }, () => {
  let server: Server;
  before(async () => {
    server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      websocket(ws) {
        ws.addEventListener("message", () => ws.terminate());
      },
    });
  });
  after(() => server.shutdown());

  it("a server-side terminate() is an abnormal closure for the native client", async () => {
    const ws = new Native!(`ws://127.0.0.1:${server.address.port}/`);
    await once(ws, "open");
    ws.send("drop");
    const close = await once<CloseEvent>(ws, "close");
    assert.equal(close.wasClean, false);
    // Deno's native client reports code 0 for an abnormal closure (its own deviation; the standard says 1006).
    const isDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;
    assert.ok(close.code === 1006 || (isDeno && close.code === 0), `code ${close.code}`);
  });
});
