// The module's exports: everything TypeScript may call, nothing else.
export { mask, maskCopy } from "./mask";
export { utf8Validate } from "./utf8";
export { decode, decoderInit } from "./frame_parser";
export { encodeFrame } from "./frame_encoder";

/** Where free memory starts (TypeScript manages everything above it). */
export function heapBase(): usize {
  return __heap_base;
}
