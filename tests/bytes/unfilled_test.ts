import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { allocUnfilled, UNFILLED_MIN } from "../../src/bytes/unfilled.ts";
import { GrowingBuffer } from "../../src/bytes/growing_buffer.ts";

describe("allocUnfilled", () => {
  for (const size of [0, 1, UNFILLED_MIN - 1, UNFILLED_MIN, 65_550, 1_048_590]) {
    it(`gives a plain Uint8Array of exactly ${size} bytes over a buffer of its own`, () => {
      const bytes = allocUnfilled(size);
      assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype);
      assert.equal(bytes.length, size);
      assert.equal(bytes.byteOffset, 0);
      // Nothing beyond the array is reachable through .buffer.
      assert.equal(bytes.buffer.byteLength, size);
    });
  }

  it("gives arrays that share no bytes (slice copies, as on any Uint8Array)", () => {
    const a = allocUnfilled(UNFILLED_MIN * 2);
    const b = allocUnfilled(UNFILLED_MIN * 2);
    a.fill(1);
    b.fill(2);
    assert.notEqual(a.buffer, b.buffer);
    const part = a.slice(0, 4);
    part[0] = 9;
    assert.equal(a[0], 1);
    assert.equal(b[0], 2);
  });

  it("on Deno, does not touch Buffer (it zeroes anyway, and loads the Node compatibility layer)", async () => {
    if ((globalThis as { Deno?: unknown }).Deno === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, "Buffer");
    let touched = 0;
    Object.defineProperty(globalThis, "Buffer", {
      configurable: true,
      get: () => (touched++, undefined),
    });
    try {
      // A fresh instance of the module, so its allocator is chosen again under the trap.
      const fresh = await import(`../../src/bytes/unfilled.ts?deno-probe=${Date.now()}`);
      assert.equal(fresh.allocUnfilled(65_550).length, 65_550);
    } finally {
      if (descriptor === undefined) delete (globalThis as { Buffer?: unknown }).Buffer;
      else Object.defineProperty(globalThis, "Buffer", descriptor);
    }
    assert.equal(touched, 0);
  });

  it("zeroes small arrays as before", () => {
    assert.ok(allocUnfilled(UNFILLED_MIN - 1).every((byte) => byte === 0));
  });
});

describe("GrowingBuffer over unzeroed memory", () => {
  it("a message sized in advance and filled comes back whole, its buffer exactly its bytes", () => {
    const size = 70_000;
    const buffer = new GrowingBuffer();
    buffer.reset(size);
    const piece = new Uint8Array(size / 2).map((_, i) => i & 0xff);
    buffer.append(piece);
    buffer.append(piece);
    const message = buffer.take();
    assert.equal(message.length, size);
    assert.equal(message.buffer.byteLength, size);
    assert.deepEqual(message.subarray(size / 2), piece);
  });

  it("a message shorter than the room made for it is copied out: no unwritten byte is handed over", () => {
    const buffer = new GrowingBuffer();
    buffer.reset(100_000);
    buffer.append(new Uint8Array(40_000).fill(7));
    const message = buffer.take();
    assert.equal(message.length, 40_000);
    assert.equal(message.buffer.byteLength, 40_000);
    assert.ok(message.every((byte) => byte === 7));
  });

  it("grown past its room, hands over only the bytes appended", () => {
    const buffer = new GrowingBuffer();
    buffer.reset(UNFILLED_MIN);
    for (let i = 0; i < 5; i++) buffer.append(new Uint8Array(UNFILLED_MIN).fill(i + 1));
    assert.equal(buffer.view.length, 5 * UNFILLED_MIN);
    const message = buffer.take();
    assert.equal(message.buffer.byteLength, 5 * UNFILLED_MIN);
    for (let i = 0; i < 5; i++) assert.equal(message[i * UNFILLED_MIN + 7], i + 1);
  });
});
