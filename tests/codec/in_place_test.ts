// Large binary messages kept in the read they came in (a read the transport
// gives away): the message unmasked exactly (RFC 6455 §5.3), the bytes around
// it (other frames) untouched, and every other message delivered as before.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { instantiateCore } from "../../src/codec/load.ts";
import { createWasmCodec } from "../../src/codec/wasm_codec.ts";
import type { FrameSink } from "../../src/codec/mod.ts";
import { IN_PLACE_MIN, InPlaceReader } from "../../src/codec/in_place.ts";
import { PIECE_FIRST, PIECE_LAST } from "../../src/codec/abi.ts";
import { chunkRandomly, concat, frame, rng } from "../_helpers/frames.ts";
import { createReferenceCodec } from "../_helpers/reference_codec.ts";
import { digest, Recorder } from "../_helpers/recorder.ts";

const codec = createWasmCodec(await instantiateCore());
const KEY = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);

function pattern(length: number, seed = 7): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

interface Piece {
  /** The array the decoder handed over (a view of WASM memory is valid only during the call). */
  view: Uint8Array;
  /** Its bytes at the time. */
  bytes: Uint8Array;
  text: boolean;
  first: boolean;
  last: boolean;
}

/** Records every piece with the array itself (not a copy), to tell views from copies. */
function sink(): FrameSink & { pieces: Piece[]; errors: string[] } {
  const pieces: Piece[] = [];
  const errors: string[] = [];
  return {
    pieces,
    errors,
    onData: (view, text, first, last) => void pieces.push({ view, bytes: view.slice(), text, first, last }),
    onControl: () => {},
    onError: (code) => void errors.push(code),
  };
}

