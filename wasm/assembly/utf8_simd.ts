// The "lookup" UTF-8 check of Keiser and Lemire ("Validating UTF-8 in less
// than one instruction per byte", 2021), on 16-byte blocks: three nibble
// lookups classify every pair of adjacent bytes, and a saturating subtract
// finds the bytes that must be the 3rd or 4th of a sequence. On x64 the
// vector ALUs are the limit (about 15 operations per block, the loads ride
// free), so bytes further back are loaded again rather than shifted in. It
// runs only from a code point boundary; utf8.ts handles the edges of each
// chunk with its automaton, so the state still carries across chunks. Built
// twice (see scripts/build_wasm.ts): with relaxed SIMD each lookup is one
// shuffle on x64, without it V8 adds a range fix-up to each.

const TOO_SHORT: u8 = 1 << 0;
const TOO_LONG: u8 = 1 << 1;
const OVERLONG_3: u8 = 1 << 2;
const TOO_LARGE: u8 = 1 << 3;
const SURROGATE: u8 = 1 << 4;
const OVERLONG_2: u8 = 1 << 5;
const TOO_LARGE_1000: u8 = 1 << 6;
const OVERLONG_4: u8 = 1 << 6;
const TWO_CONTS: u8 = 1 << 7;
const CARRY: u8 = TOO_SHORT | TOO_LONG | TWO_CONTS;

// The three nibble tables (high nibble of the first byte of a pair, its low
// nibble, high nibble of the second byte), and below them the bytes of the
// masks the loop needs, as data: loaded once per call into locals, V8 keeps
// them in registers, where a v128.const is rebuilt at every use.
const TABLES: usize = memory.data<u8>([
  TOO_LONG,
  TOO_LONG,
  TOO_LONG,
  TOO_LONG,
  TOO_LONG,
  TOO_LONG,
  TOO_LONG,
  TOO_LONG,
  TWO_CONTS,
  TWO_CONTS,
  TWO_CONTS,
  TWO_CONTS,
  TOO_SHORT | OVERLONG_2,
  TOO_SHORT,
  TOO_SHORT | OVERLONG_3 | SURROGATE,
  TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4,
  CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4,
  CARRY | OVERLONG_2,
  CARRY,
  CARRY,
  CARRY | TOO_LARGE,
  CARRY | TOO_LARGE | TOO_LARGE_1000,
  CARRY | TOO_LARGE | TOO_LARGE_1000,
  CARRY | TOO_LARGE | TOO_LARGE_1000,
  CARRY | TOO_LARGE | TOO_LARGE_1000,
  CARRY | TOO_LARGE | TOO_LARGE_1000,
  CARRY | TOO_LARGE | TOO_LARGE_1000,
  CARRY | TOO_LARGE | TOO_LARGE_1000,
  CARRY | TOO_LARGE | TOO_LARGE_1000,
  CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
  CARRY | TOO_LARGE | TOO_LARGE_1000,
  CARRY | TOO_LARGE | TOO_LARGE_1000,
  TOO_SHORT,
  TOO_SHORT,
  TOO_SHORT,
  TOO_SHORT,
  TOO_SHORT,
  TOO_SHORT,
  TOO_SHORT,
  TOO_SHORT,
  TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
  TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
  TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
  TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
  TOO_SHORT,
  TOO_SHORT,
  TOO_SHORT,
  TOO_SHORT,
], 16);
const MASKS: usize = memory.data<u8>([0x0f, 0xe0 - 0x80, 0xf0 - 0x80, 0x80, TOO_LONG]);

function nibbles(v: v128, low4: v128): v128 {
  return v128.and(i16x8.shr_u(v, 4), low4);
}

// Every index is a nibble (0-15), where the relaxed swizzle (one pshufb on
// x64, no range fix-up) gives the same bytes on every engine.
function lookup(table: v128, index: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i8x16.relaxed_swizzle(table, index);
  return i8x16.swizzle(table, index);
}

// The first two tables looked up for each byte of a block, as the first byte
// of a pair; shifted one byte on, they meet the third table of the next byte.
// Looking them up before the shift saves a shift and a mask per block.
function firstOfPair(input: v128, inputHigh: v128, t1h: v128, t1l: v128, low4: v128): v128 {
  return v128.and(lookup(t1h, inputHigh), lookup(t1l, v128.and(input, low4)));
}

// The errors of the 16-byte block at `at`: `first` is what the first two
// tables give for its bytes, `previousFirst` for the block before. The bytes
// two and three back are loaded, not shifted in (two vector operations
// fewer), so `at` must have at least three bytes of this text before it.
function blockErrors(
  at: usize,
  high: v128,
  first: v128,
  previousFirst: v128,
  t2h: v128,
  c3: v128,
  c4: v128,
  top: v128,
): v128 {
  const special = v128.and(
    v128.shuffle<u8>(previousFirst, first, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30),
    lookup(t2h, high),
  );
  const must23 = v128.or(i8x16.sub_sat_u(v128.load(at - 2), c3), i8x16.sub_sat_u(v128.load(at - 3), c4));
  return v128.xor(v128.and(must23, top), special);
}

// The same for the first block of a text, where nothing comes before it:
// as if after ASCII (`previousFirst` TOO_LONG, no byte two or three back).
function firstBlockErrors(
  input: v128,
  high: v128,
  first: v128,
  previousFirst: v128,
  t2h: v128,
  c3: v128,
  c4: v128,
  top: v128,
): v128 {
  const zero = i8x16.splat(0);
  const special = v128.and(
    v128.shuffle<u8>(previousFirst, first, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30),
    lookup(t2h, high),
  );
  const prev2 = v128.shuffle<u8>(zero, input, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29);
  const prev3 = v128.shuffle<u8>(zero, input, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28);
  const must23 = v128.and(v128.or(i8x16.sub_sat_u(prev2, c3), i8x16.sub_sat_u(prev3, c4)), top);
  return v128.xor(must23, special);
}

