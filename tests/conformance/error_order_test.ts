// RFC 6455 §7.1.7 with the order strict peers keep (uWebSockets, ws): when one
// read brings complete messages and then a frame that breaks the protocol,
// the messages are delivered first, in byte order, the application's replies
// to them go out, and only then the failing close frame; nothing after the
// error is delivered or answered. Both roles, an echoing application, and the
// bytes on the wire checked in order.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { harness, type Pair, pool, ROLES } from "../_helpers/engine_pair.ts";
import { concat, frame, type FrameSpec, hex } from "../_helpers/frames.ts";
import { acceptFor, keyOf, rawServer, type RawSocket } from "../_helpers/raw_peer.ts";
import { WebSocket } from "../../src/mod.ts";

const RESERVED_OPCODES = [3, 4, 5, 6, 7, 11, 12, 13, 14, 15];

interface Case {
  name: string;
  /** The valid message(s) before the error, as frames. */
  before: FrameSpec[];
  /** What the application saw of them. */
  delivered: string[];
  /** The broken frame. */
  broken: FrameSpec;
  error: string;
}

const HELLO: FrameSpec[] = [{ opcode: 1, payload: "hello" }];

const CASES: Case[] = [
  ...(["rsv1", "rsv2", "rsv3"] as const).map((bit): Case => ({
    name: `a text frame with ${bit.toUpperCase()} set`,
    before: HELLO,
    delivered: ["message:text:hello"],
    broken: { opcode: 1, payload: "x", [bit]: true },
    error: "WS_ERR_UNEXPECTED_RSV",
  })),
  ...RESERVED_OPCODES.flatMap((opcode) =>
    [true, false].map((withPayload): Case => ({
      name: `reserved opcode 0x${opcode.toString(16)} ${withPayload ? "with" : "without"} payload`,
      before: HELLO,
      delivered: ["message:text:hello"],
      broken: { opcode, payload: withPayload ? "xyz" : undefined },
      error: "WS_ERR_INVALID_OPCODE",
    }))
  ),
  {
    name: "a continuation after a complete fragmented message",
    before: [{ opcode: 1, fin: false, payload: "hel" }, { opcode: 0, payload: "lo" }],
    delivered: ["message:text:hello"],
    broken: { opcode: 0, payload: "x" },
    error: "WS_ERR_INVALID_CONTINUATION",
  },
];

/** Send `specs` in one write, masked as the peer's role requires. */
function chop(pair: Pair, specs: FrameSpec[]): void {
  pair.peer.write(concat(specs.map((spec) => frame({ ...spec, mask: pair.role === "server" }))));
}

/** The application echoes every message it gets, as it gets it. */
function echo(pair: Pair): void {
  pair.ws.addEventListener("message", (event) => pair.ws.send((event as MessageEvent).data));
}

/** Every frame the peer receives until our close frame, as "opcode:text", then the close code; and what follows it. */
async function wire(pair: Pair): Promise<{ frames: string[]; after: number }> {
  const frames: string[] = [];
  for (;;) {
    const next = await pair.peer.readFrame();
    if (next.opcode === 8) {
      frames.push(`close:${(next.payload[0] << 8) | next.payload[1]}`);
      break;
    }
    frames.push(`${next.opcode}:${new TextDecoder().decode(next.payload)}`);
  }
  pair.peer.end();
  await pair.closed;
  await pair.peer.closed;
  return { frames, after: pair.peer.buffered.length };
}

