// The answer past maxConnections, byte for byte, and what happens to the
// connection after it (limits_test.ts has it end to end through serve()).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { answerUnavailable, RETRY_AFTER_SECONDS } from "../../src/server/unavailable.ts";
import type { Transport, TransportSink } from "../../src/transport/types.ts";

function recording(): { transport: Transport; calls: string[]; written: Uint8Array[]; sink: () => TransportSink } {
  const calls: string[] = [];
  const written: Uint8Array[] = [];
  let started: TransportSink | undefined;
  const transport: Transport = {
    capabilities: { lentBuffer: false },
    remoteAddress: undefined,
    writableLength: 0,
    start(sink) {
      started = sink;
      calls.push("start");
    },
    write(bytes) {
      written.push(bytes);
      calls.push("write");
      return true;
    },
    pause: () => void calls.push("pause"),
    resume: () => void calls.push("resume"),
    end: () => void calls.push("end"),
    destroy: () => void calls.push("destroy"),
  };
  return { transport, calls, written, sink: () => started! };
}

describe("answerUnavailable", () => {
  it("writes 503 with Retry-After and Connection: close, then ends; reads on so the FIN is not a reset", () => {
    const { transport, calls, written, sink } = recording();
    answerUnavailable(transport, 60_000);
    assert.deepEqual(calls, ["start", "write", "end"]);
    assert.equal(RETRY_AFTER_SECONDS, 1);
    assert.equal(
      new TextDecoder().decode(written[0]),
      "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 20\r\nConnection: close\r\n\r\n" +
        "Service Unavailable\n",
    );
    sink().onData(new TextEncoder().encode("GET / HTTP/1.1\r\n"));
    sink().onPeerEnd();
    sink().onClosed();
    assert.deepEqual(calls, ["start", "write", "end"], "the peer's bytes and FIN are taken without a word");
  });

  it("destroys a connection the peer does not close within the linger time, and not one it closed", async () => {
    const lingering = recording();
    answerUnavailable(lingering.transport, 20);
    const closed = recording();
    answerUnavailable(closed.transport, 20);
    closed.sink().onClosed();
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(lingering.calls, ["start", "write", "end", "destroy"]);
    assert.deepEqual(closed.calls, ["start", "write", "end"]);
  });

  it("writes a copy each time: a transport may keep what it is given", () => {
    const first = recording();
    const second = recording();
    answerUnavailable(first.transport, 60_000);
    answerUnavailable(second.transport, 60_000);
    assert.notEqual(first.written[0], second.written[0]);
    first.sink().onClosed();
    second.sink().onClosed();
  });
});
