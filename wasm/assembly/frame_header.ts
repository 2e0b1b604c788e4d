// Frame headers (RFC 6455 §5.2): the checks each header byte allows as soon
// as it arrives, and the parse of a complete header into the state block,
// which is also where a data frame is counted against the open message's
// size and fragment limits (announced lengths, before any payload arrives).

import {
  ERR_CONTROL_TOO_LONG,
  ERR_EXPECTED_CONTINUATION,
  ERR_EXPECTED_FIN,
  ERR_EXPECTED_MASK,
  ERR_INVALID_CONTINUATION,
  ERR_INVALID_LENGTH,
  ERR_INVALID_OPCODE,
  ERR_MESSAGE_TOO_BIG,
  ERR_TOO_MANY_FRAGMENTS,
  ERR_UNEXPECTED_MASK,
  ERR_UNEXPECTED_RSV,
  FLAG_ALLOW_RSV1,
  FLAG_SERVER,
  FRAME_CONTROL,
  FRAME_FIN,
  FRAME_MASKED,
  FRAME_OPCODE_MASK,
  STATE_COMPRESSED,
  STATE_FIRST_PENDING,
  STATE_FLAGS,
  STATE_FRAGMENTS,
  STATE_FRAME,
  STATE_MASK_KEY,
  STATE_MASK_PHASE,
  STATE_MAX_FRAGMENTS,
  STATE_MAX_PAYLOAD,
  STATE_MESSAGE_OPCODE,
  STATE_MESSAGE_SIZE,
  STATE_REMAINING,
  STATE_UTF8,
  UTF8_ACCEPT,
} from "./abi";

/** Checks that need only the first byte, so a bad frame fails as early as it can. */
export function checkFirstByte(state: usize, b0: u32): u32 {
  const opcode = b0 & 0x0f;
  const rsv = b0 & 0x70;
  const control = (opcode & 0x8) != 0;
  const open = load<u32>(state + STATE_MESSAGE_OPCODE);
  if (rsv != 0) {
    const rsv1Allowed = (load<u32>(state + STATE_FLAGS) & FLAG_ALLOW_RSV1) != 0 && rsv == 0x40 &&
      (opcode == 1 || opcode == 2);
    if (!rsv1Allowed) return ERR_UNEXPECTED_RSV;
  }
  if (control ? opcode > 0xa : opcode > 2) return ERR_INVALID_OPCODE;
  if (control && (b0 & 0x80) == 0) return ERR_EXPECTED_FIN;
  if (opcode == 0 && open == 0) return ERR_INVALID_CONTINUATION;
  if ((opcode == 1 || opcode == 2) && open != 0) return ERR_EXPECTED_CONTINUATION;
  return 0;
}

/** Checks on the second byte. */
export function checkSecondByte(state: usize, b0: u32, b1: u32): u32 {
  const server = (load<u32>(state + STATE_FLAGS) & FLAG_SERVER) != 0;
  const masked = (b1 & 0x80) != 0;
  if (server && !masked) return ERR_EXPECTED_MASK;
  if (!server && masked) return ERR_UNEXPECTED_MASK;
  if ((b0 & 0x08) != 0 && (b1 & 0x7f) > 125) return ERR_CONTROL_TOO_LONG;
  return 0;
}

/** Header length once the first two bytes are known. */
export function headerLength(b1: u32): u32 {
  const len7 = b1 & 0x7f;
  return (len7 == 126 ? 4 : len7 == 127 ? 10 : 2) + ((b1 & 0x80) != 0 ? 4 : 0);
}

/** Parse a complete header at `h`; returns an error id or 0. */
export function parseHeader(state: usize, h: usize): u32 {
  const b0 = <u32> load<u8>(h);
  const b1 = <u32> load<u8>(h + 1);
  let error = checkFirstByte(state, b0);
  if (error == 0) error = checkSecondByte(state, b0, b1);
  if (error != 0) return error;
  const len7 = b1 & 0x7f;
  let length: f64 = <f64> len7;
  let p = h + 2;
  if (len7 == 126) {
    const n = (<u32> load<u8>(p) << 8) | <u32> load<u8>(p + 1);
    if (n < 126) return ERR_INVALID_LENGTH;
    length = <f64> n;
    p += 2;
  } else if (len7 == 127) {
    const n = bswap<u64>(load<u64>(p));
    if ((n >> 63) != 0 || n <= 0xffff) return ERR_INVALID_LENGTH;
    length = <f64> n;
    p += 8;
  }
  const opcode = b0 & FRAME_OPCODE_MASK;
  const fin = (b0 >> 7) & 1;
  if ((opcode & FRAME_CONTROL) == 0) {
    const open = load<u32>(state + STATE_MESSAGE_OPCODE);
    const fragments = (opcode == 0 ? load<u32>(state + STATE_FRAGMENTS) : 0) + 1;
    const size = (opcode == 0 ? load<f64>(state + STATE_MESSAGE_SIZE) : 0) + length;
    if (size > load<f64>(state + STATE_MAX_PAYLOAD)) return ERR_MESSAGE_TOO_BIG;
    if (fragments > load<u32>(state + STATE_MAX_FRAGMENTS)) return ERR_TOO_MANY_FRAGMENTS;
    if (opcode != 0) {
      store<u32>(state + STATE_MESSAGE_OPCODE, opcode);
      store<u32>(state + STATE_FIRST_PENDING, 1);
      store<u32>(state + STATE_UTF8, UTF8_ACCEPT);
      // RFC 7692 §6: RSV1 on a message's first frame marks the whole message compressed
      // (checkFirstByte let it through only when the extension was agreed).
      store<u32>(state + STATE_COMPRESSED, (b0 >> 6) & 1);
    } else if (open == 0) {
      return ERR_INVALID_CONTINUATION;
    }
    store<u32>(state + STATE_FRAGMENTS, fragments);
    store<f64>(state + STATE_MESSAGE_SIZE, size);
  }
  const masked = (b1 >> 7) & 1;
  store<u32>(state + STATE_MASK_KEY, masked != 0 ? load<u32>(p) : 0);
  store<u32>(state + STATE_MASK_PHASE, 0);
  store<u32>(state + STATE_FRAME, opcode | (fin != 0 ? FRAME_FIN : 0) | (masked != 0 ? FRAME_MASKED : 0));
  store<f64>(state + STATE_REMAINING, length);
  return 0;
}
