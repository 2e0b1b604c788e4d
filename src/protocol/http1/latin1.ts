/**
 * Bytes to text one character per byte (ISO-8859-1), the way HTTP heads are
 * read. `TextDecoder("latin1")` will not do: the Encoding Standard makes that
 * label windows-1252, which maps 0x80-0x9F elsewhere, and runtimes disagree
 * on it.
 *
 * @example
 * ```ts
 * import { decodeLatin1 } from "./latin1.ts";
 * decodeLatin1(new Uint8Array([99, 97, 102, 0xe9])); // "café"
 * ```
 * @module
 */

// For ASCII, UTF-8 is latin1, and the runtime's decoder makes one flat
// string natively without any intermediate.
const ascii = new TextDecoder();
// Spread arguments cost a slot each on the stack; stay well within every engine's limit.
const CHUNK = 8192;

/**
 * The text of `bytes`, each byte the character of the same code (U+0000-U+00FF).
 *
 * @example
 * ```ts
 * decodeLatin1(new Uint8Array([0x80, 0xff])); // "\x80\xff"
 * ```
 */
export function decodeLatin1(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length && bytes[i] < 0x80) i++;
  if (i === bytes.length) return ascii.decode(bytes);
  let text = "";
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const chunk = bytes.subarray(start, Math.min(start + CHUNK, bytes.length));
    text += String.fromCharCode.apply(null, chunk as unknown as number[]);
  }
  return text;
}
