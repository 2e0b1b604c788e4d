// The registry of received messages with header room and of borrowed frames:
// arrays are known by identity, never by the bytes they cover.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  hasHeaderRoom,
  IN_PLACE_MIN,
  isBorrowed,
  markBorrowed,
  markHeaderRoom,
} from "../../src/bytes/in_place_frames.ts";

describe("in-place frames registry", () => {
  it("knows a marked array, not another view of the same bytes", () => {
    const read = new Uint8Array(IN_PLACE_MIN * 2);
    const message = read.subarray(14);
    markHeaderRoom(message);
    assert.equal(hasHeaderRoom(message), true);
    assert.equal(hasHeaderRoom(read.subarray(14)), false);
    assert.equal(hasHeaderRoom(new Uint8Array(read.buffer, 14)), false);
    assert.equal(isBorrowed(message), false, "header room does not make a frame borrowed");
    const frame = read.subarray(4);
    markBorrowed(frame);
    assert.equal(isBorrowed(frame), true);
    assert.equal(isBorrowed(read.subarray(4)), false);
    assert.equal(hasHeaderRoom(frame), false);
  });

  it("arrays shorter than IN_PLACE_MIN never count, marked or not", () => {
    const small = new Uint8Array(IN_PLACE_MIN - 1);
    markHeaderRoom(small);
    markBorrowed(small);
    assert.equal(hasHeaderRoom(small), false);
    assert.equal(isBorrowed(small), false);
  });
});
