// RFC 6455 §5.2 framing, both roles, through the whole engine: a raw peer
// sends every length class (whole, and one byte per write for the small
// ones); our side echoes; the bytes it sends back are checked exactly.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, WebSocket } from "../../src/mod.ts";
import { accept101, rawClient, rawServer, type RawSocket, upgradeRequest } from "../_helpers/raw_peer.ts";
import { frame } from "../_helpers/frames.ts";

const LENGTHS = [0, 1, 125, 126, 127, 65535, 65536, 16 * 1024 * 1024];

function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + 3) & 0xff;
  return out;
}

function lengthBytes(length: number): number {
  return length < 126 ? 0 : length < 65536 ? 2 : 8;
}

async function sendSlowly(peer: RawSocket, bytes: Uint8Array): Promise<void> {
  for (const byte of bytes) {
    peer.write(Uint8Array.of(byte));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** Read one frame and check its header encoding too. */
async function readEcho(peer: RawSocket, masked: boolean, length: number, opcode: number) {
  const head = peer.buffered.length >= 2 ? peer.buffered.slice(0, 2) : undefined;
  const reply = await peer.readFrame(20_000);
  assert.equal(reply.opcode, opcode);
  assert.equal(reply.fin, true);
  assert.equal(reply.masked, masked, masked ? "client frames are masked" : "server frames are not masked");
  assert.equal(reply.payload.length, length);
  if (head) {
    const len7 = head[1] & 0x7f;
    assert.equal(len7 === 126 ? 2 : len7 === 127 ? 8 : 0, lengthBytes(length), "minimal length encoding");
  }
  return reply.payload;
}

describe("RFC 6455 §5.2 framing: the client role", () => {
  it("every length class, text and binary, whole and byte by byte; echoed frames are masked and minimal", async () => {
    const server = await rawServer(async (peer) => {
      await accept101(peer);
      for (const length of LENGTHS) {
        for (const opcode of [1, 2]) {
          const payload = opcode === 1
            ? new TextEncoder().encode("é".repeat(length >> 1) + "a".repeat(length & 1))
            : pattern(length);
          const bytes = frame({ opcode, payload });
          if (length <= 127) await sendSlowly(peer, bytes);
          else peer.write(bytes);
          const echoed = await readEcho(peer, true, payload.length, opcode);
          assert.deepEqual(echoed, payload, `length ${length} opcode ${opcode}`);
        }
      }
      peer.write(frame({ opcode: 8, payload: Uint8Array.of(3, 232) }));
      await peer.readFrame();
      peer.end();
    });
    const ws = new WebSocket(server.url, { maxPayload: 32 * 1024 * 1024 });
    ws.binaryType = "arraybuffer";
    ws.onmessage = (event) => ws.send(event.data);
    const close = await new Promise<CloseEvent>((resolve) => ws.onclose = (event) => resolve(event as CloseEvent));
    await server.close();
    assert.deepEqual([close.code, close.wasClean], [1000, true]);
  });
});

describe("RFC 6455 §5.2 framing: the server role", () => {
  it("every length class, text and binary, whole and byte by byte; echoed frames are unmasked and minimal", async () => {
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      maxPayload: 32 * 1024 * 1024,
      websocket(ws) {
        ws.binaryType = "arraybuffer";
        ws.addEventListener("message", (event) => ws.send(event.data));
      },
    });
    const peer = await rawClient(server.address.port);
    peer.write(upgradeRequest(server.address.port));
    await peer.readHead();
    for (const length of LENGTHS) {
      for (const opcode of [1, 2]) {
        const payload = opcode === 1
          ? new TextEncoder().encode("é".repeat(length >> 1) + "a".repeat(length & 1))
          : pattern(length);
        const bytes = frame({ opcode, payload, mask: true });
        if (length <= 127) await sendSlowly(peer, bytes);
        else peer.write(bytes);
        const echoed = await readEcho(peer, false, payload.length, opcode);
        assert.deepEqual(echoed, payload, `length ${length} opcode ${opcode}`);
      }
    }
    peer.destroy();
    await server.shutdown({ timeout: 500 });
  });
});
