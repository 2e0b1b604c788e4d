// The bytes a broker carries for one message: a kind byte, then the payload.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeMessage, encodeMessage } from "../../src/pubsub/message.ts";

describe("broker message bytes", () => {
  it("mark text 1 and binary 2, then the payload (UTF-8 for text)", () => {
    assert.deepEqual([...encodeMessage("hé")], [1, 0x68, 0xc3, 0xa9]);
    assert.deepEqual([...encodeMessage("")], [1]);
    assert.deepEqual([...encodeMessage(new Uint8Array([0, 0xff]))], [2, 0, 0xff]);
    assert.deepEqual([...encodeMessage(new Uint8Array(0))], [2]);
  });

  it("round-trip text and binary, whatever the bytes look like", () => {
    const texts = ["", "hello", "€𝄞\u0000", "x".repeat(70_000)];
    for (const text of texts) assert.equal(decodeMessage(encodeMessage(text)), text);
    // Binary that happens to be valid UTF-8 stays binary; text that looks like a kind byte stays text.
    const binaries = [new Uint8Array([0x68, 0x69]), new Uint8Array([1, 2, 3]), new Uint8Array(0)];
    for (const bytes of binaries) assert.deepEqual(decodeMessage(encodeMessage(bytes)), bytes);
    assert.equal(decodeMessage(encodeMessage("\u0002")), "\u0002");
  });

  it("reject what is not a message: empty, unknown kind, text that is not UTF-8", () => {
    assert.equal(decodeMessage(new Uint8Array(0)), undefined);
    assert.equal(decodeMessage(new Uint8Array([0, 1])), undefined);
    assert.equal(decodeMessage(new Uint8Array([3])), undefined);
    assert.equal(decodeMessage(new Uint8Array([1, 0xc3])), undefined);
    assert.equal(decodeMessage(new Uint8Array([1, 0xed, 0xa0, 0x80])), undefined);
  });
});
