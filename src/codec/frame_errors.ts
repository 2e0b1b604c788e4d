/**
 * What a decoder reports when the input breaks RFC 6455: the WASM core's
 * error ids, named with the stable codes the protocol's error table
 * (`src/protocol/errors.ts`) gives a close code and a reason. The ids stay
 * behind the codec: only this file reads them.
 *
 * @example
 * ```ts
 * import { frameErrorOf } from "./frame_errors.ts";
 * import { ERR_INVALID_UTF8 } from "./abi.ts";
 * frameErrorOf(ERR_INVALID_UTF8); // "WS_ERR_INVALID_UTF8"
 * ```
 * @module
 */

import * as abi from "./abi.ts";

/**
 * The stable code of a frame-level protocol violation.
 *
 * @example
 * ```ts
 * const code: FrameError = "WS_ERR_INVALID_OPCODE";
 * ```
 */
export type FrameError =
  | "WS_ERR_INVALID_OPCODE"
  | "WS_ERR_UNEXPECTED_RSV"
  | "WS_ERR_EXPECTED_FIN"
  | "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH"
  | "WS_ERR_EXPECTED_MASK"
  | "WS_ERR_UNEXPECTED_MASK"
  | "WS_ERR_INVALID_PAYLOAD_LENGTH"
  | "WS_ERR_INVALID_CONTINUATION"
  | "WS_ERR_EXPECTED_CONTINUATION"
  | "WS_ERR_MESSAGE_TOO_BIG"
  | "WS_ERR_TOO_MANY_FRAGMENTS"
  | "WS_ERR_INVALID_UTF8"
  | "WS_ERR_INVALID_CLOSE_PAYLOAD"
  | "WS_ERR_INVALID_CLOSE_CODE"
  | "WS_ERR_INVALID_COMPRESSED_DATA";

const BY_ID: Record<number, FrameError> = {
  [abi.ERR_INVALID_OPCODE]: "WS_ERR_INVALID_OPCODE",
  [abi.ERR_UNEXPECTED_RSV]: "WS_ERR_UNEXPECTED_RSV",
  [abi.ERR_EXPECTED_FIN]: "WS_ERR_EXPECTED_FIN",
  [abi.ERR_CONTROL_TOO_LONG]: "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH",
  [abi.ERR_EXPECTED_MASK]: "WS_ERR_EXPECTED_MASK",
  [abi.ERR_UNEXPECTED_MASK]: "WS_ERR_UNEXPECTED_MASK",
  [abi.ERR_INVALID_LENGTH]: "WS_ERR_INVALID_PAYLOAD_LENGTH",
  [abi.ERR_INVALID_CONTINUATION]: "WS_ERR_INVALID_CONTINUATION",
  [abi.ERR_EXPECTED_CONTINUATION]: "WS_ERR_EXPECTED_CONTINUATION",
  [abi.ERR_MESSAGE_TOO_BIG]: "WS_ERR_MESSAGE_TOO_BIG",
  [abi.ERR_TOO_MANY_FRAGMENTS]: "WS_ERR_TOO_MANY_FRAGMENTS",
  [abi.ERR_INVALID_UTF8]: "WS_ERR_INVALID_UTF8",
  [abi.ERR_INVALID_CLOSE_PAYLOAD]: "WS_ERR_INVALID_CLOSE_PAYLOAD",
  [abi.ERR_INVALID_CLOSE_CODE]: "WS_ERR_INVALID_CLOSE_CODE",
  [abi.ERR_INVALID_COMPRESSED_DATA]: "WS_ERR_INVALID_COMPRESSED_DATA",
};

/**
 * The code for a WASM error id.
 *
 * @example
 * ```ts
 * import { ERR_MESSAGE_TOO_BIG } from "./abi.ts";
 * frameErrorOf(ERR_MESSAGE_TOO_BIG); // "WS_ERR_MESSAGE_TOO_BIG"
 * ```
 */
export function frameErrorOf(id: number): FrameError {
  const code = BY_ID[id];
  if (code === undefined) throw new RangeError(`Cannot map decoder error: unknown id ${id}`);
  return code;
}
