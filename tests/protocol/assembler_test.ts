import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MessageAssembler } from "../../src/protocol/assembler.ts";
import { hasHeaderRoom, IN_PLACE_MIN } from "../../src/bytes/in_place_frames.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

/** An assembler whose finished messages land in `got`. */
function collecting(got: Array<string | Uint8Array>) {
  const assembler = new MessageAssembler();
  return {
    add(view: Uint8Array, text: boolean, first: boolean, last: boolean): void {
      const message = assembler.add(view, text, first, last);
      if (message !== undefined) got.push(message);
    },
  };
}

describe("RFC 6455 §5.4 fragments → messages", () => {
  it("delivers a one-piece text message as a string and binary as a copy", () => {
    const got: Array<string | Uint8Array> = [];
    const assembler = collecting(got);
    assembler.add(bytes("hello"), true, true, true);
    const view = new Uint8Array([1, 2, 3]);
    assembler.add(view, false, true, true);
    view[0] = 9;
    assert.deepEqual(got, ["hello", new Uint8Array([1, 2, 3])]);
  });

  it("joins pieces, including a code point split between pieces and empty pieces", () => {
    const got: Array<string | Uint8Array> = [];
    const assembler = collecting(got);
    const euro = bytes("€uro");
    assembler.add(euro.subarray(0, 1), true, true, false);
    assembler.add(new Uint8Array(0), true, false, false);
    assembler.add(euro.subarray(1), true, false, true);
    assembler.add(new Uint8Array([1]), false, true, false);
    assembler.add(new Uint8Array([2, 3]), false, false, true);
    assert.deepEqual(got, ["€uro", new Uint8Array([1, 2, 3])]);
  });

  it("does not let a reused input view corrupt an assembled message", () => {
    const got: Array<string | Uint8Array> = [];
    const assembler = collecting(got);
    const shared = new Uint8Array([7, 7]);
    assembler.add(shared, false, true, false);
    shared.fill(0);
    assembler.add(shared, false, false, true);
    assert.deepEqual(got, [new Uint8Array([7, 7, 0, 0])]);
  });

  it("empty message (first and last, no bytes)", () => {
    const got: Array<string | Uint8Array> = [];
    const assembler = collecting(got);
    assembler.add(new Uint8Array(0), true, true, true);
    assembler.add(new Uint8Array(0), false, true, true);
    assert.deepEqual(got, ["", new Uint8Array(0)]);
  });

  it("whole() is what add() gives for a message in one piece", () => {
    assert.equal(MessageAssembler.whole(bytes("héllo"), true), "héllo");
    const view = new Uint8Array([1, 2]);
    const copy = MessageAssembler.whole(view, false);
    view[0] = 9;
    assert.deepEqual(copy, new Uint8Array([1, 2]));
  });

  it("100,000 one-byte fragments assemble without one object per fragment", () => {
    let result: Uint8Array | undefined;
    const assembler = new MessageAssembler();
    const one = new Uint8Array([5]);
    for (let i = 0; i < 100_000; i++) {
      const message = assembler.add(one, false, i === 0, i === 99_999);
      assert.equal(message === undefined, i < 99_999);
      result = message as Uint8Array | undefined;
    }
    assert.equal(result?.length, 100_000);
    assert.ok(result?.every((b) => b === 5));
  });

  it("headerRoom: a large binary message gets 16 zeroed bytes in front of it in its buffer, and is marked", () => {
    const assembler = new MessageAssembler();
    const payload = Uint8Array.from({ length: IN_PLACE_MIN + 100 }, (_, i) => i & 0xff);
    assembler.add(payload.subarray(0, 1000), false, true, false, payload.length - 1000, true);
    const message = assembler.add(payload.subarray(1000), false, false, true, 0, true) as Uint8Array;
    assert.deepEqual(message, payload);
    assert.equal(message.byteOffset, 16);
    assert.equal(message.buffer.byteLength, payload.length + 16);
    assert.deepEqual([...new Uint8Array(message.buffer, 0, 16)], new Array(16).fill(0));
    assert.ok(hasHeaderRoom(message));
  });

  it("headerRoom: none for text, a small message, without the flag, or one longer than its first frame", () => {
    const assembler = new MessageAssembler();
    const big = new Uint8Array(IN_PLACE_MIN + 10).fill(0x61);
    const cases: Array<[Uint8Array, boolean, boolean]> = [
      [big, true, true], // text
      [new Uint8Array(IN_PLACE_MIN - 1).fill(1), false, true], // small
      [big, false, false], // not asked for
    ];
    for (const [piece, text, room] of cases) {
      assembler.add(piece.subarray(0, 10), text, true, false, piece.length - 10, room);
      const message = assembler.add(piece.subarray(10), text, false, true, 0, room);
      if (text) assert.equal(message, "a".repeat(big.length));
      else {
        assert.deepEqual(message, piece);
        assert.equal((message as Uint8Array).byteOffset, 0);
        assert.equal(hasHeaderRoom(message as Uint8Array), false);
      }
    }
    // Two frames: room was made for the first only; the message that outgrew it has its own buffer.
    assembler.add(big, false, true, false, 0, true);
    const joined = assembler.add(big, false, false, true, 0, true) as Uint8Array;
    assert.equal(joined.length, big.length * 2);
    assert.ok(joined.every((byte) => byte === 0x61));
    assert.equal(hasHeaderRoom(joined), false);
  });
});
