// The ABI shared with TypeScript: scripts/build_wasm.ts copies every
// `export const` here into src/codec/abi.ts, so the two sides cannot drift.

// Decoder errors (FrameSink.error ids); 0 means none.
export const ERR_INVALID_OPCODE: u32 = 1;
export const ERR_UNEXPECTED_RSV: u32 = 2;
export const ERR_EXPECTED_FIN: u32 = 3;
export const ERR_CONTROL_TOO_LONG: u32 = 4;
export const ERR_EXPECTED_MASK: u32 = 5;
export const ERR_UNEXPECTED_MASK: u32 = 6;
export const ERR_INVALID_LENGTH: u32 = 7;
export const ERR_INVALID_CONTINUATION: u32 = 8;
export const ERR_EXPECTED_CONTINUATION: u32 = 9;
export const ERR_MESSAGE_TOO_BIG: u32 = 10;
export const ERR_TOO_MANY_FRAGMENTS: u32 = 11;
export const ERR_INVALID_UTF8: u32 = 12;
export const ERR_INVALID_CLOSE_PAYLOAD: u32 = 13;
export const ERR_INVALID_CLOSE_CODE: u32 = 14;
// Found by the permessage-deflate layer (src/extensions/), never by the parser.
export const ERR_INVALID_COMPRESSED_DATA: u32 = 15;

// UTF-8 validator states that mean something outside the automaton.
export const UTF8_ACCEPT: u32 = 0;
export const UTF8_REJECT: u32 = 1;

// Decoder state block: one per connection, allocated by TypeScript.
export const STATE_FLAGS: u32 = 0; // FLAG_* bits
export const STATE_PHASE: u32 = 4; // PHASE_*
export const STATE_MAX_PAYLOAD: u32 = 8; // f64
export const STATE_MAX_FRAGMENTS: u32 = 16; // u32
export const STATE_MESSAGE_OPCODE: u32 = 20; // 0 when no data message is open
export const STATE_FRAGMENTS: u32 = 24; // frames of the open message so far
export const STATE_MESSAGE_SIZE: u32 = 32; // f64, payload bytes announced for the open message
export const STATE_UTF8: u32 = 40; // validator state of the open text message
export const STATE_REMAINING: u32 = 48; // f64, payload bytes left in the current frame
export const STATE_MASK_KEY: u32 = 56;
export const STATE_MASK_PHASE: u32 = 60;
export const STATE_FRAME: u32 = 64; // opcode | FRAME_FIN | FRAME_MASKED
export const STATE_FIRST_PENDING: u32 = 68; // 1 until the open message's first piece was delivered
export const STATE_CARRY_LENGTH: u32 = 72; // header bytes carried over
export const STATE_CONSUMED: u32 = 76; // out: input bytes consumed by the last decode call
export const STATE_CONTROL_LENGTH: u32 = 80; // control payload bytes collected so far
export const STATE_CONTROL_BUFFER: u32 = 84; // which control buffer collects (0 or 1)
export const STATE_COMPRESSED: u32 = 88; // 1 when the open message's first frame had RSV1 (permessage-deflate)
export const STATE_CARRY: u32 = 96; // 16 bytes: a partial frame header
export const STATE_CONTROL: u32 = 112; // 2 x 128 bytes: partial control frames
export const STATE_SIZE: u32 = 368; // the whole block: 112 + 2 * 128

// Descriptor table: where one decode call writes its results. Not part of the
// state block (an idle decoder does not need one): TypeScript lends a table
// per commit and reads it back before the table is reused.
export const DESCRIPTOR_CAPACITY: u32 = 64;
export const DESCRIPTOR_SIZE: u32 = 16;
export const DESCRIPTOR_TABLE_SIZE: u32 = 1024; // DESCRIPTOR_CAPACITY * DESCRIPTOR_SIZE

export const FLAG_SERVER: u32 = 1; // we are the server: frames must be masked
export const FLAG_ALLOW_RSV1: u32 = 2;
export const FLAG_DEAD: u32 = 4; // an error was reported; input is ignored

// The word at STATE_FRAME: the frame's opcode and bits.
export const FRAME_OPCODE_MASK: u32 = 15; // 0x0f: the opcode
export const FRAME_CONTROL: u32 = 8; // 0x08: set in every control opcode
export const FRAME_FIN: u32 = 256; // 0x100: the frame ends its message
export const FRAME_MASKED: u32 = 512; // 0x200: the payload is masked

export const PHASE_HEADER: u32 = 0;
export const PHASE_DATA: u32 = 1;
export const PHASE_CONTROL: u32 = 2;

// Descriptor: u32 kind | opcode << DESC_OPCODE_SHIFT | flags << DESC_FLAGS_SHIFT, u32 pointer,
// u32 length, u32 error id (for data pieces: the bytes of the frame still to come).
export const DESC_KIND: u32 = 0;
export const DESC_POINTER: u32 = 4;
export const DESC_LENGTH: u32 = 8;
export const DESC_ERROR: u32 = 12;
export const DESC_REMAINING: u32 = 12;
export const DESC_KIND_MASK: u32 = 255; // 0xff: the KIND_* in the descriptor's first word
export const DESC_OPCODE_SHIFT: u32 = 8; // then the opcode, 8 bits
export const DESC_FLAGS_SHIFT: u32 = 16; // then the PIECE_* flags
export const KIND_DATA: u32 = 1;
export const KIND_CONTROL: u32 = 2;
export const KIND_ERROR: u32 = 3;
export const PIECE_FIRST: u32 = 1;
export const PIECE_LAST: u32 = 2;
export const PIECE_TEXT: u32 = 4;
export const PIECE_COMPRESSED: u32 = 8; // RSV1 message: payload is compressed, UTF-8 not checked here

// Encoder: the payload is written at out + ENCODE_HEADROOM; the header goes right before it.
export const ENCODE_HEADROOM: u32 = 14;
