// Large messages a client receives (RFC 6455 §5.2, §5.6, §7.4.1; WHATWG
// WebSockets "a WebSocket message has been received"): unmasked server frames
// far longer than one socket read, written in pieces and back to back, must
// arrive byte-exact as an ArrayBuffer or a Blob of exactly their length, text
// split mid-code-point must decode, invalid UTF-8 must fail the connection
// with 1007 and an over-long frame with 1009 as soon as its header is read.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "../../src/mod.ts";
import { accept101, rawServer, type RawSocket } from "../_helpers/raw_peer.ts";
import { concat, frame } from "../_helpers/frames.ts";

/** A payload no two offsets of which repeat within 251 bytes, so a misplaced piece shows. */
function pattern(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + seed) % 251;
  return bytes;
}

/** Write `bytes` in pieces of the given sizes (cycled), letting the socket drain between them. */
async function writeInPieces(peer: RawSocket, bytes: Uint8Array, sizes: number[]): Promise<void> {
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const end = Math.min(offset + sizes[i % sizes.length], bytes.length);
    if (peer.ended) return; // the client failed the connection and left
    if (!peer.socket.write(bytes.subarray(offset, end))) {
      await Promise.race([new Promise((resolve) => peer.socket.once("drain", resolve)), peer.closed]);
    } else await new Promise((resolve) => setTimeout(resolve, 0));
    offset = end;
  }
}

/** Open a client with `binaryType` to a raw server running `script`; collect `count` messages. */
async function receive(
  binaryType: "arraybuffer" | "blob",
  count: number,
  script: (peer: RawSocket) => Promise<void>,
  options: { maxPayload?: number } = {},
): Promise<{ messages: unknown[]; close: { code: number; wasClean: boolean } }> {
  let done: Promise<void> = Promise.resolve();
  const server = await rawServer((raw) => {
    done = accept101(raw).then(() => script(raw));
    return done;
  });
  try {
    const socket = new WebSocket(server.url, options);
    socket.binaryType = binaryType;
    const messages: unknown[] = [];
    const closed = new Promise<{ code: number; wasClean: boolean }>((resolve) => {
      socket.onclose = (event) => resolve({ code: event.code, wasClean: event.wasClean });
    });
    const all = new Promise<void>((resolve) => {
      socket.onmessage = (event: MessageEvent) => {
        messages.push(event.data);
        if (messages.length === count) resolve();
      };
    });
    const first = await Promise.race([all.then(() => undefined), closed]);
    if (first === undefined) socket.close(1000);
    const close = await closed;
    await done;
    return { messages, close };
  } finally {
    await server.close();
  }
}

/** Answer the client's closing handshake (its close frame echoed), then end. */
async function echoClose(peer: RawSocket): Promise<void> {
  const close = await peer.readFrame();
  peer.write(frame({ opcode: 8, payload: close.payload }));
  peer.end();
}

/** Read the client's close frame (masked, as a client's must be), wait for its FIN, end ours: its status code. */
async function closeCodeFrom(peer: RawSocket): Promise<number> {
  const reply = await peer.readFrame();
  assert.equal(reply.opcode, 8);
  assert.equal(reply.masked, true);
  await peer.waitEnd();
  peer.end();
  return (reply.payload[0] << 8) | reply.payload[1];
}

async function bytesOf(data: unknown): Promise<Uint8Array> {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  assert.ok(data instanceof Blob, "a Blob");
  return new Uint8Array(await data.arrayBuffer());
}

describe("large unmasked messages spanning many reads (client side)", () => {
  const sizes = [1_000_003, 65_536, 70_000, 4_097, 20];
  for (const binaryType of ["arraybuffer", "blob"] as const) {
    it(`binary messages of ${sizes.join(", ")} bytes, back to back and in odd pieces, arrive exact as ${binaryType}`, async () => {
      const payloads = sizes.map((size, i) => pattern(size, i));
      // One fragmented message too: a long binary frame, then a long continuation.
      const fragmented = pattern(300_001, 99);
      const stream = concat([
        ...payloads.map((payload) => frame({ opcode: 2, payload })),
        frame({ opcode: 2, fin: false, payload: fragmented.subarray(0, 150_000) }),
        frame({ opcode: 0, payload: fragmented.subarray(150_000) }),
      ]);
      const { messages } = await receive(binaryType, sizes.length + 1, async (peer) => {
        await writeInPieces(peer, stream, [200_001, 3, 65_537, 9_000, 131_071]);
        await echoClose(peer);
      });
      assert.equal(messages.length, sizes.length + 1);
      for (const [i, expected] of [...payloads, fragmented].entries()) {
        const data = messages[i];
        if (binaryType === "arraybuffer") assert.ok(data instanceof ArrayBuffer, `message ${i} is an ArrayBuffer`);
        else assert.ok(data instanceof Blob, `message ${i} is a Blob`);
        const got = await bytesOf(data);
        assert.equal(got.length, expected.length, `message ${i}: length`);
        assert.ok(got.every((byte, j) => byte === expected[j]), `message ${i}: bytes`);
      }
    });
  }

  it("a long text message split mid-code-point across writes decodes to the text sent", async () => {
    const text = "aé€😀".repeat(40_000); // 1 + 2 + 3 + 4 bytes: every write below splits some character
    const encoded = new TextEncoder().encode(text);
    const { messages } = await receive("arraybuffer", 2, async (peer) => {
      const stream = concat([frame({ opcode: 1, payload: encoded }), frame({ opcode: 1, payload: "end" })]);
      await writeInPieces(peer, stream, [70_007, 5, 100_003, 7]);
      await echoClose(peer);
    });
    assert.equal(messages[0], text);
    assert.equal(messages[1], "end");
  });

  it("an invalid UTF-8 byte deep in a long text message fails the connection: close frame 1007", async () => {
    const encoded = new TextEncoder().encode("é".repeat(150_000));
    encoded[250_001] = 0xff; // never valid in UTF-8
    let sent = -1;
    const { messages, close } = await receive("arraybuffer", 1, async (peer) => {
      await writeInPieces(peer, frame({ opcode: 1, payload: encoded }), [65_536, 1_001]);
      sent = await closeCodeFrom(peer);
    });
    assert.deepEqual(messages, []);
    assert.equal(sent, 1007);
    // No close frame came back (§7.1.5): the connection's close code is 1006.
    assert.deepEqual(close, { code: 1006, wasClean: false });
  });

  it("a frame announcing more than maxPayload fails with 1009 on its header alone, before any payload", async () => {
    let sent = -1;
    const { messages, close } = await receive("arraybuffer", 1, async (peer) => {
      // Only the header of an 8 MiB binary frame: no payload byte follows it.
      peer.write(frame({ opcode: 2, length: 8 * 1024 * 1024 }));
      sent = await closeCodeFrom(peer);
    }, { maxPayload: 1024 * 1024 });
    assert.deepEqual(messages, []);
    assert.equal(sent, 1009);
    assert.deepEqual(close, { code: 1006, wasClean: false });
  });
});
