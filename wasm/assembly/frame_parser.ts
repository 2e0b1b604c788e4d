// The incremental RFC 6455 §5 frame parser. One call consumes every byte it
// is given: complete headers are parsed, data payloads are unmasked and
// UTF-8-checked where they landed and reported as pieces, control frames are
// reported whole (a partial one is collected in the state block), and a
// partial header is carried in the state block. Results go to the descriptor
// table the caller passes; when it fills, the call stops and reports how much
// it consumed so the caller can call again.

import {
  DESC_ERROR,
  DESC_KIND,
  DESC_LENGTH,
  DESC_POINTER,
  DESCRIPTOR_CAPACITY,
  DESCRIPTOR_SIZE,
  ERR_CONTROL_TOO_LONG,
  ERR_EXPECTED_CONTINUATION,
  ERR_EXPECTED_FIN,
  ERR_EXPECTED_MASK,
  ERR_INVALID_CLOSE_CODE,
  ERR_INVALID_CLOSE_PAYLOAD,
  ERR_INVALID_CONTINUATION,
  ERR_INVALID_LENGTH,
  ERR_INVALID_OPCODE,
  ERR_INVALID_UTF8,
  ERR_MESSAGE_TOO_BIG,
  ERR_TOO_MANY_FRAGMENTS,
  ERR_UNEXPECTED_MASK,
  ERR_UNEXPECTED_RSV,
  FLAG_ALLOW_RSV1,
  FLAG_DEAD,
  FLAG_SERVER,
  KIND_CONTROL,
  KIND_DATA,
  KIND_ERROR,
  PHASE_CONTROL,
  PHASE_DATA,
  PHASE_HEADER,
  PIECE_FIRST,
  PIECE_LAST,
  PIECE_TEXT,
  STATE_CARRY,
  STATE_CARRY_LENGTH,
  STATE_CONSUMED,
  STATE_CONTROL,
  STATE_CONTROL_BUFFER,
  STATE_CONTROL_LENGTH,
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
  STATE_PHASE,
  STATE_REMAINING,
  STATE_SIZE,
  STATE_UTF8,
  UTF8_ACCEPT,
  UTF8_REJECT,
} from "./abi";
import { mask } from "./mask";
import { utf8Validate } from "./utf8";

/** Prepare a state block for a new decoder. */
export function decoderInit(state: usize, flags: u32, maxPayload: f64, maxFragments: u32): void {
  memory.fill(state, 0, STATE_SIZE);
  store<u32>(state + STATE_FLAGS, flags);
  store<f64>(state + STATE_MAX_PAYLOAD, maxPayload);
  store<u32>(state + STATE_MAX_FRAGMENTS, maxFragments);
}

// Descriptor output of the current call.
let outTable: usize = 0;
let outCount: u32 = 0;

function emit(kind: u32, pointer: usize, length: u32, error: u32): void {
  const d = outTable + <usize> (outCount * DESCRIPTOR_SIZE);
  store<u32>(d + DESC_KIND, kind);
  store<u32>(d + DESC_POINTER, <u32> pointer);
  store<u32>(d + DESC_LENGTH, length);
  store<u32>(d + DESC_ERROR, error);
  outCount++;
}

function fail(state: usize, error: u32): void {
  store<u32>(state + STATE_FLAGS, load<u32>(state + STATE_FLAGS) | FLAG_DEAD);
  emit(KIND_ERROR, 0, 0, error);
}

