// The process-wide codec: loaded once, and known synchronously once loaded
// (a server opens each socket without a promise once it is).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadCodec, loadedCodec } from "../../src/codec/load.ts";

describe("loadCodec", () => {
  it("gives one codec per process, which loadedCodec() returns once it has loaded", async () => {
    const first = loadCodec();
    assert.equal(loadCodec(), first, "one load, however many ask");
    const codec = await first;
    assert.equal(loadedCodec(), codec);
    // The codec works: a server frame of "hi".
    assert.deepEqual([...codec.encoder("server").encodeText("hi")], [0x81, 0x02, 0x68, 0x69]);
  });
});
