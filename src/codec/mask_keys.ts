/**
 * Client masking keys and small-frame masking in plain JS. Keys come from a
 * CSPRNG (RFC 6455 §5.3 requires unpredictable keys); one
 * `crypto.getRandomValues` call fills a pool for 1,024 frames.
 *
 * @example
 * ```ts
 * import { JsMasker, MaskKeys } from "./mask_keys.ts";
 * const key = new MaskKeys().next();
 * const out = new Uint8Array(3);
 * new JsMasker().maskInto(new Uint8Array([1, 2, 3]), out, 0, key);
 * ```
 * @module
 */

const POOL = 4096;

/**
 * A pool of random 4-byte keys, each handed out once.
 *
 * @example
 * ```ts
 * const keys = new MaskKeys();
 * console.log(keys.next() !== keys.next()); // almost surely true
 * ```
 */
export class MaskKeys {
  readonly #pool = new Uint8Array(POOL);
  #used = POOL;

  /** The next key, as the wire bytes read little-endian. */
  next(): number {
    if (this.#used === POOL) {
      crypto.getRandomValues(this.#pool);
      this.#used = 0;
    }
    const p = this.#pool;
    const i = this.#used;
    this.#used += 4;
    return (p[i] | (p[i + 1] << 8) | (p[i + 2] << 16) | (p[i + 3] << 24)) >>> 0;
  }
}

/**
 * XOR masking in JS, for payloads too small to be worth a trip through WASM.
 *
 * @example
 * ```ts
 * const out = new Uint8Array(2);
 * new JsMasker().maskInto(new Uint8Array([0xff, 0xff]), out, 0, 0x0201);
 * console.log(out); // Uint8Array [0xfe, 0xfd]
 * ```
 */
export class JsMasker {
  readonly #key = new Uint8Array(4);

  /** Write `source` XOR key into `target` at `offset`. */
  maskInto(source: Uint8Array, target: Uint8Array, offset: number, key: number): void {
    const k = this.#key;
    k[0] = key & 0xff;
    k[1] = (key >>> 8) & 0xff;
    k[2] = (key >>> 16) & 0xff;
    k[3] = key >>> 24;
    for (let i = 0; i < source.length; i++) target[offset + i] = source[i] ^ k[i & 3];
  }
}
