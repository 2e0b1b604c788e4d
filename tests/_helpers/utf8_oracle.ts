// Test helper, not a test: the WHATWG UTF-8 decoder (fatal) as the oracle the
// WASM validator is checked against (RFC 3629 well-formedness, and where a
// streaming decoder must fail first).

/** Is it complete, well-formed UTF-8? */
export function oracleValid(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** True when some prefix of `bytes` can never start well-formed UTF-8. */
export function oracleRejects(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
    return false;
  } catch {
    return true;
  }
}

/** The fail-fast position: index of the first byte after which decoding must fail, or -1. */
export function oracleFailAt(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i < bytes.length; i++) {
    try {
      decoder.decode(bytes.subarray(i, i + 1), { stream: true });
    } catch {
      return i;
    }
  }
  return -1;
}
