// What a WASM decoder holds between reads, and the descriptor tables it
// borrows while a read is delivered: idle decoders keep only their state
// block, and a sink call that feeds a decoder (the same or another), reserves
// the next read, grows memory or disposes the decoder never disturbs the
// delivery in progress.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as abi from "../../src/codec/abi.ts";
import { instantiateCore } from "../../src/codec/load.ts";
import type { Codec, Decoder, FrameSink } from "../../src/codec/mod.ts";
import { createWasmCodec, type WasmExports } from "../../src/codec/wasm_codec.ts";
import { concat, frame } from "../_helpers/frames.ts";
import { Recorder } from "../_helpers/recorder.ts";

/** A codec on an instance of its own, so its memory can be measured. */
async function isolatedCodec(): Promise<{ codec: Codec; memory: WebAssembly.Memory }> {
  const instance = await instantiateCore();
  return { codec: createWasmCodec(instance), memory: (instance.exports as unknown as WasmExports).memory };
}

const LIMITS = { maxPayload: 1 << 24, maxFragments: 1000 };

/** More one-byte binary frames than one descriptor table holds, as a client receives them. */
function manyFrames(count: number, tag: number): Uint8Array {
  return concat(Array.from({ length: count }, (_, i) => frame({ opcode: 2, payload: Uint8Array.of(tag, i & 0xff) })));
}

function expected(count: number, tag: number): number[][] {
  return Array.from({ length: count }, (_, i) => [tag, i & 0xff]);
}

function messages(recorder: Recorder): number[][] {
  return recorder.events.map((e) => (e.kind === "message" ? e.bytes : [-1]));
}

/** A sink that fails on the first data piece, as a buggy application listener would. */
const throwing: FrameSink = {
  onData: () => {
    throw new Error("sink failed");
  },
  onControl: () => {},
  onError: () => {},
};

describe("WASM memory held per decoder", () => {
  it("a decoder between messages holds no WASM memory; one inside a frame or a fragmented message holds its state", async () => {
    const { codec, memory } = await isolatedCodec();
    const ping = frame({ opcode: 9, payload: "are you there", mask: true });
    const sink = new Recorder();
    const keep: Decoder[] = [];
    const open = (n: number, read: Uint8Array) => {
      for (let i = 0; i < n; i++) {
        const decoder = codec.decoder({ role: "server", ...LIMITS });
        decoder.push(read, sink);
        keep.push(decoder);
      }
    };
    open(1000, ping); // warm-up: the codec's scratch, a read region and a table exist by now
    const N = 4000;
    let before = memory.buffer.byteLength;
    open(N, ping); // whole reads, parsed and delivered
    assert.equal(memory.buffer.byteLength, before, "idle decoders hold nothing");
    assert.equal(sink.events.length, 1000 + N);
    // Unfinished: a whole first fragment and half of the second.
    const message = concat([
      frame({ opcode: 1, fin: false, payload: "héllo ", mask: true }),
      frame({ opcode: 0, payload: "wörld", mask: true }),
    ]);
    const cut = message.length - 4;
    const waiting: Array<[Decoder, Recorder]> = [];
    before = memory.buffer.byteLength;
    for (let i = 0; i < N; i++) {
      const decoder = codec.decoder({ role: "server", ...LIMITS });
      const recorder = new Recorder();
      decoder.push(message.subarray(0, cut), recorder);
      waiting.push([decoder, recorder]);
    }
    const perDecoder = (memory.buffer.byteLength - before) / N;
    assert.ok(perDecoder >= abi.STATE_SIZE * 0.9 && perDecoder < 512, `${perDecoder} bytes per waiting decoder`);
    // Each finishes its own message, whatever the others did with freed blocks meanwhile.
    const text = [...new TextEncoder().encode("héllo wörld")];
    for (const [decoder, recorder] of waiting) {
      decoder.push(message.subarray(cut), recorder);
      assert.deepEqual(recorder.events, [{ kind: "message", text: true, bytes: text }]);
    }
    before = memory.buffer.byteLength;
    open(N, ping); // the blocks they gave back serve again
    assert.equal(memory.buffer.byteLength, before);
    for (const decoder of [...keep, ...waiting.map(([decoder]) => decoder)]) decoder.dispose();
  });

  it("descriptor tables are recycled: reads on many decoders do not grow memory", async () => {
    const { codec, memory } = await isolatedCodec();
    const decoders = Array.from({ length: 200 }, () => codec.decoder({ role: "client", ...LIMITS }));
    const frames = abi.DESCRIPTOR_CAPACITY * 2 + 3;
    const read = manyFrames(frames, 1);
    const sink = new Recorder();
    for (const decoder of decoders) decoder.push(read, sink);
    const before = memory.buffer.byteLength;
    for (let round = 0; round < 20; round++) {
      for (const decoder of decoders) decoder.push(read, sink);
    }
    // A sink that throws mid-delivery still gives the table back.
    for (let i = 0; i < 2000; i++) {
      const decoder = decoders[i % decoders.length];
      assert.throws(() => decoder.push(frame({ opcode: 2, payload: "x" }), throwing), /sink failed/);
    }
    assert.equal(memory.buffer.byteLength, before);
    assert.equal(sink.events.length, 21 * decoders.length * frames);
  });
});

