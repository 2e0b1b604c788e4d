// A server's small frames written in one turn leave joined in one write
// (on Bun through one buffer all connections share). Two peers that do not
// read make both connections back up behind partial writes while the other
// keeps writing: each peer must still receive exactly its own frames, in
// order, each as it was sent (RFC 6455 §5.2: unmasked, FIN, binary).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { upgraded, withServer } from "../_helpers/handler_server.ts";
import type { WebSocket } from "../../src/mod.ts";

const SIZE = 1000;
const PER_TURN = 60; // 60 KiB of frames a turn: joined, not sent one by one

function payload(peer: number, index: number): Uint8Array {
  const bytes = new Uint8Array(SIZE);
  for (let i = 0; i < SIZE; i++) bytes[i] = (i * 13 + index * 7 + peer * 101) & 0xff;
  return bytes;
}

describe("frames joined per turn", () => {
  it("two backed-up connections written in turns each receive their own frames, whole and in order", async () => {
    const sent = [0, 0];
    const backedUp = [false, false];
    let allSent!: () => void;
    const done = new Promise<void>((resolve) => allSent = resolve);
    const sockets: WebSocket[] = [];
    let asked!: () => void;
    const bothAsked = new Promise<void>((resolve) => asked = resolve);
    // A turn for each peer in turn, until both have backed up, and 20 turns more.
    let more = 20;
    const turn = () => {
      for (const peer of [0, 1]) {
        const ws = sockets[peer];
        // Still buffered from the last turn, whose frames were handed to the socket since.
        if (ws.bufferedAmount > 0) backedUp[peer] = true;
        for (let i = 0; i < PER_TURN; i++) ws.send(payload(peer, sent[peer]++));
      }
      if (backedUp[0] && backedUp[1]) more--;
      if (more > 0) setTimeout(turn, 2);
      else allSent();
    };
    await withServer({
      websocket: {
        message(ws) {
          sockets.push(ws);
          if (sockets.length === 2) asked();
        },
      },
    }, async (server) => {
      const peers = [await upgraded(server.address.port), await upgraded(server.address.port)];
      for (const peer of peers) {
        peer.socket.pause();
        // Masked "go" (RFC 6455 §5.3): the server starts writing to both once both asked.
        peer.write(new Uint8Array([0x82, 0x80, 1, 2, 3, 4]));
      }
      await bothAsked;
      // The sockets in the order their peers asked: peer 0's go went first, but may arrive second.
      if (sockets[0].remoteAddress?.port !== peers[0].socket.localPort) sockets.reverse();
      turn();
      await done;
      assert.deepEqual(backedUp, [true, true], "both connections queued behind unread sockets");
      for (const [i, peer] of peers.entries()) {
        peer.socket.resume();
        const bytes = await peer.read(sent[i] * (SIZE + 4), 30_000);
        for (let k = 0; k < sent[i]; k++) {
          const at = k * (SIZE + 4);
          assert.deepEqual(
            [...bytes.subarray(at, at + 4)],
            [0x82, 126, SIZE >> 8, SIZE & 0xff],
            `peer ${i} frame ${k}`,
          );
          const want = payload(i, k);
          assert.ok(
            bytes.subarray(at + 4, at + 4 + SIZE).every((b, j) => b === want[j]),
            `peer ${i} frame ${k} payload`,
          );
        }
        peer.destroy();
      }
      // Nothing more than what was sent, once both are read.
      for (const peer of peers) assert.equal(peer.buffered.length, 0);
    });
  });
});
