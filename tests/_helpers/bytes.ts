// Test helper, not a test: bytes written the way the specs write them (hex,
// latin-1 text), independently of src/'s own encoders.

/** One byte per character code: an HTTP head as it goes on the wire. */
export function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/** The characters of bytes read one byte per character: a head as it came off the wire. */
export function latin1Text(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

/** Bytes from hex digits, spaces and line breaks ignored: `fromHex("81 05 48656c6c6f")`. */
export function fromHex(hex: string): Uint8Array {
  const digits = hex.replace(/\s+/g, "");
  if (!/^(?:[0-9a-f]{2})*$/i.test(digits)) throw new Error(`Cannot read hex: ${JSON.stringify(hex)}`);
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** Lower-case hex digits, two a byte, joined by `separator`. */
export function toHex(bytes: Uint8Array, separator = ""): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(separator);
}

/** The parts one after another in one new array. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