describe("what a sink may keep (the FrameSink contract)", () => {
  it("a whole binary message is an array of the sink's own: later reads into codec memory leave it unchanged", async () => {
    const { codec } = await isolatedCodec();
    const decoder = codec.decoder({ role: "client", ...LIMITS });
    const kept: Uint8Array[] = [];
    const views: Uint8Array[] = [];
    const sink: FrameSink = {
      onData: (view, text, first, last) => (first && last && !text ? kept : views).push(view),
      onControl: () => {},
      onError: (code) => assert.fail(code),
    };
    // Short (the copy loop) and long (slice) payloads, each followed by a read that overwrites the same region.
    for (const size of [0, 1, 16, 32, 33, 125, 4000]) {
      const payload = Uint8Array.from({ length: size }, (_, i) => (i * 7 + size) & 0xff);
      decoder.push(frame({ opcode: 2, payload }), sink);
      decoder.push(frame({ opcode: 2, payload: new Uint8Array(size).fill(0xaa) }), sink);
      const mine = kept[kept.length - 2];
      assert.deepEqual([...mine], [...payload], `size ${size}`);
      assert.equal(mine.buffer.byteLength, size, "not a view of codec memory");
    }
    // Text and fragments stay views, valid during the call only.
    decoder.push(frame({ opcode: 1, payload: new TextEncoder().encode("hi") }), sink);
    decoder.push(frame({ opcode: 2, fin: false, payload: Uint8Array.of(1) }), sink);
    assert.equal(views.length, 2);
    assert.ok(views.every((view) => view.buffer.byteLength > 65536), "views into codec memory");
  });
});

describe("a decoder that found an error", () => {
  it("stays dead even when a throwing sink never heard of the error, after giving its state back", async () => {
    const { codec } = await isolatedCodec();
    const decoder = codec.decoder({ role: "client", ...LIMITS });
    // A valid frame, then a reserved opcode: the sink throws before the error is delivered.
    const read = concat([frame({ opcode: 2, payload: "x" }), Uint8Array.of(0x83, 0x00)]);
    assert.throws(() => decoder.push(read, throwing), /sink failed/);
    const after = new Recorder();
    decoder.push(frame({ opcode: 2, payload: "y" }), after);
    assert.deepEqual(after.events, []);
    decoder.dispose();
  });
});

