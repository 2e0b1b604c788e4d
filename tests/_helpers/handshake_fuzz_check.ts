// Test helper, not a test: judges one fuzzed handshake input (see
// handshake_fuzz.ts) — the whole verdict for built cases, the invariants for
// mutated ones. Shared by tests/fuzz/ and the long run in scripts/fuzz.ts.
import { ServerHandshake, type ServerHandshakeStep } from "../../src/protocol/server_handshake.ts";
import { ClientHandshake, type ClientHandshakeStep } from "../../src/protocol/client_handshake.ts";
import { parseWebSocketUrl } from "../../src/protocol/ws_url.ts";
import { chunkRandomly, concat, rng, toHex } from "./frames.ts";
import { acceptFor } from "./raw_peer.ts";
import { mutate, requestCase, responseCase } from "./handshake_fuzz.ts";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const URL_ = parseWebSocketUrl("ws://127.0.0.1:8080/chat");
const WHOLE = 0x7fffffff;

/** Feed `bytes` to a server handshake in random chunks; a one-line verdict. */
function serverVerdict(bytes: Uint8Array, chunkSeed: number): { line: string; step?: ServerHandshakeStep } {
  const handshake = new ServerHandshake();
  const chunks = chunkSeed === WHOLE ? [bytes] : chunkRandomly(bytes, rng(chunkSeed), 1 + (chunkSeed % 200));
  for (const [i, chunk] of chunks.entries()) {
    const step = handshake.receive(chunk);
    if (!step.done) continue;
    if ("reject" in step) return { line: String(step.reject.status), step };
    // What came with the head, then what the driver reads next: the bytes after the head.
    const rest = toHex(concat([step.rest, ...chunks.slice(i + 1)]));
    if ("notUpgrade" in step) return { line: `not upgrade, rest ${rest}`, step };
    const { key, protocols } = step.request;
    return { line: `101 ${acceptFor(key)} [${protocols}] rest ${rest}`, step };
  }
  return { line: "waiting" };
}

/** Feed `bytes` to a client handshake offering `offered` in random chunks, then EOF; a one-line verdict. */
function clientVerdict(
  bytes: Uint8Array,
  offered: string[],
  chunkSeed: number,
): { line: string; step?: ClientHandshakeStep } {
  const handshake = new ClientHandshake({ url: URL_, protocols: offered, key: KEY });
  const chunks = chunkSeed === WHOLE ? [bytes] : chunkRandomly(bytes, rng(chunkSeed), 1 + (chunkSeed % 200));
  const describe = (step: ClientHandshakeStep & { done: true }, after: Uint8Array[]) =>
    step.ok ? `ok [${step.protocol}] rest ${toHex(concat([step.rest, ...after]))}` : step.error.code;
  for (const [i, chunk] of chunks.entries()) {
    const step = handshake.receive(chunk);
    if (step.done) return { line: describe(step, chunks.slice(i + 1)), step };
  }
  const step = handshake.eof();
  return step.done ? { line: `${describe(step, [])} at EOF`, step } : { line: "waiting" };
}

/** The `i`-th built request of `seed`: what went wrong, or undefined. Also names its defect. */
export function checkRequest(seed: number, i: number): { defect: string; wrong?: string } {
  const c = requestCase(seed, i);
  const expected = typeof c.expected === "object"
    ? `101 ${c.expected.accept} [${c.expected.protocols}] rest ${toHex(c.rest)}`
    : c.expected === "not upgrade"
    ? `not upgrade, rest ${toHex(c.rest)}`
    : String(c.expected);
  const { line } = serverVerdict(concat([c.bytes, c.rest]), seed + i);
  const defect = String(c.defect);
  return line === expected ? { defect } : { defect, wrong: `#${i} ${defect}: expected ${expected}, got ${line}` };
}

/** The `i`-th mutated request of `seed`: what went wrong, or undefined. */
export function checkMutatedRequest(seed: number, i: number): string | undefined {
  const bytes = mutate(requestCase(seed + 1, i).bytes, seed + i);
  const whole = serverVerdict(bytes, WHOLE);
  const chunked = serverVerdict(bytes, seed + i);
  if (whole.line !== chunked.line) return `#${i}: whole ${whole.line} ≠ chunked ${chunked.line}`;
  const step = whole.step;
  if (!step?.done || !("request" in step)) return undefined;
  const text = new TextDecoder("latin1").decode(bytes);
  const valid = /^GET \/\S* HTTP\/1\.[1-9]\r\n/.test(text) &&
    /\r\nsec-websocket-version:[ \t]*13[ \t]*\r\n/i.test(text) &&
    /^[A-Za-z0-9+/]{22}==$/.test(step.request.key) && text.includes(step.request.key);
  return valid ? undefined : `#${i}: accepted ${JSON.stringify(text.slice(0, 300))}`;
}

/** The `i`-th built response of `seed`: what went wrong, or undefined. Also names its defect. */
export function checkResponse(seed: number, i: number): { defect: string; wrong?: string } {
  const c = responseCase(seed, i, KEY);
  const expected = typeof c.expected === "object" ? `ok [${c.expected.protocol}] rest ${toHex(c.rest)}` : c.expected;
  const { line } = clientVerdict(concat([c.bytes, c.rest]), c.offered, seed + i);
  const defect = String(c.defect);
  return line === expected ? { defect } : { defect, wrong: `#${i} ${defect}: expected ${expected}, got ${line}` };
}

/** The `i`-th mutated response of `seed`: what went wrong, or undefined. */
export function checkMutatedResponse(seed: number, i: number): string | undefined {
  const c = responseCase(seed + 1, i, KEY);
  const bytes = mutate(c.bytes, seed + i);
  const whole = clientVerdict(bytes, c.offered, WHOLE);
  const chunked = clientVerdict(bytes, c.offered, seed + i);
  if (whole.line !== chunked.line) return `#${i}: whole ${whole.line} ≠ chunked ${chunked.line}`;
  if (!whole.step?.done || !whole.step.ok) return undefined;
  const text = new TextDecoder("latin1").decode(bytes);
  const valid = /^HTTP\/1\.[1-9] 101[ \r]/.test(text) && text.includes(acceptFor(KEY));
  return valid ? undefined : `#${i}: accepted ${JSON.stringify(text.slice(0, 300))}`;
}