// Whether the 64 bytes at `at` are ASCII.
function ascii64(at: usize): bool {
  const x = v128.or(v128.or(v128.load(at), v128.load(at, 16)), v128.or(v128.load(at, 32), v128.load(at, 48)));
  return i8x16.bitmask(x) == 0;
}

// The end of the ASCII run from `at`, in steps of 256, then 64 bytes, on
// 64-byte aligned addresses (where no load straddles two cache lines: ~20%
// faster on long runs than at the 8 mod 16 the heap gives).
function asciiRunEnd(at: usize, end: usize): usize {
  if (at + 64 > end || !ascii64(at)) return at;
  at = (at + 64) & ~(<usize> 63);
  while (at + 256 <= end) {
    const x = v128.or(
      v128.or(
        v128.or(v128.or(v128.load(at), v128.load(at, 16)), v128.or(v128.load(at, 32), v128.load(at, 48))),
        v128.or(v128.or(v128.load(at, 64), v128.load(at, 80)), v128.or(v128.load(at, 96), v128.load(at, 112))),
      ),
      v128.or(
        v128.or(v128.or(v128.load(at, 128), v128.load(at, 144)), v128.or(v128.load(at, 160), v128.load(at, 176))),
        v128.or(v128.or(v128.load(at, 192), v128.load(at, 208)), v128.or(v128.load(at, 224), v128.load(at, 240))),
      ),
    );
    if (i8x16.bitmask(x) != 0) break;
    at += 256;
  }
  while (at + 64 <= end && ascii64(at)) at += 64;
  return at;
}

/**
 * Validate whole 16-byte blocks from `start` (a code point boundary) and
 * return the index of the boundary where the caller's automaton must go on:
 * the end of the last block, moved back to the start of a sequence the blocks
 * left incomplete. Returns -1 for invalid input. The bytes before `start`
 * (when `start` >= 3) must be complete, valid UTF-8 of the same text.
 */
export function utf8SimdRun(pointer: usize, start: usize, length: usize): isize {
  const t1h = v128.load(TABLES);
  const t1l = v128.load(TABLES, 16);
  const t2h = v128.load(TABLES, 32);
  const low4 = i8x16.splat(load<u8>(MASKS));
  const c3 = i8x16.splat(load<u8>(MASKS, 1));
  const c4 = i8x16.splat(load<u8>(MASKS, 2));
  const top = i8x16.splat(load<u8>(MASKS, 3));
  const end = pointer + length;
  let at = pointer + start;
  // What the first two tables give for the byte before the next block; while
  // previousAscii, what they give for ASCII (TOO_LONG).
  let previousFirst = i8x16.splat(load<u8>(MASKS, 4));
  let previousAscii = true;
  if (start < 3) {
    // The bytes before are not this text's: no loads behind the first block.
    const input = v128.load(at);
    if (i8x16.bitmask(input) != 0) {
      const high = nibbles(input, low4);
      const first = firstOfPair(input, high, t1h, t1l, low4);
      if (v128.any_true(firstBlockErrors(input, high, first, previousFirst, t2h, c3, c4, top))) return -1;
      previousFirst = first;
      previousAscii = false;
    }
    at += 16;
  }
  // After ASCII, one test skips up to 256 bytes; in multi-byte text, two
  // block checks per step and one error test for both (four per step spill
  // registers on Node 20 and 22: 30% slower there, 2% faster on Node 24).
  while (at + 64 <= end) {
    if (previousAscii) {
      at = asciiRunEnd(at, end);
      if (at + 64 > end) break;
      previousAscii = false;
    }
    // Multi-byte text: no ASCII test per step until a step ends in ASCII.
    do {
      const a = v128.load(at);
      const b = v128.load(at, 16);
      const aHigh = nibbles(a, low4);
      const bHigh = nibbles(b, low4);
      const aFirst = firstOfPair(a, aHigh, t1h, t1l, low4);
      const bFirst = firstOfPair(b, bHigh, t1h, t1l, low4);
      const errors = v128.or(
        blockErrors(at, aHigh, aFirst, previousFirst, t2h, c3, c4, top),
        blockErrors(at + 16, bHigh, bFirst, aFirst, t2h, c3, c4, top),
      );
      if (v128.any_true(errors)) return -1;
      previousFirst = bFirst;
      at += 32;
      if (i8x16.bitmask(b) == 0) {
        previousAscii = true;
        break;
      }
    } while (at + 32 <= end);
  }
  while (at + 16 <= end) {
    const input = v128.load(at);
    const ascii = i8x16.bitmask(input) == 0;
    // An ASCII block after an ASCII block cannot hold an error; one after a
    // multi-byte block still must, to catch a sequence cut short.
    if (!(ascii && previousAscii)) {
      const high = nibbles(input, low4);
      const first = firstOfPair(input, high, t1h, t1l, low4);
      if (v128.any_true(blockErrors(at, high, first, previousFirst, t2h, c3, c4, top))) return -1;
      previousFirst = first;
    }
    previousAscii = ascii;
    at += 16;
  }
  let i = at - pointer;
  if (!previousAscii) {
    for (let k: usize = 1; k <= 3; k++) {
      const b = <u32> load<u8>(at - k);
      if (b < 0x80) break;
      if (b >= 0xc0) {
        const needed: usize = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        if (needed > k) i -= k;
        break;
      }
    }
  }
  return <isize> i;
}
