// RFC 6455 §4 opening handshake under hostile peers, through the whole
// engine: a peer that never answers, one that trickles its head slower than
// the timeout allows, and heads past the size and field-count limits. The
// malformed-request cases of the server role are in tests/server_test.ts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, WebSocket } from "../../src/mod.ts";
import { rawClient, rawServer, type RawSocket, upgradeRequest } from "../_helpers/raw_peer.ts";

/** Open our client against a raw server running `script`; resolves with the error code and the close event. */
async function clientFailure(script: (peer: RawSocket) => Promise<void> | void, options = {}) {
  const server = await rawServer(script);
  const ws = new WebSocket(server.url, options);
  const error = new Promise<string>((resolve) =>
    ws.addEventListener("error", (event) => resolve((event as ErrorEvent).error?.code))
  );
  const close = await new Promise<CloseEvent>((resolve) =>
    ws.addEventListener("close", (e) => resolve(e as CloseEvent))
  );
  await server.close();
  return { code: await error, close: [close.code, close.wasClean] };
}

const trickle = async (peer: RawSocket, text: string, everyMs: number) => {
  for (const char of text) {
    if (peer.ended) return;
    peer.write(char);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
};

describe("RFC 6455 §4.1 the client's handshake limits", () => {
  it("a server that never answers: WS_ERR_HANDSHAKE_TIMEOUT after handshakeTimeout, then close 1006", async () => {
    const started = Date.now();
    const result = await clientFailure(async (peer) => void await peer.readHead(), { handshakeTimeout: 200 });
    assert.deepEqual(result, { code: "WS_ERR_HANDSHAKE_TIMEOUT", close: [1006, false] });
    assert.ok(Date.now() - started < 3000);
  });

  it("a server that trickles its answer past the timeout is dropped all the same", async () => {
    const result = await clientFailure(async (peer) => {
      await peer.readHead();
      await trickle(peer, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n", 20);
    }, { handshakeTimeout: 300 });
    assert.deepEqual(result, { code: "WS_ERR_HANDSHAKE_TIMEOUT", close: [1006, false] });
  });

  it("an answer head past 16 KiB fails with WS_ERR_HANDSHAKE_TOO_LARGE before it ends", async () => {
    const result = await clientFailure(async (peer) => {
      await peer.readHead();
      peer.write(`HTTP/1.1 101 Switching Protocols\r\nX-Big: ${"b".repeat(17_000)}`);
    });
    assert.deepEqual(result, { code: "WS_ERR_HANDSHAKE_TOO_LARGE", close: [1006, false] });
  });
});

describe("RFC 6455 §4.2 the server's handshake limits", () => {
  it("431 past maxHeadBytes and past maxHeaders; a trickled head is dropped at handshakeTimeout", async () => {
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      maxHeadBytes: 2048,
      maxHeaders: 20,
      handshakeTimeout: 300,
    });
    const port = server.address.port;
    const status = async (request: string) => {
      const peer = await rawClient(port);
      peer.write(request);
      const head = await peer.readHead();
      peer.destroy();
      return head.split("\r\n")[0];
    };
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `X-${i}: ${i}\r\n`).join("");
    assert.equal(
      await status(upgradeRequest(port, "/", `X-Big: ${"b".repeat(2100)}\r\n`)),
      "HTTP/1.1 431 Request Header Fields Too Large",
    );
    assert.equal(await status(upgradeRequest(port, "/", fields(16))), "HTTP/1.1 431 Request Header Fields Too Large");
    assert.match(await status(upgradeRequest(port, "/", fields(15))), /^HTTP\/1\.1 101 /);
    const slow = await rawClient(port);
    const started = Date.now();
    void trickle(slow, upgradeRequest(port), 20);
    await slow.closed;
    assert.ok(Date.now() - started < 2000, "dropped at the timeout, not after the whole head");
    await server.shutdown({ timeout: 200 });
  });
});
