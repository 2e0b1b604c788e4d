// WHATWG send(): the bytes sent are the data at the time of the call. A
// handler that echoes each large binary message and then overwrites it (and
// the bytes around it in its buffer) while the peer does not read, so the
// echoes queue behind partial writes: the peer must still receive every
// message as it was sent, framed per RFC 6455 §5.2 (unmasked, FIN, binary).
// On Bun a 64 KiB message is often kept in the read it came in, a view of it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { concat, frame } from "../_helpers/frames.ts";
import { upgraded, withServer } from "../_helpers/handler_server.ts";

function pattern(size: number, index: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + index * 7 + 1) & 0xff;
  return bytes;
}

/** Parse `bytes` as server frames: header fields and payload of each. */
function frames(bytes: Uint8Array): Array<{ first: number; masked: boolean; payload: Uint8Array }> {
  const out = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    const first = bytes[at];
    const masked = (bytes[at + 1] & 0x80) !== 0;
    let length = bytes[at + 1] & 0x7f;
    at += 2;
    if (length === 126) {
      length = view.getUint16(at);
      at += 2;
    } else if (length === 127) {
      length = Number(view.getBigUint64(at));
      at += 8;
    }
    if (masked) at += 4;
    out.push({ first, masked, payload: bytes.subarray(at, at + length) });
    at += length;
  }
  return out;
}

describe("send() takes a snapshot of its data", () => {
  // 64 KiB messages often lie whole in a read; 1 MiB ones span reads and are assembled.
  for (const [SIZE, COUNT] of [[64 * 1024, 128], [1024 * 1024, 12]]) {
    it(`${COUNT} echoed ${SIZE}-byte messages, each overwritten right after send() while the peer does not read`, async () => {
      let handled = 0;
      let backedUp = false;
      let inPlace = 0;
      let inPlaceQueued = 0;
      let allHandled!: () => void;
      const done = new Promise<void>((resolve) => allHandled = resolve);
      await withServer({
        websocket: {
          message(ws, data) {
            const bytes = data as Uint8Array;
            const queuedBefore = ws.bufferedAmount;
            ws.send(bytes);
            // The message is the application's: overwritten at once.
            bytes.fill(0xee);
            if (ws.bufferedAmount > queuedBefore && queuedBefore > 0) backedUp = true;
            // A view of a larger buffer: kept in the read it came in (Bun).
            if (bytes.byteLength < bytes.buffer.byteLength) {
              inPlace++;
              if (ws.bufferedAmount > 0) inPlaceQueued++;
            }
            if (++handled === COUNT) allHandled();
          },
        },
      }, async (server) => {
        const peer = await upgraded(server.address.port);
        peer.socket.pause();
        const received: Uint8Array[] = [];
        let size = 0;
        const expected = COUNT * (SIZE + (SIZE < 65536 ? 4 : 10));
        let complete!: () => void;
        const all = new Promise<void>((resolve) => complete = resolve);
        peer.socket.on("data", (chunk: Uint8Array) => {
          received.push(chunk);
          size += chunk.length;
          if (size >= expected) complete();
        });
        peer.socket.pause();
        // One write per message, some two at once: reads hold one message or several.
        for (let i = 0; i < COUNT; i++) {
          peer.write(frame({ opcode: 2, payload: pattern(SIZE, i), mask: true }));
          if (i % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        }
        await done;
        assert.ok(backedUp, "the echoes queued behind the unread socket");
        // On Bun, 64 KiB messages lie whole in a read now and then; 1 MiB ones never do.
        if ("Bun" in globalThis && SIZE < 1024 * 1024) {
          assert.ok(inPlace > 0, "some messages were kept in their read");
          assert.ok(inPlaceQueued > 0, "some of those were echoed while the socket was backed up");
        }
        peer.socket.resume();
        await all;
        const echoed = frames(concat(received));
        assert.equal(echoed.length, COUNT);
        for (let i = 0; i < COUNT; i++) {
          assert.equal(echoed[i].first, 0x82, `message ${i}: FIN, binary`);
          assert.equal(echoed[i].masked, false);
          assert.ok(
            echoed[i].payload.length === SIZE &&
              echoed[i].payload.every((byte, k) => byte === ((k * 31 + i * 7 + 1) & 0xff)),
            `message ${i} arrived as it was when sent`,
          );
        }
        peer.destroy();
      });
    });
  }
});
