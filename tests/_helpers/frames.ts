// Test helper, not a test: build frames byte by byte, independently of src/,
// so tests can state exactly what goes on the wire — including what a
// correct encoder would never produce.
import { concat as concatBytes, fromHex, toHex as hexOf } from "./bytes.ts";

export interface FrameSpec {
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  opcode: number;
  payload?: Uint8Array | string;
  /** true: a random key; a Uint8Array: that key; false/undefined: unmasked. */
  mask?: boolean | Uint8Array;
  /** Announce this length instead of the payload's. */
  length?: number;
  /** Force a length encoding: 0 (7-bit), 2 (16-bit) or 8 (64-bit). */
  lengthBytes?: 0 | 2 | 8;
}

export function frame(spec: FrameSpec): Uint8Array {
  const payload = typeof spec.payload === "string"
    ? new TextEncoder().encode(spec.payload)
    : spec.payload ?? new Uint8Array(0);
  const length = spec.length ?? payload.length;
  const lengthBytes = spec.lengthBytes ?? (length < 126 ? 0 : length < 65536 ? 2 : 8);
  const key = spec.mask === true ? crypto.getRandomValues(new Uint8Array(4)) : spec.mask || undefined;
  const header: number[] = [
    (spec.fin === false ? 0 : 0x80) | (spec.rsv1 ? 0x40 : 0) | (spec.rsv2 ? 0x20 : 0) | (spec.rsv3 ? 0x10 : 0) |
    spec.opcode,
  ];
  const maskBit = key ? 0x80 : 0;
  if (lengthBytes === 0) header.push(maskBit | length);
  else if (lengthBytes === 2) header.push(maskBit | 126, (length >> 8) & 0xff, length & 0xff);
  else {
    header.push(maskBit | 127);
    const big = BigInt(length);
    for (let i = 7; i >= 0; i--) header.push(Number((big >> BigInt(i * 8)) & 0xffn));
  }
  if (key) header.push(...key);
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  for (let i = 0; i < payload.length; i++) out[header.length + i] = key ? payload[i] ^ key[i & 3] : payload[i];
  return out;
}

/** Bytes from hex digits, spaces ignored (bytes.ts's `fromHex`). */
export const hex: (text: string) => Uint8Array = fromHex;

/** Hex digits a byte apart, the way frame dumps read. */
export function toHex(bytes: Uint8Array): string {
  return hexOf(bytes, " ");
}

export function closePayload(code: number, reason = ""): Uint8Array {
  const text = new TextEncoder().encode(reason);
  const out = new Uint8Array(2 + text.length);
  out[0] = code >> 8;
  out[1] = code & 0xff;
  out.set(text, 2);
  return out;
}

/** The parts one after another (bytes.ts's `concat`, taking a list). */
export function concat(parts: Uint8Array[]): Uint8Array {
  return concatBytes(...parts);
}

/** A seeded PRNG (mulberry32): reproducible fuzz-style tests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Split `bytes` into random pieces (some empty-free, sizes 1..max). */
export function chunkRandomly(bytes: Uint8Array, random: () => number, max = 64): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length;) {
    const size = 1 + Math.floor(random() * max);
    chunks.push(bytes.subarray(i, i + size));
    i += size;
  }
  return chunks;
}
