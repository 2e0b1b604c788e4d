/**
 * Fragments → messages. The decoder delivers payload pieces as they arrive
 * (already unmasked, text already UTF-8 checked, size limits already
 * enforced across fragments); this joins them into one string or one
 * `Uint8Array` per message.
 *
 * @example
 * ```ts
 * import { MessageAssembler } from "./assembler.ts";
 * const assembler = new MessageAssembler((data) => console.log(data));
 * assembler.add(new TextEncoder().encode("hel"), true, true, false);
 * assembler.add(new TextEncoder().encode("lo"), true, false, true); // logs "hello"
 * ```
 * @module
 */

// Validation already happened in the codec, so decoding cannot fail; the
// default (BOM-stripping) decoder is the WHATWG "UTF-8 decode".
const decoder = new TextDecoder();

/**
 * Joins message pieces; views passed to {@link MessageAssembler.add} may be
 * reused by the caller after it returns, so pieces are copied.
 *
 * @example
 * ```ts
 * const assembler = new MessageAssembler((data) => console.log(data instanceof Uint8Array));
 * assembler.add(new Uint8Array([1, 2]), false, true, true); // logs true
 * ```
 */
export class MessageAssembler {
  readonly #deliver: (data: string | Uint8Array) => void;
  // One growing buffer rather than a list of pieces: 100,000 one-byte
  // fragments must not cost 100,000 objects.
  #buffer = new Uint8Array(0);
  #size = 0;

  constructor(deliver: (data: string | Uint8Array) => void) {
    this.#deliver = deliver;
  }

  /**
   * Add one piece; `first`/`last` mark the message boundaries; `frameRemaining`
   * (bytes of the current frame still to come) sizes the buffer in one go.
   */
  add(view: Uint8Array, text: boolean, first: boolean, last: boolean, frameRemaining = 0): void {
    if (first && last) {
      // The common case: a whole message in one piece needs exactly one copy.
      this.#deliver(text ? decoder.decode(view) : view.slice());
      return;
    }
    if (first) {
      this.#size = 0;
      // Bounded: the decoder already refused frames longer than maxPayload.
      this.#buffer = new Uint8Array(view.length + Math.min(frameRemaining, 1 << 30));
    }
    if (view.length > 0) this.#append(view);
    if (!last) return;
    const buffer = this.#buffer;
    const size = this.#size;
    this.#buffer = new Uint8Array(0);
    this.#size = 0;
    if (text) this.#deliver(decoder.decode(buffer.subarray(0, size)));
    else this.#deliver(size === buffer.length ? buffer : buffer.slice(0, size));
  }

  #append(view: Uint8Array): void {
    const needed = this.#size + view.length;
    if (needed > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.#buffer.length * 2, 1024));
      grown.set(this.#buffer.subarray(0, this.#size));
      this.#buffer = grown;
    }
    this.#buffer.set(view, this.#size);
    this.#size = needed;
  }
}
