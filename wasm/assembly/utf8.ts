// Incremental, fail-fast UTF-8 validation (Unicode table 3-7). The state
// survives between chunks and continuation frames; a byte that can never
// be part of well-formed UTF-8 rejects at once, so `E0 80`, `ED A0`, `F4 90`,
// `C0` and `F5` fail on the byte that proves them wrong (within a chunk, the
// SIMD path reports the same verdict for the chunk as a whole).
//
// States: 0 accept, 1 reject, 2 need 1 continuation, 3 need 2, 4 need 3,
// 5 after E0 (A0-BF next), 6 after ED (80-9F next), 7 after F0 (90-BF next),
// 8 after F4 (80-8F next). _utf8_table.ts holds the 9 x 256 transitions.
// Whole 16-byte blocks between the edges go through utf8_simd.ts.

import { UTF8_ACCEPT, UTF8_REJECT } from "./abi";
import { UTF8_TRANSITIONS } from "./_utf8_table";
import { utf8SimdRun } from "./utf8_simd";

/** Validate `length` bytes at `pointer` from `state`; returns the new state. */
export function utf8Validate(state: u32, pointer: usize, length: usize): u32 {
  let i: usize = 0;
  while (i < length) {
    // From a boundary with a block's worth left, the SIMD check takes over.
    if (state == UTF8_ACCEPT && length - i >= 16) {
      const next = utf8SimdRun(pointer, i, length);
      if (next < 0) return UTF8_REJECT;
      i = <usize> next;
      // A last part block of ASCII: one load ending at the end. (Here, not
      // in utf8SimdRun, where it cost Node 20 and 22 registers in the loops.)
      if (length - i <= 16 && i8x16.bitmask(v128.load(pointer + length - 16)) == 0) break;
      if (i >= length) break;
    }
    state = load<u8>(UTF8_TRANSITIONS + (<usize> state << 8) + <usize> load<u8>(pointer + i));
    if (state == UTF8_REJECT) return UTF8_REJECT;
    i++;
  }
  return state;
}
