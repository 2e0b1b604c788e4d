// The client against a scripted raw TCP server: the broken handshakes and
// frames no fuzzing peer sends, with the exact events, codes and bytes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "../../src/mod.ts";
import { accept101, acceptFor, keyOf, rawServer, type RawSocket } from "../_helpers/raw_peer.ts";
import { closePayload, concat, frame, hex } from "../_helpers/frames.ts";

interface Recorded {
  ws: WebSocket;
  log: string[];
  errors: Array<{ code?: string; details?: Record<string, unknown> }>;
  close: Promise<{ code: number; reason: string; wasClean: boolean }>;
  messages: unknown[];
}

function record(ws: WebSocket): Recorded {
  const log: string[] = [];
  const errors: Recorded["errors"] = [];
  const messages: unknown[] = [];
  ws.addEventListener("open", () => log.push("open"));
  ws.addEventListener("message", (event) => {
    log.push("message");
    messages.push((event as MessageEvent).data);
  });
  ws.addEventListener("error", (event) => {
    log.push("error");
    errors.push((event as unknown as { error: { code?: string; details?: Record<string, unknown> } }).error);
  });
  const close = new Promise<{ code: number; reason: string; wasClean: boolean }>((resolve) =>
    ws.addEventListener("close", (event) => {
      log.push("close");
      const { code, reason, wasClean } = event as unknown as { code: number; reason: string; wasClean: boolean };
      resolve({ code, reason, wasClean });
    })
  );
  return { ws, log, errors, close, messages };
}

/** Run `script` as the server, connect a client, and wait for its close event. */
async function against(
  script: (peer: RawSocket) => Promise<void>,
  options?: ConstructorParameters<typeof WebSocket>[1],
) {
  const server = await rawServer(script);
  try {
    const client = record(new WebSocket(server.url, options));
    const closed = await client.close;
    return { ...client, closed, peer: server.peers[0] };
  } finally {
    await server.close();
  }
}

/** After a 101, send `bytes` and expect the client to fail with close code `code` on the wire. */
async function expectFailure(
  bytes: Uint8Array,
  wireCode: number,
  errorCode: string,
  options?: { maxPayload?: number },
) {
  let sentCode = -1;
  const result = await against(async (peer) => {
    await accept101(peer);
    peer.write(bytes);
    const reply = await peer.readFrame();
    assert.equal(reply.opcode, 0x8);
    assert.equal(reply.masked, true, "client frames are masked");
    sentCode = (reply.payload[0] << 8) | reply.payload[1];
    await peer.waitEnd();
    peer.end();
  }, options);
  assert.equal(sentCode, wireCode);
  assert.deepEqual(result.log.filter((e) => e !== "message"), ["open", "error", "close"]);
  assert.equal(result.errors[0].code, errorCode);
  assert.equal(result.closed.code, 1006);
  assert.equal(result.closed.wasClean, false);
}

