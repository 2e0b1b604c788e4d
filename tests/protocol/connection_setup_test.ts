// A connection's setup (codec, role, limits) is shared by the connections
// made with the same three, and its decoder enforces the role's masking rule
// (RFC 6455 §5.1) and the limits (§7.4.1: 1009 for a message too big).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decoderFor, setupOf } from "../../src/protocol/connection_setup.ts";
import { DEFAULT_LIMITS } from "../../src/protocol/defaults.ts";
import { loadCodec } from "../../src/codec/load.ts";
import type { FrameSink } from "../../src/codec/mod.ts";
import { frame } from "../_helpers/frames.ts";

const codec = await loadCodec();

/** A sink that logs what the decoder reports. */
function logging(): { sink: FrameSink; log: string[] } {
  const log: string[] = [];
  const sink: FrameSink = {
    onData: (view) => void log.push(`data ${new TextDecoder().decode(view)}`),
    onControl: (opcode) => void log.push(`control ${opcode}`),
    onError: (code) => void log.push(`error ${code}`),
  };
  return { sink, log };
}

describe("setupOf", () => {
  it("hands the connections with the same codec, role and limits one setup", () => {
    const first = setupOf(codec, "server", DEFAULT_LIMITS);
    assert.equal(setupOf(codec, "server", DEFAULT_LIMITS), first);
    assert.deepEqual([first.codec, first.role, first.limits], [codec, "server", DEFAULT_LIMITS]);
  });

  it("makes a new setup when the role or the limits differ, and keeps it as the last", () => {
    const server = setupOf(codec, "server", DEFAULT_LIMITS);
    const client = setupOf(codec, "client", DEFAULT_LIMITS);
    assert.notEqual(client, server);
    assert.equal(client.role, "client");
    assert.equal(setupOf(codec, "client", DEFAULT_LIMITS), client);
    const limits = { ...DEFAULT_LIMITS };
    const limited = setupOf(codec, "client", limits);
    assert.notEqual(limited, client);
    assert.equal(limited.limits, limits);
  });
});

describe("decoderFor", () => {
  it("decodes as its role: a server takes masked frames and refuses unmasked ones", () => {
    const { sink, log } = logging();
    const decoder = decoderFor(setupOf(codec, "server", DEFAULT_LIMITS));
    decoder.push(frame({ opcode: 1, payload: "hi", mask: true }), sink);
    decoder.push(frame({ opcode: 1, payload: "hi" }), sink);
    assert.deepEqual(log, ["data hi", "error WS_ERR_EXPECTED_MASK"]);
    decoder.dispose();
  });

  it("enforces the setup's maxPayload", () => {
    const { sink, log } = logging();
    const decoder = decoderFor(setupOf(codec, "client", { maxPayload: 4, maxFragments: 8 }));
    decoder.push(frame({ opcode: 2, payload: "four" }), sink);
    decoder.push(frame({ opcode: 2, payload: "fives" }), sink);
    assert.deepEqual(log, ["data four", "error WS_ERR_MESSAGE_TOO_BIG"]);
    decoder.dispose();
  });

  it("enforces the setup's maxFragments", () => {
    const { sink, log } = logging();
    const decoder = decoderFor(setupOf(codec, "client", { maxPayload: 64, maxFragments: 2 }));
    decoder.push(frame({ opcode: 1, payload: "a", fin: false }), sink);
    decoder.push(frame({ opcode: 0, payload: "b", fin: false }), sink);
    decoder.push(frame({ opcode: 0, payload: "c" }), sink);
    assert.equal(log.at(-1), "error WS_ERR_TOO_MANY_FRAGMENTS");
    decoder.dispose();
  });
});
