// RFC 6455 §5.2 frame headers for every opcode and length, and client-side
// masking. The caller writes the payload at `out + ENCODE_HEADROOM` (for text,
// straight from TextEncoder.encodeInto), so the header lands right before
// it and the whole frame is contiguous with no copy.

import { ENCODE_HEADROOM } from "./abi";
import { mask } from "./mask";

/**
 * Write the header for a `length`-byte payload at `out + ENCODE_HEADROOM` and
 * mask the payload in place when `masked`. `first` is FIN | RSV | opcode.
 * Returns the frame's start; it ends at `out + ENCODE_HEADROOM + length`.
 */
export function encodeFrame(out: usize, length: u32, first: u32, masked: u32, key: u32): usize {
  const payload = out + ENCODE_HEADROOM;
  const maskBit: u32 = masked != 0 ? 0x80 : 0;
  const keyBytes: usize = masked != 0 ? 4 : 0;
  let start: usize;
  if (length < 126) {
    start = payload - keyBytes - 2;
    store<u8>(start + 1, <u8> (maskBit | length));
  } else if (length < 65536) {
    start = payload - keyBytes - 4;
    store<u8>(start + 1, <u8> (maskBit | 126));
    store<u16>(start + 2, bswap<u16>(<u16> length));
  } else {
    start = payload - keyBytes - 10;
    store<u8>(start + 1, <u8> (maskBit | 127));
    store<u64>(start + 2, bswap<u64>(<u64> length));
  }
  store<u8>(start, <u8> first);
  if (masked != 0) {
    store<u32>(payload - 4, key);
    mask(payload, length, key, 0);
  }
  return start;
}
