// The "lookup" UTF-8 check of Keiser and Lemire ("Validating UTF-8 in less
// than one instruction per byte", 2021), 16 bytes per step: three nibble
// lookups classify every pair of adjacent bytes, and a saturating subtract
// finds the bytes that must be the 3rd or 4th of a sequence. It runs only
// from a code point boundary; utf8.ts handles the edges of each chunk with
// its automaton, so the state still carries across chunks.

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
const MASKS: usize = memory.data<u8>([0x0f, 0xe0 - 0x80, 0xf0 - 0x80, 0x80]);

function nibbles(v: v128, low4: v128): v128 {
  return v128.and(i16x8.shr_u(v, 4), low4);
}

function blockErrors(
  input: v128,
  previous: v128,
  inputHigh: v128,
  previousHigh: v128,
  t1h: v128,
  t1l: v128,
  t2h: v128,
  low4: v128,
  c3: v128,
  c4: v128,
  top: v128,
): v128 {
  // The high nibbles of the block shifted by one byte are the shifted high
  // nibbles: one shuffle instead of a shift and a mask.
  const prev1 = v128.shuffle<u8>(previous, input, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30);
  const prev1High = v128.shuffle<u8>(
    previousHigh,
    inputHigh,
    15,
    16,
    17,
    18,
    19,
    20,
    21,
    22,
    23,
    24,
    25,
    26,
    27,
    28,
    29,
    30,
  );
  const special = v128.and(
    v128.and(i8x16.swizzle(t1h, prev1High), i8x16.swizzle(t1l, v128.and(prev1, low4))),
    i8x16.swizzle(t2h, inputHigh),
  );
  const prev2 = v128.shuffle<u8>(previous, input, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29);
  const prev3 = v128.shuffle<u8>(previous, input, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28);
  const must23 = v128.and(v128.or(i8x16.sub_sat_u(prev2, c3), i8x16.sub_sat_u(prev3, c4)), top);
  return v128.xor(must23, special);
}

/**
 * Validate whole 16-byte blocks from `start` (a code point boundary) and
 * return the index of the boundary where the caller's automaton must go on:
 * the end of the last block, moved back to the start of a sequence the blocks
 * left incomplete. Returns -1 for invalid input.
 */
export function utf8SimdRun(pointer: usize, start: usize, length: usize): isize {
  let previous = i8x16.splat(0);
  let previousAscii = true;
  let errors = i8x16.splat(0);
  const t1h = v128.load(TABLES);
  const t1l = v128.load(TABLES, 16);
  const t2h = v128.load(TABLES, 32);
  const low4 = i8x16.splat(load<u8>(MASKS));
  const c3 = i8x16.splat(load<u8>(MASKS, 1));
  const c4 = i8x16.splat(load<u8>(MASKS, 2));
  const top = i8x16.splat(load<u8>(MASKS, 3));
  let i = start;
  // 64 bytes per step: one test skips four ASCII blocks; otherwise four
  // independent checks, with the error test once per step.
  let previousHigh = i8x16.splat(0);
  while (i + 64 <= length) {
    // ASCII runs: 128 bytes per test while they last.
    if (previousAscii) {
      while (i + 128 <= length) {
        const x = v128.or(
          v128.or(
            v128.or(v128.load(pointer + i), v128.load(pointer + i + 16)),
            v128.or(v128.load(pointer + i + 32), v128.load(pointer + i + 48)),
          ),
          v128.or(
            v128.or(v128.load(pointer + i + 64), v128.load(pointer + i + 80)),
            v128.or(v128.load(pointer + i + 96), v128.load(pointer + i + 112)),
          ),
        );
        if (i8x16.bitmask(x) != 0) break;
        i += 128;
        previous = v128.load(pointer + i - 16);
      }
      previousHigh = nibbles(previous, low4);
      if (i + 64 > length) break;
    }
    const a = v128.load(pointer + i);
    const b = v128.load(pointer + i + 16);
    const c = v128.load(pointer + i + 32);
    const d = v128.load(pointer + i + 48);
    if (previousAscii && i8x16.bitmask(v128.or(v128.or(a, b), v128.or(c, d))) == 0) {
      previous = d;
      previousHigh = nibbles(d, low4);
      i += 64;
      continue;
    }
    const aHigh = nibbles(a, low4);
    const bHigh = nibbles(b, low4);
    const cHigh = nibbles(c, low4);
    const dHigh = nibbles(d, low4);
    errors = v128.or(
      v128.or(
        blockErrors(a, previous, aHigh, previousHigh, t1h, t1l, t2h, low4, c3, c4, top),
        blockErrors(b, a, bHigh, aHigh, t1h, t1l, t2h, low4, c3, c4, top),
      ),
      v128.or(
        blockErrors(c, b, cHigh, bHigh, t1h, t1l, t2h, low4, c3, c4, top),
        blockErrors(d, c, dHigh, cHigh, t1h, t1l, t2h, low4, c3, c4, top),
      ),
    );
    if (v128.any_true(errors)) return -1;
    previous = d;
    previousHigh = dHigh;
    previousAscii = i8x16.bitmask(d) == 0;
    i += 64;
  }
  while (i + 16 <= length) {
    const input = v128.load(pointer + i);
    const inputHigh = nibbles(input, low4);
    const ascii = i8x16.bitmask(input) == 0;
    // An ASCII block after an ASCII block cannot hold an error; one after a
    // multi-byte block still must, to catch a sequence cut short.
    if (!(ascii && previousAscii)) {
      if (v128.any_true(blockErrors(input, previous, inputHigh, previousHigh, t1h, t1l, t2h, low4, c3, c4, top))) {
        return -1;
      }
    }
    previous = input;
    previousHigh = inputHigh;
    previousAscii = ascii;
    i += 16;
  }
  if (!previousAscii) {
    for (let k: usize = 1; k <= 3; k++) {
      const b = <u32> load<u8>(pointer + i - k);
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
