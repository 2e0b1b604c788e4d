import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MessageAssembler } from "../../src/protocol/assembler.ts";

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
});
