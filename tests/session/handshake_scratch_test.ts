// Reads before the switch to frames on a transport that reads into lent
// memory: the handshake reader gets a copy of each read, and a read lent
// before the switch that lands after it carries the first frames.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Session } from "../../src/session/session.ts";
import { HandshakeScratch } from "../../src/session/handshake_scratch.ts";
import { ON_MESSAGE } from "../../src/session/contract.ts";
import { loadCodec } from "../../src/codec/load.ts";
import type { Transport } from "../../src/transport/types.ts";
import { frame } from "../_helpers/frames.ts";

function lending(): { session: Session; received: Uint8Array[]; messages: string[] } {
  const received: Uint8Array[] = [];
  const messages: string[] = [];
  const transport: Transport = {
    capabilities: { lentBuffer: true },
    remoteAddress: undefined,
    writableLength: 0,
    start: () => {},
    write: () => true,
    pause: () => {},
    resume: () => {},
    end: () => {},
    destroy: () => {},
  };
  const session = new Session(transport, { [ON_MESSAGE]: (data) => messages.push(String(data)) });
  session.startHandshake({ onData: (bytes) => received.push(bytes), onClosed: () => {} });
  return { session, received, messages };
}

const ascii = (text: string) => new TextEncoder().encode(text);

describe("Session reads before frames", () => {
  it("the handshake reader gets a copy of what a lent read brought", () => {
    const { session, received } = lending();
    const region = session.buffer();
    region.set(ascii("GET / HTTP/1.1\r\n"));
    session.onRead(16);
    region.fill(0);
    assert.deepEqual(received, [ascii("GET / HTTP/1.1\r\n")]);
  });

  it("a read lent before the switch that lands after it is the first frame, and the next read is not lent the scratch", async () => {
    const { session, received, messages } = lending();
    const region = session.buffer();
    session.open(await loadCodec(), "server", new Uint8Array(0));
    const hello = frame({ opcode: 1, payload: "hello", mask: true });
    region.set(hello);
    session.onRead(hello.length);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(messages, ["hello"]);
    assert.deepEqual(received, []);
    assert.notEqual(session.buffer().buffer, region.buffer);
  });
});

describe("HandshakeScratch", () => {
  it("lends one region again and again", () => {
    const scratch = new HandshakeScratch();
    assert.equal(scratch.lent, false);
    const first = scratch.lend();
    assert.equal(first.length, 16 * 1024);
    assert.equal(scratch.lend(), first);
    assert.equal(scratch.lent, true);
  });
});
