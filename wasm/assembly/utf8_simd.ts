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

// Indexed by the high nibble of the first byte of a pair.
const BYTE_1_HIGH = i8x16(
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
);
// Indexed by the low nibble of the first byte of a pair.
const BYTE_1_LOW = i8x16(
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
);
// Indexed by the high nibble of the second byte of a pair.
const BYTE_2_HIGH = i8x16(
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
);

function high(v: v128): v128 {
  return v128.and(i16x8.shr_u(v, 4), i8x16.splat(0x0f));
}

/** Errors of one 16-byte block, given the block before it. */

function blockErrors(input: v128, previous: v128): v128 {
  const prev1 = v128.shuffle<u8>(previous, input, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30);
  const special = v128.and(
    v128.and(i8x16.swizzle(BYTE_1_HIGH, high(prev1)), i8x16.swizzle(BYTE_1_LOW, v128.and(prev1, i8x16.splat(0x0f)))),
    i8x16.swizzle(BYTE_2_HIGH, high(input)),
  );
  const prev2 = v128.shuffle<u8>(previous, input, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29);
  const prev3 = v128.shuffle<u8>(previous, input, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28);
  const third = i8x16.sub_sat_u(prev2, i8x16.splat(<i8> (0xe0 - 0x80)));
  const fourth = i8x16.sub_sat_u(prev3, i8x16.splat(<i8> (0xf0 - 0x80)));
  const must23 = v128.and(v128.or(third, fourth), i8x16.splat(<i8> 0x80));
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
  let i = start;
  // 64 bytes per step: one test skips four ASCII blocks; otherwise four
  // independent checks, with the error test once per step.
  while (i + 64 <= length) {
    const a = v128.load(pointer + i);
    const b = v128.load(pointer + i + 16);
    const c = v128.load(pointer + i + 32);
    const d = v128.load(pointer + i + 48);
    if (previousAscii && i8x16.bitmask(v128.or(v128.or(a, b), v128.or(c, d))) == 0) {
      previous = d;
      i += 64;
      continue;
    }
    errors = v128.or(
      v128.or(blockErrors(a, previous), blockErrors(b, a)),
      v128.or(blockErrors(c, b), blockErrors(d, c)),
    );
    if (v128.any_true(errors)) return -1;
    previous = d;
    previousAscii = i8x16.bitmask(d) == 0;
    i += 64;
  }
  while (i + 16 <= length) {
    const input = v128.load(pointer + i);
    const ascii = i8x16.bitmask(input) == 0;
    // An ASCII block after an ASCII block cannot hold an error; one after a
    // multi-byte block still must, to catch a sequence cut short.
    if (!(ascii && previousAscii)) {
      if (v128.any_true(blockErrors(input, previous))) return -1;
    }
    previous = input;
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