describe("RFC 6455 §4.1 client handshake", () => {
  it("sends a well-formed upgrade request with offered protocols, userinfo and custom headers", async () => {
    let head = "";
    const server = await rawServer(async (peer) => {
      head = await accept101(peer, "Sec-WebSocket-Protocol: chat\r\n");
      const close = await peer.readFrame();
      peer.write(frame({ opcode: 8, payload: close.payload }));
      peer.end();
    });
    const url = server.url.replace("ws://", "ws://user:p%40ss@") + "/path?q=1";
    const client = record(new WebSocket(url, { protocols: ["chat", "superchat"], headers: { "X-Token": "abc" } }));
    await new Promise((resolve) => client.ws.addEventListener("open", resolve));
    assert.equal(client.ws.protocol, "chat");
    assert.equal(client.ws.url, `ws://user:p%40ss@127.0.0.1:${server.port}/path?q=1`);
    client.ws.close();
    await client.close;
    await server.close();
    assert.match(head, /^GET \/path\?q=1 HTTP\/1\.1\r\n/);
    assert.match(head, new RegExp(`\\r\\nHost: 127\\.0\\.0\\.1:${server.port}\\r\\n`, "i"));
    assert.match(head, /\r\nUpgrade: websocket\r\n/i);
    assert.match(head, /\r\nConnection: Upgrade\r\n/i);
    assert.match(head, /\r\nSec-WebSocket-Version: 13\r\n/i);
    assert.match(head, /\r\nSec-WebSocket-Protocol: chat, superchat\r\n/i);
    assert.match(head, /\r\nX-Token: abc\r\n/i);
    assert.match(head, new RegExp(`\\r\\nAuthorization: Basic ${btoa("user:p@ss")}\\r\\n`, "i"));
    assert.equal(atob(keyOf(head)).length, 16);
  });

  it("fails on a wrong Sec-WebSocket-Accept", async () => {
    const result = await against(async (peer) => {
      await peer.readHead();
      peer.write(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          `Sec-WebSocket-Accept: ${acceptFor("wrong")}\r\n\r\n`,
      );
    });
    assert.deepEqual(result.log, ["error", "close"]);
    assert.equal(result.errors[0].code, "WS_ERR_HANDSHAKE_ACCEPT");
    assert.deepEqual(result.closed, { code: 1006, reason: "", wasClean: false });
  });

  it("fails on a non-101 status and reports status, headers and body", async () => {
    const result = await against(async (peer) => {
      await peer.readHead();
      peer.write("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nno way!");
    });
    assert.deepEqual(result.log, ["error", "close"]);
    assert.equal(result.errors[0].code, "WS_ERR_HANDSHAKE_STATUS");
    assert.equal(result.errors[0].details?.status, 403);
    assert.equal(result.errors[0].details?.body, "no way!");
    assert.equal((result.errors[0].details?.headers as Headers).get("content-type"), "text/plain");
  });

  it("fails on a subprotocol that was not offered", async () => {
    const result = await against((peer) => accept101(peer, "Sec-WebSocket-Protocol: other\r\n").then(() => {}), [
      "chat",
    ]);
    assert.equal(result.errors[0].code, "WS_ERR_HANDSHAKE_SUBPROTOCOL");
    assert.equal(result.closed.code, 1006);
  });

  it("fails on an extension that was not offered", async () => {
    // permessage-deflate is offered by default now (tests/conformance/deflate_negotiation_test.ts).
    const result = await against((peer) =>
      accept101(peer, "Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\n").then(() => {})
    );
    assert.equal(result.errors[0].code, "WS_ERR_HANDSHAKE_EXTENSION");
  });

  it("fails when the server closes before answering", async () => {
    const result = await against(async (peer) => {
      await peer.readHead();
      peer.destroy();
    });
    assert.deepEqual(result.log, ["error", "close"]);
    assert.equal(result.closed.code, 1006);
  });

  it("keeps frames that arrive in the same write as the 101", async () => {
    const result = await against(async (peer) => {
      const head = await peer.readHead();
      const response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${acceptFor(keyOf(head))}\r\n\r\n`;
      const first = new TextEncoder().encode(response);
      const frames = [frame({ opcode: 1, payload: "one" }), frame({ opcode: 1, payload: "two" })];
      peer.write(concat([first, ...frames, frame({ opcode: 8, payload: closePayload(1000, "done") })]));
      await peer.readFrame();
      peer.end();
    });
    assert.deepEqual(result.messages, ["one", "two"]);
    assert.deepEqual(result.log, ["open", "message", "message", "close"]);
    assert.deepEqual(result.closed, { code: 1000, reason: "done", wasClean: true });
  });
});

describe("RFC 6455 §5 frames the client must reject (1002/1007/1009)", () => {
  it("masked server frame", () =>
    expectFailure(frame({ opcode: 1, payload: "hi", mask: true }), 1002, "WS_ERR_UNEXPECTED_MASK"));
  it("reserved data opcode 0x3", () => expectFailure(frame({ opcode: 3 }), 1002, "WS_ERR_INVALID_OPCODE"));
  it("reserved control opcode 0xB", () => expectFailure(frame({ opcode: 0xb }), 1002, "WS_ERR_INVALID_OPCODE"));
  it("RSV1 without an extension", () =>
    expectFailure(frame({ opcode: 1, rsv1: true, payload: "x" }), 1002, "WS_ERR_UNEXPECTED_RSV"));
  it("RSV2 and RSV3", () => expectFailure(frame({ opcode: 2, rsv2: true, rsv3: true }), 1002, "WS_ERR_UNEXPECTED_RSV"));
  it("fragmented control frame", () => expectFailure(frame({ opcode: 9, fin: false }), 1002, "WS_ERR_EXPECTED_FIN"));
  it("control frame of 126 bytes", () =>
    expectFailure(frame({ opcode: 9, payload: new Uint8Array(126) }), 1002, "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH"));
  it("continuation without a message", () =>
    expectFailure(frame({ opcode: 0, payload: "x" }), 1002, "WS_ERR_INVALID_CONTINUATION"));
  it("new message inside a fragmented one", () =>
    expectFailure(
      concat([frame({ opcode: 1, fin: false, payload: "a" }), frame({ opcode: 1, payload: "b" })]),
      1002,
      "WS_ERR_EXPECTED_CONTINUATION",
    ));
  it("invalid UTF-8 split across fragments", () =>
    expectFailure(
      concat([frame({ opcode: 1, fin: false, payload: hex("ce") }), frame({ opcode: 0, payload: hex("ff") })]),
      1007,
      "WS_ERR_INVALID_UTF8",
    ));
  it("close with an invalid code", () =>
    expectFailure(frame({ opcode: 8, payload: hex("03 ed") }), 1002, "WS_ERR_INVALID_CLOSE_CODE"));
  it("close with a 1-byte payload", () =>
    expectFailure(frame({ opcode: 8, payload: hex("03") }), 1002, "WS_ERR_INVALID_CLOSE_PAYLOAD"));
  it("close with an invalid UTF-8 reason", () =>
    expectFailure(frame({ opcode: 8, payload: hex("03 e8 ff") }), 1007, "WS_ERR_INVALID_UTF8"));
  it("message over maxPayload", () =>
    expectFailure(frame({ opcode: 2, payload: new Uint8Array(11) }), 1009, "WS_ERR_MESSAGE_TOO_BIG", {
      maxPayload: 10,
    }));
});

describe("RFC 6455 §5.5 control frames and §7 closing", () => {
  it("answers a ping with a masked pong carrying the same payload, between fragments", async () => {
    const result = await against(async (peer) => {
      await accept101(peer);
      peer.write(concat([
        frame({ opcode: 1, fin: false, payload: "hel" }),
        frame({ opcode: 9, payload: "are you there" }),
        frame({ opcode: 0, payload: "lo" }),
      ]));
      const pong = await peer.readFrame();
      assert.equal(pong.opcode, 0xa);
      assert.equal(pong.masked, true);
      assert.equal(new TextDecoder().decode(pong.payload), "are you there");
      peer.write(frame({ opcode: 8, payload: closePayload(1000) }));
      await peer.readFrame();
      peer.end();
    });
    assert.deepEqual(result.messages, ["hello"]);
    assert.deepEqual(result.closed, { code: 1000, reason: "", wasClean: true });
  });

  it("echoes a server-initiated close and reports it clean", async () => {
    let echoed = -1;
    const result = await against(async (peer) => {
      await accept101(peer);
      peer.write(frame({ opcode: 8, payload: closePayload(4001, "bye") }));
      const reply = await peer.readFrame();
      echoed = (reply.payload[0] << 8) | reply.payload[1];
      peer.end();
    });
    assert.equal(echoed, 4001);
    assert.deepEqual(result.closed, { code: 4001, reason: "bye", wasClean: true });
    assert.deepEqual(result.log, ["open", "close"]);
  });

  it("client close(): sends code and reason masked, waits for the server's close", async () => {
    let sent: Uint8Array = new Uint8Array(0);
    const server = await rawServer(async (peer) => {
      await accept101(peer);
      const reply = await peer.readFrame();
      sent = reply.payload;
      peer.write(frame({ opcode: 8, payload: reply.payload }));
      peer.end();
    });
    const client = record(new WebSocket(server.url));
    client.ws.onopen = () => {
      client.ws.close(3000, "done");
      assert.equal(client.ws.readyState, WebSocket.CLOSING);
    };
    const closed = await client.close;
    await server.close();
    assert.deepEqual([...sent], [...closePayload(3000, "done")]);
    assert.deepEqual(closed, { code: 3000, reason: "done", wasClean: true });
    assert.equal(client.ws.readyState, WebSocket.CLOSED);
  });

  it("an abrupt drop gives 1006, not clean, and no error event", async () => {
    const result = await against(async (peer) => {
      await accept101(peer);
      peer.destroy();
    });
    assert.deepEqual(result.log, ["open", "close"]);
    assert.deepEqual(result.closed, { code: 1006, reason: "", wasClean: false });
  });

  it("a peer that never answers our close is dropped after the close timeout", async () => {
    const server = await rawServer(async (peer) => {
      await accept101(peer);
      await peer.readFrame();
    });
    const client = record(new WebSocket(server.url, { closeTimeout: 200 }));
    client.ws.onopen = () => client.ws.close();
    const started = Date.now();
    const closed = await client.close;
    await server.close();
    assert.equal(closed.code, 1006);
    assert.equal(closed.wasClean, false);
    assert.ok(Date.now() - started < 3000);
  });
});