/** Checks that need only the first byte, so a bad frame fails as early as it can. */
function checkFirstByte(state: usize, b0: u32): u32 {
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
function checkSecondByte(state: usize, b0: u32, b1: u32): u32 {
  const server = (load<u32>(state + STATE_FLAGS) & FLAG_SERVER) != 0;
  const masked = (b1 & 0x80) != 0;
  if (server && !masked) return ERR_EXPECTED_MASK;
  if (!server && masked) return ERR_UNEXPECTED_MASK;
  if ((b0 & 0x08) != 0 && (b1 & 0x7f) > 125) return ERR_CONTROL_TOO_LONG;
  return 0;
}

/** Header length once the first two bytes are known. */

function headerLength(b1: u32): u32 {
  const len7 = b1 & 0x7f;
  return (len7 == 126 ? 4 : len7 == 127 ? 10 : 2) + ((b1 & 0x80) != 0 ? 4 : 0);
}

/** Parse a complete header at `h`; returns an error id or 0. */
function parseHeader(state: usize, h: usize): u32 {
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
  const opcode = b0 & 0x0f;
  const fin = (b0 >> 7) & 1;
  if ((opcode & 0x8) == 0) {
    const open = load<u32>(state + STATE_MESSAGE_OPCODE);
    const fragments = (opcode == 0 ? load<u32>(state + STATE_FRAGMENTS) : 0) + 1;
    const size = (opcode == 0 ? load<f64>(state + STATE_MESSAGE_SIZE) : 0) + length;
    if (size > load<f64>(state + STATE_MAX_PAYLOAD)) return ERR_MESSAGE_TOO_BIG;
    if (fragments > load<u32>(state + STATE_MAX_FRAGMENTS)) return ERR_TOO_MANY_FRAGMENTS;
    if (opcode != 0) {
      store<u32>(state + STATE_MESSAGE_OPCODE, opcode);
      store<u32>(state + STATE_FIRST_PENDING, 1);
      store<u32>(state + STATE_UTF8, UTF8_ACCEPT);
    } else if (open == 0) {
      return ERR_INVALID_CONTINUATION;
    }
    store<u32>(state + STATE_FRAGMENTS, fragments);
    store<f64>(state + STATE_MESSAGE_SIZE, size);
  }
  const masked = (b1 >> 7) & 1;
  store<u32>(state + STATE_MASK_KEY, masked != 0 ? load<u32>(p) : 0);
  store<u32>(state + STATE_MASK_PHASE, 0);
  store<u32>(state + STATE_FRAME, opcode | (fin << 8) | (masked << 9));
  store<f64>(state + STATE_REMAINING, length);
  return 0;
}

/** Deliver a piece of the open data frame; returns false after an error. */
function dataPiece(state: usize, pointer: usize, length: u32, frameDone: bool): bool {
  const frame = load<u32>(state + STATE_FRAME);
  if ((frame & 0x200) != 0) {
    const phase = load<u32>(state + STATE_MASK_PHASE);
    mask(pointer, length, load<u32>(state + STATE_MASK_KEY), phase);
    store<u32>(state + STATE_MASK_PHASE, (phase + length) & 3);
  }
  const messageOpcode = load<u32>(state + STATE_MESSAGE_OPCODE);
  const last = frameDone && (frame & 0x100) != 0;
  if (messageOpcode == 1) {
    const utf8 = utf8Validate(load<u32>(state + STATE_UTF8), pointer, length);
    if (utf8 == UTF8_REJECT || (last && utf8 != UTF8_ACCEPT)) {
      fail(state, ERR_INVALID_UTF8);
      return false;
    }
    store<u32>(state + STATE_UTF8, utf8);
  }
  let flags: u32 = messageOpcode == 1 ? PIECE_TEXT : 0;
  if (load<u32>(state + STATE_FIRST_PENDING) != 0) flags |= PIECE_FIRST;
  if (last) flags |= PIECE_LAST;
  store<u32>(state + STATE_FIRST_PENDING, 0);
  // The 4th word tells how much of this frame is still to come, so the
  // assembler can size a multi-read message once instead of growing it.
  const left = load<f64>(state + STATE_REMAINING);
  emit(KIND_DATA | (messageOpcode << 8) | (flags << 16), pointer, length, left > 4294967295 ? 0xffffffff : <u32> left);
  if (last) {
    store<u32>(state + STATE_MESSAGE_OPCODE, 0);
    store<u32>(state + STATE_FRAGMENTS, 0);
    store<f64>(state + STATE_MESSAGE_SIZE, 0);
  }
  return true;
}

/** Deliver a whole control frame's payload (unmasked here); returns false after an error. */
function controlFrame(state: usize, pointer: usize, length: u32): bool {
  const frame = load<u32>(state + STATE_FRAME);
  const opcode = frame & 0xff;
  if ((frame & 0x200) != 0) mask(pointer, length, load<u32>(state + STATE_MASK_KEY), 0);
  if (opcode == 0x8 && length > 0) {
    if (length == 1) {
      fail(state, ERR_INVALID_CLOSE_PAYLOAD);
      return false;
    }
    const code = (<u32> load<u8>(pointer) << 8) | <u32> load<u8>(pointer + 1);
    const valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    if (!valid) {
      fail(state, ERR_INVALID_CLOSE_CODE);
      return false;
    }
    if (utf8Validate(UTF8_ACCEPT, pointer + 2, length - 2) != UTF8_ACCEPT) {
      fail(state, ERR_INVALID_UTF8);
      return false;
    }
  }
  emit(KIND_CONTROL | (opcode << 8), pointer, length, 0);
  return true;
}

/**
 * Parse `length` bytes at `input` for the decoder at `state`, writing up to
 * DESCRIPTOR_CAPACITY descriptors to `table` (DESCRIPTOR_TABLE_SIZE bytes).
 * Returns the number of descriptors written; `STATE_CONSUMED` tells how many
 * input bytes were used (less than `length` only when the table filled up).
 */
export function decode(state: usize, input: usize, length: u32, table: usize): u32 {
  outTable = table;
  outCount = 0;
  let pos: u32 = 0;
  while (pos < length) {
    if ((load<u32>(state + STATE_FLAGS) & FLAG_DEAD) != 0) {
      pos = length;
      break;
    }
    // Each step writes at most one descriptor.
    if (outCount >= DESCRIPTOR_CAPACITY) break;
    const phase = load<u32>(state + STATE_PHASE);
    if (phase == PHASE_HEADER) {
      const carry = state + STATE_CARRY;
      let carried = load<u32>(state + STATE_CARRY_LENGTH);
      let header: usize;
      if (carried == 0 && length - pos >= 2 && length - pos >= headerLength(<u32> load<u8>(input + pos + 1))) {
        header = input + pos;
        pos += headerLength(<u32> load<u8>(input + pos + 1));
      } else {
        // Collect the header in the carry area, one needed byte count at a time.
        while (pos < length) {
          const need: u32 = carried < 2 ? 2 : headerLength(<u32> load<u8>(carry + 1));
          if (carried >= need) break;
          const take = min<u32>(need - carried, length - pos);
          memory.copy(carry + carried, input + pos, take);
          carried += take;
          pos += take;
        }
        store<u32>(state + STATE_CARRY_LENGTH, carried);
        let early: u32 = carried >= 1 ? checkFirstByte(state, <u32> load<u8>(carry)) : 0;
        if (early == 0 && carried >= 2) {
          early = checkSecondByte(state, <u32> load<u8>(carry), <u32> load<u8>(carry + 1));
        }
        if (early != 0) {
          fail(state, early);
          continue;
        }
        if (carried < 2 || carried < headerLength(<u32> load<u8>(carry + 1))) break;
        header = carry;
        store<u32>(state + STATE_CARRY_LENGTH, 0);
      }
      const error = parseHeader(state, header);
      if (error != 0) {
        fail(state, error);
        continue;
      }
      const frame = load<u32>(state + STATE_FRAME);
      const payload = <u32> load<f64>(state + STATE_REMAINING);
      if ((frame & 0x8) != 0) {
        if (length - pos >= payload) {
          if (!controlFrame(state, input + pos, payload)) continue;
          pos += payload;
        } else {
          store<u32>(state + STATE_PHASE, PHASE_CONTROL);
          store<u32>(state + STATE_CONTROL_LENGTH, 0);
          store<u32>(state + STATE_CONTROL_BUFFER, load<u32>(state + STATE_CONTROL_BUFFER) ^ 1);
        }
      } else if (payload == 0) {
        dataPiece(state, input + pos, 0, true);
      } else {
        store<u32>(state + STATE_PHASE, PHASE_DATA);
      }
    } else if (phase == PHASE_DATA) {
      const remaining = load<f64>(state + STATE_REMAINING);
      const available = <f64> (length - pos);
      const take = <u32> (remaining < available ? remaining : available);
      const done = <f64> take == remaining;
      store<f64>(state + STATE_REMAINING, remaining - <f64> take);
      if (done) store<u32>(state + STATE_PHASE, PHASE_HEADER);
      if (!dataPiece(state, input + pos, take, done)) continue;
      pos += take;
    } else {
      const buffer = state + STATE_CONTROL + (<usize> load<u32>(state + STATE_CONTROL_BUFFER) << 7);
      const have = load<u32>(state + STATE_CONTROL_LENGTH);
      const total = <u32> load<f64>(state + STATE_REMAINING);
      const take = min<u32>(total - have, length - pos);
      memory.copy(buffer + have, input + pos, take);
      pos += take;
      store<u32>(state + STATE_CONTROL_LENGTH, have + take);
      if (have + take == total) {
        store<u32>(state + STATE_PHASE, PHASE_HEADER);
        controlFrame(state, buffer, total);
      }
    }
  }
  store<u32>(state + STATE_CONSUMED, pos);
  return outCount;
}
