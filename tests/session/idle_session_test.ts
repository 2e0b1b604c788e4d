// A session makes its decoder, send ledger and event queue at first use, not
// when it opens (idle server connections are many): whatever is used first
// after a connection sat idle must behave as if it had been there all along.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Session } from "../../src/session/session.ts";
import { ON_CLOSE, ON_MESSAGE, type SessionEvents } from "../../src/session/contract.ts";
import { loadCodec } from "../../src/codec/load.ts";
import { Connection } from "../../src/protocol/connection.ts";
import { DEFAULT_LIMITS } from "../../src/protocol/defaults.ts";
import { concat, frame, toHex } from "../_helpers/frames.ts";
import { fakeTransport } from "../_helpers/fake_transport.ts";

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("an idle session", () => {
  it("reports nothing buffered and is drained at once before it ever sent a frame", async () => {
    const { transport } = fakeTransport();
    const session = new Session(transport, {});
    session.open(await loadCodec(), "server", new Uint8Array(0));
    assert.equal(session.bufferedAmount, 0);
    let drained = false;
    await session.drained().then(() => drained = true);
    assert.equal(drained, true);
  });

  it("delivers the first message after idling, and counts its reply until the transport has it", async () => {
    const { transport, written } = fakeTransport();
    const messages: unknown[] = [];
    const session: Session = new Session(transport, {
      [ON_MESSAGE]: (data) => {
        messages.push(data);
        session.send(`re:${data}`);
      },
    });
    session.open(await loadCodec(), "server", new Uint8Array(0));
    await tick();
    // The reply's 5 payload bytes sit in the transport's queue (7 with the header).
    transport.writableLength = 7;
    session.onData(frame({ opcode: 1, payload: "hi", mask: true }));
    await tick();
    assert.deepEqual(messages, ["hi"]);
    assert.equal(toHex(concat(written)), toHex(frame({ opcode: 1, payload: "re:hi" })));
    assert.equal(session.bufferedAmount, 5);
    let drained = false;
    const waiting = session.drained().then(() => drained = true);
    await tick();
    assert.equal(drained, false);
    transport.writableLength = 0;
    session.onDrain();
    await waiting;
    assert.equal(session.bufferedAmount, 0);
  });

  it("closes cleanly when the peer's close frame is the first thing it reads", async () => {
    const { transport, written, sink } = fakeTransport();
    const closes: unknown[] = [];
    const events: SessionEvents = { [ON_CLOSE]: (code, reason, wasClean) => closes.push([code, reason, wasClean]) };
    const session = new Session(transport, events);
    session.open(await loadCodec(), "server", new Uint8Array(0));
    await tick();
    session.onData(frame({ opcode: 8, payload: new Uint8Array([0x03, 0xe8]), mask: true }));
    // The server echoes the close frame, then the transport goes.
    assert.equal(toHex(concat(written)), toHex(frame({ opcode: 8, payload: new Uint8Array([0x03, 0xe8]) })));
    sink().onClosed();
    await tick();
    assert.deepEqual(closes, [[1000, "", true]]);
  });
});

describe("reading held or corked first after idling", () => {
  it("pauses the transport when the owner holds reading before any event, and resumes it when released", async () => {
    const { transport, log } = fakeTransport();
    const session = new Session(transport, {});
    session.open(await loadCodec(), "server", new Uint8Array(0));
    await tick();
    session.resumeReading();
    assert.deepEqual(log, [], "releasing a hold never taken resumes nothing");
    session.pauseReading();
    session.pauseReading();
    assert.deepEqual(log, ["pause"]);
    session.resumeReading();
    session.resumeReading();
    assert.deepEqual(log, ["pause", "resume"]);
  });

  it("keeps the owner's hold across a read delivered meanwhile", async () => {
    const { transport, log } = fakeTransport();
    const messages: unknown[] = [];
    const session = new Session(transport, { [ON_MESSAGE]: (data) => void messages.push(data) });
    session.open(await loadCodec(), "server", new Uint8Array(0));
    session.pauseReading();
    // A read already under way is still delivered; the hold stays.
    session.onData(frame({ opcode: 1, payload: "late", mask: true }));
    await tick();
    assert.deepEqual(messages, ["late"]);
    assert.deepEqual(log, ["pause"]);
    session.resumeReading();
    assert.deepEqual(log, ["pause", "resume"]);
  });

  it("uncorks after the events of the first read, its replies inside the cork", async () => {
    const { transport, log } = fakeTransport({ cork: true });
    const session: Session = new Session(transport, { [ON_MESSAGE]: (data) => void session.send(`re:${data}`) });
    session.open(await loadCodec(), "server", new Uint8Array(0));
    await tick();
    assert.deepEqual(log, []);
    for (const payload of ["a", "b"]) {
      session.onData(frame({ opcode: 1, payload, mask: true }));
      await tick();
    }
    assert.deepEqual(log, [
      "cork",
      `write ${toHex(frame({ opcode: 1, payload: "re:a" }))}`,
      "uncork",
      "cork",
      `write ${toHex(frame({ opcode: 1, payload: "re:b" }))}`,
      "uncork",
    ]);
  });
});

describe("a connection that never read", () => {
  it("ignores input once disposed, its decoder made only to be dead", async () => {
    const seen: string[] = [];
    const connection = new Connection(await loadCodec(), "server", {
      onWrite: () => seen.push("write"),
      onMessage: (data) => seen.push(`message ${data}`),
      onPing: () => seen.push("ping"),
      onPong: () => seen.push("pong"),
      onPeerClose: () => seen.push("close"),
      onProtocolError: () => seen.push("error"),
      onEndTransport: () => seen.push("end"),
    }, DEFAULT_LIMITS);
    connection.dispose();
    connection.push(frame({ opcode: 1, payload: "late", mask: true }));
    connection.push(frame({ opcode: 9, payload: "", mask: true }));
    assert.deepEqual(seen, []);
  });
});
