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

import { GrowingBuffer } from "./growing_buffer.ts";

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
  readonly #buffer = new GrowingBuffer();

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
    // Bounded: the decoder already refused frames longer than maxPayload.
    if (first) this.#buffer.reset(view.length + Math.min(frameRemaining, 1 << 30));
    if (view.length > 0) this.#buffer.append(view);
    if (!last) return;
    if (text) {
      const message = decoder.decode(this.#buffer.view);
      this.#buffer.reset();
      this.#deliver(message);
    } else this.#deliver(this.#buffer.take());
  }
}
