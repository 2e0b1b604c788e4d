// The session's driving rules seen through a scripted transport: what it
// writes, and when it lets a corking transport hold writes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Session } from "../../src/session/session.ts";
import { ON_CLOSE, ON_ERROR, ON_MESSAGE } from "../../src/session/contract.ts";
import { loadCodec } from "../../src/codec/load.ts";
import { resolveSessionOptions } from "../../src/session/options.ts";
import { VirtualClock } from "../_helpers/virtual_clock.ts";
import { concat, frame, toHex } from "../_helpers/frames.ts";
import { fakeTransport } from "../_helpers/fake_transport.ts";

/** Server frames of these tests: 2-byte header, text payload. */
const showText = (bytes: Uint8Array) => new TextDecoder().decode(bytes.subarray(2));

/** An open server session whose listener answers every message with "re:" and the message. */
async function answering(corks: boolean): Promise<{ session: Session; log: string[] }> {
  const { transport, log } = fakeTransport({ cork: corks, show: showText });
  const session: Session = new Session(transport, {
    [ON_MESSAGE]: (data) => session.send(`re:${data}`),
  });
  session.open(await loadCodec(), "server", new Uint8Array(0));
  return { session, log };
}

const texts = (...words: string[]) => concat(words.map((word) => frame({ opcode: 1, payload: word, mask: true })));

describe("Session", () => {
  it("a corking transport holds the replies to one read only until that read's messages are delivered", async () => {
    const { session, log } = await answering(true);
    // Reads back to back, as a runtime delivers them under a steady stream:
    // the later ones arrive while the first one's messages are still being delivered.
    session.onData(texts("a", "b"));
    session.onData(texts("c"));
    session.onData(texts("d"));
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The first message is delivered at once, inside the first data() call;
    // each read's replies are let go as soon as its own messages are delivered.
    // A read arriving behind one still being delivered pauses reading until all are.
    assert.deepEqual(log, [
      "cork",
      "write re:a",
      "cork",
      "pause",
      "cork",
      "write re:b",
      "uncork",
      "write re:c",
      "uncork",
      "write re:d",
      "uncork",
      "resume",
    ]);
  });

  it("a transport without cork gets each reply as it is sent", async () => {
    const { session, log } = await answering(false);
    session.onData(texts("a", "b"));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(log, ["write re:a", "write re:b"]);
  });
});

describe("Session failures", () => {
  it("the first failure wins: a full send buffer is not replaced by a protocol error that follows", async () => {
    const { transport, log, sink } = fakeTransport({ holdWrites: true, show: (bytes) => toHex(bytes.subarray(0, 4)) });
    const seen: string[] = [];
    const session = new Session(transport, {
      [ON_ERROR]: (error) => seen.push(`error ${(error as { code?: string }).code}`),
      [ON_CLOSE]: (code, _reason, wasClean) => seen.push(`close ${code} ${wasClean}`),
    }, resolveSessionOptions({ highWaterMark: 4, onBufferFull: "close" }));
    session.open(await loadCodec(), "server", new Uint8Array(0));
    session.send("more than four bytes");
    // The peer's next frame breaks the protocol (a reserved opcode): it must not take over.
    sink().onData(frame({ opcode: 3, mask: true }));
    sink().onClosed();
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(seen, ["error WS_ERR_BUFFER_FULL", "close 1006 false"]);
    assert.deepEqual(log, ["write 81 14 6d 6f", "write 88 27 03 f0", "end"], "one close frame: 1008");
  });
});

describe("Session timers on a virtual clock", () => {
  /** An open server session over a logging transport; time moves only by `clock.advance`. */
  async function timed(options: Parameters<typeof resolveSessionOptions>[0]) {
    // These tests watch the wire: reading held while a read is delivered is not their subject.
    const { transport, log, sink } = fakeTransport({ logReading: false, show: (bytes) => toHex(bytes.subarray(0, 2)) });
    const seen: string[] = [];
    const errors: Array<{ code?: string; message: string }> = [];
    const clock = new VirtualClock();
    const session = new Session(
      transport,
      {
        [ON_ERROR]: (error) => {
          errors.push(error as { code?: string; message: string });
          seen.push(`error ${(error as { code?: string }).code}`);
        },
        [ON_CLOSE]: (code, _reason, wasClean) => seen.push(`close ${code} ${wasClean}`),
      },
      resolveSessionOptions(options),
      clock,
    );
    session.open(await loadCodec(), "server", new Uint8Array(0));
    return { session, log, seen, errors, clock, sink };
  }

  it("idleTimeout: a silent peer is pinged after the timeout, and dropped when it stays silent (1006)", async () => {
    const { log, seen, clock } = await timed({ idleTimeout: 1000 });
    clock.advance(999);
    assert.deepEqual(log, []);
    clock.advance(500);
    assert.deepEqual(log, ["write 89 00"], "an empty ping");
    clock.advance(1000);
    assert.deepEqual(log, ["write 89 00", "destroy"], "no close frame: nobody would read it");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(seen, ["error WS_ERR_IDLE_TIMEOUT", "close 1006 false"]);
    assert.equal(clock.pending, 0);
  });

  it("idleTimeout: the error names the setting and its value, so a user knows which knob fired", async () => {
    const { clock, errors } = await timed({ idleTimeout: 1000 });
    clock.advance(3000);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, "WS_ERR_IDLE_TIMEOUT");
    assert.match(errors[0].message, /^Cannot .*: .*idleTimeout \(1000 ms\)/);
  });

  it("idleTimeout: any input, a pong included, keeps the peer", async () => {
    const { log, clock, sink } = await timed({ idleTimeout: 1000 });
    for (let i = 0; i < 10; i++) {
      clock.advance(900);
      sink().onData(frame({ opcode: 1, payload: "x", mask: true }));
    }
    assert.deepEqual(log, []);
    clock.advance(1500);
    assert.deepEqual(log, ["write 89 00"]);
    sink().onData(frame({ opcode: 10, mask: true }));
    // Without the pong, the probe would have ended the connection at 1000 ms after it; instead a new
    // silence is measured from the pong, and probed again.
    clock.advance(1400);
    assert.deepEqual(log, ["write 89 00", "write 89 00"], "the pong counted: probed again, not dropped");
  });

  it("closeTimeout: a peer that never closes the transport after our close frame is dropped then, not before", async () => {
    const { session, log, seen, clock } = await timed({ closeTimeout: 3000 });
    session.close(1000, "");
    assert.deepEqual(log, ["write 88 02"]);
    clock.advance(2999);
    assert.deepEqual(log, ["write 88 02"]);
    clock.advance(1);
    assert.deepEqual(log, ["write 88 02", "destroy"]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(seen, ["close 1006 false"]);
  });
});