describe("re-entrant delivery", () => {
  it("a sink that feeds another decoder mid-read leaves both tables intact", async () => {
    const { codec } = await isolatedCodec();
    const a = codec.decoder({ role: "client", ...LIMITS });
    const b = codec.decoder({ role: "client", ...LIMITS });
    const countA = abi.DESCRIPTOR_CAPACITY * 3 + 5;
    const countB = abi.DESCRIPTOR_CAPACITY + 7;
    const toB = manyFrames(countB, 2);
    const recordB = new Recorder();
    const recordA = new Recorder();
    const feeding: FrameSink = {
      onData(view, text, first, last) {
        recordA.onData(view, text, first, last);
        b.push(toB, recordB); // as a paired engine's synchronous write would
      },
      onControl: (opcode, payload) => recordA.onControl(opcode, payload),
      onError: (id) => recordA.onError(id),
    };
    a.push(manyFrames(countA, 1), feeding);
    assert.deepEqual(messages(recordA), expected(countA, 1));
    assert.equal(recordB.events.length, countA * countB);
    for (let i = 0; i < countA; i++) {
      assert.deepEqual(messages(recordB).slice(i * countB, (i + 1) * countB), expected(countB, 2), `B's read ${i}`);
    }
  });

  it("a sink that feeds its own decoder mid-read: the inner read does not free the state the outer one parses with", async () => {
    const { codec } = await isolatedCodec();
    const a = codec.decoder({ role: "client", ...LIMITS });
    const count = abi.DESCRIPTOR_CAPACITY * 2 + 1;
    const outer = new Recorder();
    const inner = new Recorder();
    const others: Decoder[] = [];
    let fed = false;
    const sink: FrameSink = {
      onData(view, text, first, last) {
        outer.onData(view, text, first, last);
        if (fed) return;
        fed = true;
        a.push(frame({ opcode: 2, payload: Uint8Array.of(9, 9) }), inner); // a whole frame, at a frame boundary
        // Decoders left inside a frame take state blocks, and write into them.
        for (let i = 0; i < 4; i++) {
          const other = codec.decoder({ role: "client", ...LIMITS });
          other.push(frame({ opcode: 2, payload: new Uint8Array(300) }).subarray(0, 5), new Recorder());
          others.push(other);
        }
      },
      onControl: (opcode, payload) => outer.onControl(opcode, payload),
      onError: (id) => outer.onError(id),
    };
    a.push(manyFrames(count, 1), sink);
    assert.deepEqual(messages(outer), expected(count, 1));
    assert.deepEqual(messages(inner), [[9, 9]]);
    for (const decoder of [a, ...others]) decoder.dispose();
  });

  it("a sink that reserves and fills the next read, and grows memory, does not disturb the current one", async () => {
    const { codec, memory } = await isolatedCodec();
    const decoder = codec.decoder({ role: "client", ...LIMITS });
    const count = abi.DESCRIPTOR_CAPACITY * 2 + 1;
    const first = manyFrames(count, 1);
    const second = manyFrames(count, 2);
    const recorder = new Recorder();
    let next: Uint8Array | undefined;
    const sink: FrameSink = {
      onData(view, text, isFirst, last) {
        recorder.onData(view, text, isFirst, last);
        if (next === undefined) {
          next = decoder.reserve(); // a transport starting its next read
          next.fill(0xff);
          next.set(second);
          memory.grow(2); // detaches every view taken so far
        }
      },
      onControl: (opcode, payload) => recorder.onControl(opcode, payload),
      onError: (id) => recorder.onError(id),
    };
    decoder.reserve().set(first);
    decoder.commit(first.length, sink);
    assert.deepEqual(messages(recorder), expected(count, 1));
    decoder.commit(second.length, sink);
    assert.deepEqual(messages(recorder), [...expected(count, 1), ...expected(count, 2)]);
  });

  it("a sink that disposes its decoder mid-read ends the delivery; a decoder made then works", async () => {
    const { codec } = await isolatedCodec();
    const decoder = codec.decoder({ role: "client", ...LIMITS });
    const count = abi.DESCRIPTOR_CAPACITY * 2 + 1;
    const recorder = new Recorder();
    const successor = new Recorder();
    const sink: FrameSink = {
      onData(view, text, first, last) {
        recorder.onData(view, text, first, last);
        if (recorder.events.length === 3) {
          decoder.dispose();
          // Likely handed the state block just freed; it parses its own read with a table of its own.
          const next = codec.decoder({ role: "client", ...LIMITS });
          next.push(manyFrames(count, 2), successor);
          next.dispose();
        }
      },
      onControl: (opcode, payload) => recorder.onControl(opcode, payload),
      onError: (id) => recorder.onError(id),
    };
    decoder.push(manyFrames(count, 1), sink);
    assert.deepEqual(messages(recorder), expected(3, 1));
    assert.deepEqual(messages(successor), expected(count, 2));
  });
});
