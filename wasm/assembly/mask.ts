// RFC 6455 §5.3 masking: byte i is XORed with key byte (phase + i) % 4. The
// key is the 4 wire bytes read as a little-endian u32. The bulk runs 64 bytes
// per iteration in v128 lanes; the phase is kept by rotating the key once.

function rotated(key: u32, phase: u32): u32 {
  return rotr<u32>(key, (phase & 3) << 3);
}

/** XOR `length` bytes at `source` into `target` (may be equal). */
export function maskCopy(source: usize, target: usize, length: usize, key: u32, phase: u32): void {
  const k = rotated(key, phase);
  const k128 = i32x4.splat(k);
  let i: usize = 0;
  while (i + 64 <= length) {
    v128.store(target + i, v128.xor(v128.load(source + i), k128));
    v128.store(target + i + 16, v128.xor(v128.load(source + i + 16), k128));
    v128.store(target + i + 32, v128.xor(v128.load(source + i + 32), k128));
    v128.store(target + i + 48, v128.xor(v128.load(source + i + 48), k128));
    i += 64;
  }
  while (i + 16 <= length) {
    v128.store(target + i, v128.xor(v128.load(source + i), k128));
    i += 16;
  }
  if (i + 8 <= length) {
    const k64 = (<u64> k << 32) | <u64> k;
    store<u64>(target + i, load<u64>(source + i) ^ k64);
    i += 8;
  }
  if (i + 4 <= length) {
    store<u32>(target + i, load<u32>(source + i) ^ k);
    i += 4;
  }
  let rest = k;
  while (i < length) {
    store<u8>(target + i, load<u8>(source + i) ^ <u8> rest);
    rest >>= 8;
    i++;
  }
}

/** XOR `length` bytes at `pointer` in place. */
export function mask(pointer: usize, length: usize, key: u32, phase: u32): void {
  maskCopy(pointer, pointer, length, key, phase);
}