for (const role of ROLES) {
  describe(`what came before a protocol error is delivered and answered first: the ${role}`, () => {
    it("a valid message, then X, then a ping, in one read: the echo, then close 1002; no pong", async () => {
      const h = await harness(role);
      const wrong: string[] = [];
      await pool(CASES.length, 8, async (index) => {
        const { name, before, delivered, broken, error } = CASES[index];
        const pair = await h.open();
        echo(pair);
        chop(pair, [...before, broken, { opcode: 9, payload: "p" }]);
        const { frames, after } = await wire(pair);
        const seen = `${frames.join(" ")} | ${pair.log.join(" ")} | ${after} bytes after`;
        const log = [...delivered, `error:${error}`, "close:1006:false"].join(" ");
        const expected = `1:hello close:1002 | ${log} | 0 bytes after`;
        if (seen !== expected) wrong.push(`${name}: ${seen}`);
      });
      await h.close();
      assert.deepEqual(wrong, []);
    });

    it("several messages before the error are echoed in byte order; a message after it is not delivered", async () => {
      const h = await harness(role);
      const pair = await h.open();
      echo(pair);
      chop(pair, [
        { opcode: 1, payload: "one" },
        { opcode: 9, payload: "p1" },
        { opcode: 1, payload: "two" },
        { opcode: 2, payload: "three" },
        { opcode: 5, payload: "" },
        { opcode: 1, payload: "after" },
        { opcode: 9, payload: "p2" },
      ]);
      const { frames, after } = await wire(pair);
      await h.close();
      // The pong answers as its ping is parsed (RFC 6455 §5.5.2 asks for it "as soon as practical"):
      // ahead of the echoes, which wait for the application.
      assert.deepEqual(frames, ["10:p1", "1:one", "1:two", "2:three", "close:1002"]);
      assert.deepEqual(pair.log, [
        "message:text:one",
        "ping:2",
        "message:text:two",
        "message:binary:5",
        "error:WS_ERR_INVALID_OPCODE",
        "close:1006:false",
      ]);
      assert.equal(after, 0);
    });

    it("a reply the application sends after the close frame went out is counted in bufferedAmount, not lost", async () => {
      const h = await harness(role);
      const pair = await h.open();
      let counted = -1;
      pair.ws.addEventListener("error", () => {
        pair.ws.send("too late");
        counted = pair.ws.bufferedAmount;
      });
      chop(pair, [{ opcode: 1, payload: "hello" }, { opcode: 3 }]);
      const { frames } = await wire(pair);
      await h.close();
      assert.deepEqual(frames, ["close:1002"]);
      assert.ok(counted >= "too late".length, `bufferedAmount ${counted}`);
    });

    it("fail-fast stays fail-fast: invalid UTF-8 fails with 1007 at once, after what came before it", async () => {
      const h = await harness(role);
      const pair = await h.open();
      echo(pair);
      // The broken text message is left unfinished: the close must not wait for its end.
      chop(pair, [{ opcode: 1, payload: "hello" }, { opcode: 1, fin: false, length: 100, payload: hex("61 ff") }]);
      const { frames, after } = await wire(pair);
      await h.close();
      assert.deepEqual(frames, ["1:hello", "close:1007"]);
      assert.deepEqual(pair.log, ["message:text:hello", "error:WS_ERR_INVALID_UTF8", "close:1006:false"]);
      assert.equal(after, 0);
    });
  });
}

describe("what came before a protocol error is delivered and answered first: the client, in the read that brings the 101", () => {
  it("open, then the message and its echo, then close 1002; no pong", async () => {
    let reached!: (socket: RawSocket) => void;
    const reachedPeer = new Promise<RawSocket>((resolve) => reached = resolve);
    const server = await rawServer(async (socket) => {
      const head = await socket.readHead();
      const frames = concat([frame({ opcode: 1, payload: "hello" }), frame({ opcode: 6 }), frame({ opcode: 9 })]);
      const answer = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Accept: ${acceptFor(keyOf(head))}\r\n\r\n`;
      socket.write(concat([new TextEncoder().encode(answer), frames]));
      // Handed over once the request head is consumed: from here on, the stream is frames.
      reached(socket);
    });
    try {
      const ws = new WebSocket(server.url);
      const log: string[] = [];
      ws.addEventListener("open", () => log.push("open"));
      ws.addEventListener("message", (event) => {
        log.push(`message:${(event as MessageEvent).data}`);
        ws.send((event as MessageEvent).data);
      });
      ws.addEventListener(
        "error",
        (event) => log.push(`error:${((event as ErrorEvent).error as { code?: string }).code}`),
      );
      const closed = new Promise((resolve) => ws.addEventListener("close", resolve));
      const peer = await reachedPeer;
      const echo = await peer.readFrame();
      const close = await peer.readFrame();
      peer.end();
      await closed;
      await peer.closed;
      assert.deepEqual([echo.opcode, new TextDecoder().decode(echo.payload)], [1, "hello"]);
      assert.deepEqual([close.opcode, (close.payload[0] << 8) | close.payload[1]], [8, 1002]);
      assert.equal(peer.buffered.length, 0, "no pong");
      assert.deepEqual(log, ["open", "message:hello", "error:WS_ERR_INVALID_OPCODE"]);
    } finally {
      await server.close();
    }
  });
});
