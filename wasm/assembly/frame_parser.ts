// The incremental RFC 6455 §5 frame parser. One call consumes every byte it
// is given: complete headers are parsed, data payloads are unmasked and
// UTF-8-checked where they landed and reported as pieces, control frames are
// reported whole (a partial one is collected in the state block), and a
// partial header is carried in the state block. Results go to the descriptor
// table the caller passes; when it fills, the call stops and reports how much
// it consumed so the caller can call again. What a header or a close payload
// may hold is decided in frame_header.ts and close_payload.ts.

import {
  DESC_ERROR,
  DESC_FLAGS_SHIFT,
  DESC_KIND,
  DESC_LENGTH,
  DESC_OPCODE_SHIFT,
  DESC_POINTER,
  DESCRIPTOR_CAPACITY,
  DESCRIPTOR_SIZE,
  ERR_INVALID_UTF8,
  FLAG_DEAD,
  FRAME_CONTROL,
  FRAME_FIN,
  FRAME_MASKED,
  FRAME_OPCODE_MASK,
  KIND_CONTROL,
  KIND_DATA,
  KIND_ERROR,
  PHASE_CONTROL,
  PHASE_DATA,
  PHASE_HEADER,
  PIECE_COMPRESSED,
  PIECE_FIRST,
  PIECE_LAST,
  PIECE_TEXT,
  STATE_CARRY,
  STATE_CARRY_LENGTH,
  STATE_COMPRESSED,
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
import { closePayloadError } from "./close_payload";
import { checkFirstByte, checkSecondByte, headerLength, parseHeader } from "./frame_header";
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

/** Deliver a piece of the open data frame; returns false after an error. */
function dataPiece(state: usize, pointer: usize, length: u32, frameDone: bool): bool {
  const frame = load<u32>(state + STATE_FRAME);
  if ((frame & FRAME_MASKED) != 0) {
    const phase = load<u32>(state + STATE_MASK_PHASE);
    mask(pointer, length, load<u32>(state + STATE_MASK_KEY), phase);
    store<u32>(state + STATE_MASK_PHASE, (phase + length) & 3);
  }
  const messageOpcode = load<u32>(state + STATE_MESSAGE_OPCODE);
  const last = frameDone && (frame & FRAME_FIN) != 0;
  // Compressed text is checked once inflated, by the extension.
  const compressed = load<u32>(state + STATE_COMPRESSED) != 0;
  if (messageOpcode == 1 && !compressed) {
    const utf8 = utf8Validate(load<u32>(state + STATE_UTF8), pointer, length);
    if (utf8 == UTF8_REJECT || (last && utf8 != UTF8_ACCEPT)) {
      fail(state, ERR_INVALID_UTF8);
      return false;
    }
    store<u32>(state + STATE_UTF8, utf8);
  }
  let flags: u32 = messageOpcode == 1 ? PIECE_TEXT : 0;
  if (compressed) flags |= PIECE_COMPRESSED;
  if (load<u32>(state + STATE_FIRST_PENDING) != 0) flags |= PIECE_FIRST;
  if (last) flags |= PIECE_LAST;
  store<u32>(state + STATE_FIRST_PENDING, 0);
  // The 4th word tells how much of this frame is still to come, so the
  // assembler can size a multi-read message once instead of growing it.
  const left = load<f64>(state + STATE_REMAINING);
  emit(
    KIND_DATA | (messageOpcode << DESC_OPCODE_SHIFT) | (flags << DESC_FLAGS_SHIFT),
    pointer,
    length,
    left > 4294967295 ? 0xffffffff : <u32> left,
  );
  if (last) {
    store<u32>(state + STATE_MESSAGE_OPCODE, 0);
    store<u32>(state + STATE_COMPRESSED, 0);
    store<u32>(state + STATE_FRAGMENTS, 0);
    store<f64>(state + STATE_MESSAGE_SIZE, 0);
  }
  return true;
}

/** Deliver a whole control frame's payload (unmasked here); returns false after an error. */
function controlFrame(state: usize, pointer: usize, length: u32): bool {
  const frame = load<u32>(state + STATE_FRAME);
  const opcode = frame & FRAME_OPCODE_MASK;
  if ((frame & FRAME_MASKED) != 0) mask(pointer, length, load<u32>(state + STATE_MASK_KEY), 0);
  const error = opcode == 0x8 ? closePayloadError(pointer, length) : 0;
  if (error != 0) {
    fail(state, error);
    return false;
  }
  emit(KIND_CONTROL | (opcode << DESC_OPCODE_SHIFT), pointer, length, 0);
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
      // Tested as f64: a data frame may announce 4 GiB or more, which a u32 would wrap.
      const remaining = load<f64>(state + STATE_REMAINING);
      if ((frame & FRAME_CONTROL) != 0) {
        // A control frame is at most 125 bytes (checked with its header).
        const payload = <u32> remaining;
        if (length - pos >= payload) {
          if (!controlFrame(state, input + pos, payload)) continue;
          pos += payload;
        } else {
          store<u32>(state + STATE_PHASE, PHASE_CONTROL);
          store<u32>(state + STATE_CONTROL_LENGTH, 0);
          store<u32>(state + STATE_CONTROL_BUFFER, load<u32>(state + STATE_CONTROL_BUFFER) ^ 1);
        }
      } else if (remaining == 0) {
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