/** The messages the pieces make. */
function messages(pieces: Piece[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let open: Uint8Array[] = [];
  for (const piece of pieces) {
    if (piece.first) open = [];
    open.push(piece.bytes);
    if (piece.last) out.push(concat(open));
  }
  return out;
}

const binary = (payload: Uint8Array, extra: Partial<Parameters<typeof frame>[0]> = {}) =>
  frame({ opcode: 2, payload, mask: KEY, ...extra });

function serverDecoder() {
  return codec.decoder({ role: "server", maxPayload: 1 << 24, maxFragments: 100 });
}

describe("in-place messages: decoding an owned read", () => {
  for (const length of [IN_PLACE_MIN, 65535, 65536, 100_000, 200_000]) {
    it(`a ${length}-byte binary message whole in the read is a view of it, unmasked`, () => {
      const payload = pattern(length);
      const read = binary(payload);
      const recorded = sink();
      serverDecoder().push(read, recorded, true);
      assert.equal(recorded.pieces.length, 1);
      const [piece] = recorded.pieces;
      assert.deepEqual([piece.first, piece.last, piece.text], [true, true, false]);
      assert.deepEqual(piece.view, payload);
      assert.equal(piece.view.buffer, read.buffer, "kept in the read");
      assert.equal(piece.view.byteOffset, read.length - length, "right behind its header");
    });
  }

  it("without `owned` the same read gives a message of its own", () => {
    const payload = pattern(70_000);
    const read = binary(payload);
    const recorded = sink();
    serverDecoder().push(read, recorded);
    assert.deepEqual(messages(recorded.pieces), [payload]);
    for (const piece of recorded.pieces) assert.notEqual(piece.view.buffer, read.buffer);
  });

  it("two messages and a ping in one read: each message in place, the bytes between untouched", () => {
    const a = pattern(40_000, 1);
    const b = pattern(30_000, 2);
    const ping = frame({ opcode: 9, payload: "p", mask: KEY });
    const read = concat([binary(a), ping, binary(b)]);
    const recorded = sink();
    serverDecoder().push(read, recorded, true);
    assert.deepEqual(messages(recorded.pieces), [a, b]);
    const [first, second] = recorded.pieces.map((piece) => piece.view);
    assert.equal(first.buffer, read.buffer);
    assert.equal(second.buffer, read.buffer);
    // The ping frame between them is as it came.
    const pingAt = first.byteOffset + first.length;
    assert.deepEqual(read.subarray(pingAt, pingAt + ping.length), ping);
  });

  it("not in place: text, a fragmented message, a small one, one under a quarter of the read", () => {
    const text = frame({ opcode: 1, payload: "é".repeat(20_000), mask: KEY });
    const part1 = binary(pattern(20_000, 3), { fin: false });
    const part2 = frame({ opcode: 0, payload: pattern(20_000, 4), mask: KEY });
    const small = binary(pattern(IN_PLACE_MIN - 1, 5));
    const read = concat([text, part1, part2, small]);
    const recorded = sink();
    serverDecoder().push(read, recorded, true);
    assert.deepEqual(messages(recorded.pieces), [
      new TextEncoder().encode("é".repeat(20_000)),
      concat([pattern(20_000, 3), pattern(20_000, 4)]),
      pattern(IN_PLACE_MIN - 1, 5),
    ]);
    for (const piece of recorded.pieces) assert.notEqual(piece.view.buffer, read.buffer);
    // 20,000 bytes in a read of 90,000: kept alone it would hold 4.5 times its size.
    const large = pattern(20_000, 6);
    const wide = concat([binary(large), ...Array(7).fill(binary(pattern(10_000, 6)))]);
    const wideRecorded = sink();
    serverDecoder().push(wide, wideRecorded, true);
    assert.deepEqual(messages(wideRecorded.pieces)[0], large);
    assert.notEqual(wideRecorded.pieces[0].view.buffer, wide.buffer);
  });

  it("a frame that goes on past the read is delivered in pieces, across reads, exactly", () => {
    const payload = pattern(150_000, 8);
    const bytes = binary(payload);
    for (const cut of [1, 5, 14, 70_000, bytes.length - 1]) {
      const recorded = sink();
      const decoder = serverDecoder();
      decoder.push(bytes.slice(0, cut), recorded, true);
      decoder.push(bytes.slice(cut), recorded, true);
      assert.deepEqual(messages(recorded.pieces), [payload], `cut at ${cut}`);
    }
  });

  it("a frame that breaks the protocol after an in-place message: the message, then the error", () => {
    const payload = pattern(20_000, 9);
    const read = concat([binary(payload), frame({ opcode: 3, mask: KEY })]);
    const recorded = sink();
    serverDecoder().push(read, recorded, true);
    assert.deepEqual(messages(recorded.pieces), [payload]);
    assert.deepEqual(recorded.errors, ["WS_ERR_INVALID_OPCODE"]);
  });
});

describe("InPlaceReader", () => {
  it("a piece that does not follow the one before: what was gathered goes on as a first piece, nothing lost", () => {
    const read = new Uint8Array(40_000);
    const memory = pattern(50_000, 14);
    const reader = new InPlaceReader(read);
    const recorded = sink();
    // First 10,000 bytes of a 30,000-byte frame, parsed from a region at memory offset 0.
    assert.equal(reader.piece(recorded, memory, 100, 10_100, 100, PIECE_FIRST, 20_000, true), null);
    // The next piece claims to lie 5 bytes further on than the gathered bytes end.
    assert.equal(reader.piece(recorded, memory, 10_105, 20_105, 100, 0, 10_000, true), undefined);
    assert.equal(recorded.pieces.length, 1);
    const [gathered] = recorded.pieces;
    assert.deepEqual([gathered.first, gathered.last, gathered.text], [true, false, false]);
    assert.deepEqual(gathered.bytes, memory.subarray(100, 10_100));
    // Nothing is held any more: a later last piece is not the reader's.
    assert.equal(reader.piece(recorded, memory, 20_105, 30_105, 100, PIECE_LAST, 0, true), undefined);
    reader.finish(recorded);
    assert.equal(recorded.pieces.length, 1);
  });
});

/**
 * Frames as a client sends them (masked), around the in-place sizes: binary
 * and text, whole and fragmented, pings between, now and then a frame that
 * breaks the rules (unmasked, too long, invalid UTF-8).
 */
function clientStream(random: () => number): Uint8Array {
  const frames: Uint8Array[] = [];
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const sizes = [0, 100, IN_PLACE_MIN - 1, IN_PLACE_MIN, 20_000, 65_535, 65_536, 70_000, 200_000];
  for (let n = 1 + Math.floor(random() * 6); n > 0; n--) {
    const roll = random();
    if (roll < 0.8) {
      const text = random() < 0.2;
      const pieces = random() < 0.8 ? 1 : 2;
      for (let i = 0; i < pieces; i++) {
        const size = pick(sizes);
        const payload = text
          ? new TextEncoder().encode("é".repeat(size >> 1))
          : Uint8Array.from({ length: size }, (_, j) => (j * 31 + size + i + n) & 0xff);
        frames.push(frame({ opcode: i > 0 ? 0 : text ? 1 : 2, fin: i === pieces - 1, payload, mask: true }));
      }
    } else if (roll < 0.9) {
      frames.push(frame({ opcode: 9, payload: "ping", mask: true }));
    } else if (roll < 0.94) {
      frames.push(frame({ opcode: 2, payload: new Uint8Array(pick(sizes)) }));
    } else if (roll < 0.97) {
      frames.push(frame({ opcode: 2, payload: new Uint8Array(400_000), mask: true }));
    } else {
      const bad = new TextEncoder().encode("a".repeat(pick(sizes)) + "b");
      bad[bad.length - 1] = 0xff;
      frames.push(frame({ opcode: 1, payload: bad, mask: true }));
    }
  }
  return concat(frames);
}

describe("differential: owned reads against the TypeScript reference", () => {
  it("100 seeded client streams, reads of up to 4 KiB to 600 KiB, each given away, reach the same verdict", () => {
    const reference = createReferenceCodec();
    const random = rng(17);
    const limits = { role: "server", maxPayload: 300_000, maxFragments: 6 } as const;
    let inPlace = 0;
    for (let i = 0; i < 100; i++) {
      const stream = clientStream(random);
      const chunks = chunkRandomly(stream, random, [4096, 70_000, 150_000, 300_000, 600_000][Math.floor(random() * 5)]);
      const got = new Recorder(), want = new Recorder();
      const decoder = codec.decoder(limits);
      // Each read a buffer of its own, as Bun gives them: the decoder may unmask into it.
      for (const chunk of chunks) {
        const read = chunk.slice();
        decoder.push(read, {
          onData: (view, text, first, last, remaining, compressed) => {
            if (view.buffer === read.buffer) inPlace++;
            got.onData(view, text, first, last, remaining, compressed);
          },
          onControl: (opcode, payload) => got.onControl(opcode, payload),
          onError: (code) => got.onError(code),
        }, true);
      }
      decoder.dispose();
      reference.decoder(limits).push(stream, want);
      assert.deepEqual(digest(got), digest(want), `stream ${i}`);
    }
    assert.ok(inPlace > 20, `${inPlace} messages were kept in their read`);
  });
});
