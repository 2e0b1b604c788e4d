// What a close frame may carry (RFC 6455 §5.5.1, §7.4): nothing, or a code
// a peer may send followed by a UTF-8 reason. Checked here, with the frame,
// so that a bad close fails with its own error id like any other protocol
// violation. The code ranges must agree with isValidWireCloseCode in
// src/protocol/close_codes.ts.

import { ERR_INVALID_CLOSE_CODE, ERR_INVALID_CLOSE_PAYLOAD, ERR_INVALID_UTF8, UTF8_ACCEPT } from "./abi";
import { utf8Validate } from "./utf8";

/** Check an unmasked close payload; returns an error id or 0. */
export function closePayloadError(pointer: usize, length: u32): u32 {
  if (length == 0) return 0;
  if (length == 1) return ERR_INVALID_CLOSE_PAYLOAD;
  const code = (<u32> load<u8>(pointer) << 8) | <u32> load<u8>(pointer + 1);
  const valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  if (!valid) return ERR_INVALID_CLOSE_CODE;
  if (utf8Validate(UTF8_ACCEPT, pointer + 2, length - 2) != UTF8_ACCEPT) return ERR_INVALID_UTF8;
  return 0;
}
