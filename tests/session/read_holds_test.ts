// Receive backpressure in the session: the owner's pauseReading/resumeReading,
// and the hold the session takes itself while delivery is behind reads (a
// read arriving before the previous one's events are delivered), seen as the
// pause/resume calls a scripted transport gets.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Session } from "../../src/session/session.ts";
import { ReadHolds } from "../../src/session/read_holds.ts";
import { EventQueue } from "../../src/session/event_queue.ts";
import { ON_MESSAGE } from "../../src/session/contract.ts";
import { loadCodec } from "../../src/codec/load.ts";
import type { Transport } from "../../src/transport/types.ts";
import { concat, frame } from "../_helpers/frames.ts";

async function opened(): Promise<{ session: Session; log: string[]; messages: string[] }> {
  const log: string[] = [];
  const messages: string[] = [];
  const transport: Transport = {
    capabilities: { lentBuffer: false },
    remoteAddress: undefined,
    writableLength: 0,
    start: () => {},
    write: () => true,
    pause: () => log.push("pause"),
    resume: () => log.push("resume"),
    end: () => {},
    destroy: () => {},
  };
  const session = new Session(transport, { [ON_MESSAGE]: (data) => messages.push(String(data)) });
  session.open(await loadCodec(), "server", new Uint8Array(0));
  return { session, log, messages };
}

const texts = (...words: string[]) => concat(words.map((word) => frame({ opcode: 1, payload: word, mask: true })));
const idle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("Session read holds", () => {
  it("pauseReading pauses the transport once, resumeReading resumes it once", async () => {
    const { session, log } = await opened();
    session.pauseReading();
    session.pauseReading();
    session.resumeReading();
    session.resumeReading();
    assert.deepEqual(log, ["pause", "resume"]);
  });

  it("a read whose events are all delivered at once takes no hold", async () => {
    const { session, log, messages } = await opened();
    session.onData(texts("a"));
    await idle();
    session.onData(texts("b"));
    await idle();
    assert.deepEqual(messages, ["a", "b"]);
    assert.deepEqual(log, []);
  });

  it("a read arriving while the previous one's events are still delivered holds reading until they are", async () => {
    const { session, log, messages } = await opened();
    session.onData(texts("a", "b", "c"));
    session.onData(texts("d"));
    assert.deepEqual(log, ["pause"]);
    await idle();
    assert.deepEqual(messages, ["a", "b", "c", "d"]);
    assert.deepEqual(log, ["pause", "resume"]);
  });

  it("the owner's hold outlasts the session's own", async () => {
    const { session, log } = await opened();
    session.onData(texts("a", "b"));
    session.onData(texts("c"));
    session.pauseReading();
    await idle();
    assert.deepEqual(log, ["pause"], "still paused for the owner");
    session.resumeReading();
    assert.deepEqual(log, ["pause", "resume"]);
  });
});

describe("ReadHolds", () => {
  const holdsLogged = () => {
    const log: string[] = [];
    return { log, holds: new ReadHolds({ pause: () => log.push("pause"), resume: () => log.push("resume") }) };
  };

  it("releasing without a hold does not resume the transport", () => {
    const { log, holds } = holdsLogged();
    holds.resumeForOwner();
    assert.deepEqual(log, []);
  });

  it("a backlog hold lasts until the queue is idle, and is taken once however many reads arrive", async () => {
    const { log, holds } = holdsLogged();
    const queue = new EventQueue();
    queue.push(() => {});
    queue.push(() => {});
    const delivering = queue.flush();
    holds.holdUntilDelivered(queue);
    holds.holdUntilDelivered(queue);
    assert.deepEqual(log, ["pause"]);
    await delivering;
    await null;
    assert.deepEqual(log, ["pause", "resume"]);
  });
});
