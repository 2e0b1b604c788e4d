// new WebSocket() against crafted servers on live sockets (raw node:net
// servers, not a WebSocket library): a TCP close or reset without a Close
// frame (RFC 6455 §7.1.5: 1006, not clean), a server that sends its Close and
// then keeps the TCP connection open (§7.1.1: the client may close it after a
// while; the handshake did complete), and plain TCP behind a wss: URL.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { WebSocket, type WebSocketErrorEvent } from "../../src/mod.ts";
import { accept101, rawServer, type RawSocket } from "../_helpers/raw_peer.ts";
import { closePayload, frame } from "../_helpers/frames.ts";

/** Connect to a raw server running `script`; the events in order, until close. */
async function run(script: (peer: RawSocket) => Promise<void>, options = {}, scheme = "ws") {
  const server = await rawServer(script);
  try {
    const ws = new WebSocket(`${scheme}://127.0.0.1:${server.port}/`, options);
    const log: string[] = [];
    let error: WebSocketErrorEvent["error"] | undefined;
    ws.addEventListener("open", () => log.push("open"));
    ws.addEventListener("message", (event) => log.push(`message:${(event as MessageEvent).data}`));
    ws.addEventListener("error", (event) => {
      error = (event as WebSocketErrorEvent).error;
      log.push("error");
    });
    const close = await new Promise<CloseEvent>((resolve) =>
      ws.addEventListener("close", (e) => resolve(e as CloseEvent))
    );
    log.push(`close:${close.code}:${close.wasClean}`);
    return { log, close, error, peer: server.peers[0] };
  } finally {
    await server.close();
  }
}

const reset = (peer: RawSocket) => (peer.socket as Socket & { resetAndDestroy(): void }).resetAndDestroy();

describe("new WebSocket(): a server that drops the connection without a Close frame", () => {
  it("TCP FIN after a message: the message, then close 1006, not clean", async () => {
    const { log } = await run(async (peer) => {
      await accept101(peer);
      peer.write(frame({ opcode: 1, payload: "hello" }));
      peer.end();
    });
    assert.deepEqual(log.filter((entry) => entry !== "error"), ["open", "message:hello", "close:1006:false"]);
  });

  it("TCP reset in the middle of a message: no message, close 1006, not clean", async () => {
    const { log } = await run(async (peer) => {
      await accept101(peer);
      peer.write(frame({ opcode: 1, payload: "x".repeat(1000) }).subarray(0, 300));
      reset(peer);
    });
    assert.deepEqual(log.filter((entry) => entry !== "error"), ["open", "close:1006:false"]);
  });
});

describe("new WebSocket(): a server that sends its Close and keeps the TCP connection", () => {
  it("the client answers with a masked Close, drops TCP after closeTimeout: close 1000 with the reason, clean", async () => {
    let answer: { opcode: number; masked: boolean; payload: Uint8Array } | undefined;
    const { log, close } = await run(async (peer) => {
      await accept101(peer);
      peer.write(frame({ opcode: 8, payload: closePayload(1000, "bye") }));
      answer = await peer.readFrame();
      await peer.waitEnd();
    }, { closeTimeout: 200 });
    assert.deepEqual(log, ["open", "close:1000:true"]);
    assert.equal(close.reason, "bye");
    assert.equal(answer?.opcode, 8);
    assert.equal(answer?.masked, true);
    assert.deepEqual([...answer!.payload.subarray(0, 2)], [0x03, 0xe8], "§5.5.1: the answer echoes the status code");
  });
});

describe("new WebSocket('wss:') against a plain TCP server", () => {
  it("an HTTP answer instead of a ServerHello: WS_ERR_CONNECT naming the address, then close 1006", async () => {
    const { log, error } = await run(
      async (peer) => {
        await new Promise((resolve) => peer.socket.once("data", resolve));
        peer.write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
        peer.end();
      },
      {},
      "wss",
    );
    assert.deepEqual(log, ["error", "close:1006:false"]);
    assert.equal(error?.code, "WS_ERR_CONNECT");
    assert.match(error!.message, /Cannot connect to 127\.0\.0\.1:\d+: /);
  });
});
