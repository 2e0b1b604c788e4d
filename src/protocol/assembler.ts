/**
 * Fragments → messages. The decoder delivers payload pieces as they arrive
 * (already unmasked, text already UTF-8 checked, size limits already
 * enforced across fragments); this joins them into one string or one
 * `Uint8Array` per message.
 *
 * @example
 * ```ts
 * import { MessageAssembler } from "./assembler.ts";
 * const assembler = new MessageAssembler();
 * assembler.add(new TextEncoder().encode("hel"), true, true, false); // undefined
 * assembler.add(new TextEncoder().encode("lo"), true, false, true); // "hello"
 * ```
 * @module
 */

import { GrowingBuffer } from "../bytes/growing_buffer.ts";

// Validation already happened in the codec, so decoding cannot fail; the
// default (BOM-stripping) decoder is the WHATWG "UTF-8 decode".
const decoder = new TextDecoder();

/**
 * Joins message pieces; views passed to {@link MessageAssembler.add} may be
 * reused by the caller after it returns, so pieces are copied.
 *
 * @example
 * ```ts
 * const assembler = new MessageAssembler();
 * assembler.add(new Uint8Array([1]), false, true, false); // undefined: more to come
 * assembler.add(new Uint8Array([2]), false, false, true); // Uint8Array [1, 2]
 * ```
 */
export class MessageAssembler {
  // One growing buffer rather than a list of pieces: 100,000 one-byte
  // fragments must not cost 100,000 objects.
  readonly #buffer = new GrowingBuffer();

  /**
   * A message that came in one piece: the common case, needing exactly one
   * copy and no assembler at all.
   */
  static whole(view: Uint8Array, text: boolean): string | Uint8Array {
    return text ? decoder.decode(view) : view.slice();
  }

  /**
   * Add one piece; `first`/`last` mark the message boundaries; `frameRemaining`
   * (bytes of the current frame still to come) sizes the buffer in one go.
   * Returns the message once its last piece arrived.
   */
  add(
    view: Uint8Array,
    text: boolean,
    first: boolean,
    last: boolean,
    frameRemaining = 0,
  ): string | Uint8Array | undefined {
    if (first && last) return MessageAssembler.whole(view, text);
    // Bounded: the decoder already refused frames longer than maxPayload.
    if (first) this.#buffer.reset(view.length + Math.min(frameRemaining, 1 << 30));
    if (view.length > 0) this.#buffer.append(view);
    if (!last) return undefined;
    if (!text) return this.#buffer.take();
    const message = decoder.decode(this.#buffer.view);
    this.#buffer.reset();
    return message;
  }
}
