// wss: our client against our server over TLS with a certificate made at test
// time; a client that does not trust it fails with 1006.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, type Server, WebSocket } from "../../src/mod.ts";
import { selfSignedCert } from "../_helpers/tls.ts";
import { once } from "../_helpers/events.ts";

describe("wss: TLS with a self-signed certificate", () => {
  let server: Server;
  const { cert, key, ca } = selfSignedCert();
  before(async () => {
    server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      tls: { cert, key },
      websocket: (ws) => ws.addEventListener("message", (event) => ws.send(event.data)),
    });
  });
  after(() => server.shutdown());

  it("a client trusting the certificate echoes text and 1 MiB of binary", async () => {
    for (const host of ["localhost", "127.0.0.1"]) {
      const ws = new WebSocket(`wss://${host}:${server.address.port}/`, { tls: { ca } });
      ws.binaryType = "arraybuffer";
      await once(ws, "open");
      ws.send("secret");
      assert.equal((await once<MessageEvent>(ws, "message")).data, "secret");
      const big = new Uint8Array(1 << 20).map((_, i) => i * 3);
      ws.send(big);
      assert.deepEqual(new Uint8Array((await once<MessageEvent>(ws, "message")).data), big);
      ws.close(1000);
      assert.equal((await once<CloseEvent>(ws, "close")).wasClean, true, host);
    }
  });

  it("a client that does not trust the certificate fails: error naming the address, then close 1006", async () => {
    const ws = new WebSocket(`wss://localhost:${server.address.port}/`);
    const error = await once<Event & { error?: { code?: string; message?: string } }>(ws, "error");
    assert.equal(error.error?.code, "WS_ERR_CONNECT");
    // The same words on every runtime around the runtime's own (Bun checks the certificate after connecting).
    assert.match(error.error?.message ?? "", new RegExp(`: Cannot connect to localhost:${server.address.port}: .`));
    const close = await once<CloseEvent>(ws, "close");
    assert.deepEqual([close.code, close.wasClean], [1006, false]);
  });
});
