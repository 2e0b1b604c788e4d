/**
 * SHA-1, synchronously, for the one place RFC 6455 needs it (the
 * `Sec-WebSocket-Accept` key). Web Crypto's digest is async only, and the
 * sans-I/O handshake must not be.
 *
 * @example
 * ```ts
 * import { sha1 } from "./sha1.ts";
 * sha1(new TextEncoder().encode("abc")); // a9 99 3e 36 …
 * ```
 * @module
 */

// One hash runs at a time (it is synchronous), so the message schedule, the
// padded last blocks and the state are reused instead of made per call.
const W = new Uint32Array(80);
const TAIL = new Uint8Array(128);
const H = new Uint32Array(5);

/**
 * The 20-byte SHA-1 digest of `bytes` (FIPS 180-4).
 *
 * @example
 * ```ts
 * console.log(sha1(new Uint8Array(0)).length); // 20
 * ```
 */
export function sha1(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(20);
  sha1Into(bytes, bytes.length, out);
  return out;
}

/**
 * Write the SHA-1 digest of the first `length` bytes of `bytes` into
 * `out[0..20)`: the allocation-free form, for a caller with its own buffers.
 *
 * @example
 * ```ts
 * const digest = new Uint8Array(20);
 * sha1Into(new TextEncoder().encode("abc?"), 3, digest); // digest of "abc"
 * ```
 */
export function sha1Into(bytes: Uint8Array, length: number, out: Uint8Array): void {
  H[0] = 0x67452301;
  H[1] = 0xefcdab89;
  H[2] = 0x98badcfe;
  H[3] = 0x10325476;
  H[4] = 0xc3d2e1f0;
  const whole = length - (length % 64);
  for (let block = 0; block < whole; block += 64) compress(bytes, block);
  // The last partial block, the 0x80 marker and the bit length: one or two blocks.
  const rest = length - whole;
  const tail = rest + 9 > 64 ? 128 : 64;
  TAIL.fill(0);
  for (let i = 0; i < rest; i++) TAIL[i] = bytes[whole + i];
  TAIL[rest] = 0x80;
  writeUint32(TAIL, tail - 8, Math.floor(length / 0x20000000));
  writeUint32(TAIL, tail - 4, (length * 8) >>> 0);
  compress(TAIL, 0);
  if (tail === 128) compress(TAIL, 64);
  for (let i = 0; i < 5; i++) writeUint32(out, i * 4, H[i]);
}

function compress(bytes: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++, at += 4) {
    W[i] = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
  }
  for (let i = 16; i < 80; i++) {
    const x = W[i - 3] ^ W[i - 8] ^ W[i - 14] ^ W[i - 16];
    W[i] = (x << 1) | (x >>> 31);
  }
  let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4];
  for (let i = 0; i < 80; i++) {
    let f: number, k: number;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6;
    }
    const t = (((a << 5) | (a >>> 27)) + f + e + k + W[i]) >>> 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  H[0] += a;
  H[1] += b;
  H[2] += c;
  H[3] += d;
  H[4] += e;
}

function writeUint32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = value >>> 16;
  bytes[at + 2] = value >>> 8;
  bytes[at + 3] = value;
}
