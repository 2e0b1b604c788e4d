// Test helper, not a test: the engine fuzzer shared by
// tests/fuzz/engine_fuzz_test.ts and scripts/fuzz.ts. Each input has its own
// seed; the real engine (Connection over the WASM codec) takes it in random
// chunks through push() and reserve()/commit(), and its whole observable
// trace must equal the reference model's (reference_engine.ts).
import type { Codec, Role } from "../../src/codec/mod.ts";
import { instantiateCore } from "../../src/codec/load.ts";
import { createWasmCodec, READ_SIZE, type WasmExports } from "../../src/codec/wasm_codec.ts";
import { Connection, type ConnectionListener } from "../../src/protocol/connection.ts";
import { DEFAULT_LIMITS } from "../../src/protocol/defaults.ts";
import { hexOf, line, referenceTrace, type Scenario, unmask } from "./reference_engine.ts";
import { generateInput, int, type Random } from "./engine_fuzz_inputs.ts";
import { rng } from "./frames.ts";

/** The real codec on an instance of its own, so its memory can be watched. */
export interface FuzzCodec {
  codec: Codec;
  memoryBytes(): number;
}

export async function createFuzzCodec(): Promise<FuzzCodec> {
  const instance = await instantiateCore();
  const memory = (instance.exports as unknown as WasmExports).memory;
  return { codec: createWasmCodec(instance), memoryBytes: () => memory.buffer.byteLength };
}

/** One generated input and how it is delivered. */
export interface FuzzCase extends Scenario {
  seed: number;
  /** Chunk sizes, negative for reserve()/commit() (the zero-copy path), positive for push(). */
  chunks: number[];
}

/** The seed of input `index` of a run: inputs are independent, so any one can be replayed alone. */
export function inputSeed(base: number, role: Role, index: number): number {
  let h = Math.imul((base ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ index;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) ^ (role === "client" ? 0x68e31da4 : 0x1b56c4e9);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function chunkPlan(random: Random, length: number): number[] {
  const max = [1, 3, 17, 200, 4096, READ_SIZE, READ_SIZE * 4][int(random, 0, 6)];
  const mode = random(); // < 1/3 push only, < 2/3 commit only, else mixed
  const chunks: number[] = [];
  for (let offset = 0; offset < length;) {
    const size = Math.min(length - offset, 1 + Math.floor(random() * max));
    const zeroCopy = size <= READ_SIZE && (mode < 1 / 3 ? false : mode < 2 / 3 ? true : random() < 0.5);
    chunks.push(zeroCopy ? -size : size);
    offset += size;
    if (random() < 0.02) chunks.push(random() < 0.5 ? 0 : -0); // empty reads happen too
  }
  return chunks;
}

export function makeCase(seed: number, role: Role): FuzzCase {
  const random = rng(seed);
  const small = random() < 0.4;
  const limits = small
    ? { maxPayload: int(random, 64, 4096), maxFragments: int(random, 2, 50) }
    : { ...DEFAULT_LIMITS };
  const closeFirst = random() < 0.1
    ? { code: [1000, 1005, 3000, 4999][int(random, 0, 3)], reason: random() < 0.5 ? "" : "bye ✓" }
    : undefined;
  const input = generateInput(random, role, limits);
  const base = { seed, role, limits, input, chunks: chunkPlan(random, input.length) };
  return closeFirst === undefined ? base : { ...base, closeFirst };
}

function describeWrite(bytes: Uint8Array, payloadBytes: number): string {
  const malformed = `write malformed ${hexOf(bytes)}`;
  if (bytes.length < 2) return malformed;
  const masked = bytes[1] >> 7;
  let length = bytes[1] & 0x7f;
  let p = 2;
  if (length === 126) {
    length = (bytes[2] << 8) | bytes[3];
    p = 4;
    if (length < 126) return malformed;
  } else if (length === 127) {
    length = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getBigUint64(2));
    p = 10;
    if (length <= 0xffff) return malformed;
  }
  const key = masked ? bytes.subarray(p, p + 4) : undefined;
  if (masked) p += 4;
  if (p + length !== bytes.length) return malformed;
  return line.write(bytes[0], masked, unmask(bytes.subarray(p), key), payloadBytes);
}

/** Run the real engine on `fuzz`; the trace is rendered at the end, so a delivered view that was later overwritten shows. */
export function runEngine(codec: Codec, fuzz: FuzzCase): string[] {
  const lines: Array<() => string> = [];
  // A protocol error fails at once here: this trace has no application whose replies could wait.
  const listener: ConnectionListener = {
    onWrite: (bytes, payloadBytes) => lines.push(() => describeWrite(bytes, payloadBytes)),
    onMessage: (data) => lines.push(() => line.message(data)),
    onPing: (payload) => lines.push(() => line.ping(payload)),
    onPong: (payload) => lines.push(() => line.pong(payload)),
    onPeerClose: (code, reason) => lines.push(() => line.closeFrame(code, reason)),
    onProtocolError: (error) => {
      connection.sendFailure();
      lines.push(() => line.fail(error.code, error.closeCode), () => line.end);
    },
    onEndTransport: () => lines.push(() => line.end),
  };
  const connection = new Connection(codec, fuzz.role, listener, fuzz.limits);
  try {
    if (fuzz.closeFirst !== undefined) connection.close(fuzz.closeFirst.code, fuzz.closeFirst.reason);
    let offset = 0;
    for (const chunk of fuzz.chunks) {
      const size = Math.abs(chunk);
      const bytes = fuzz.input.subarray(offset, offset + size);
      offset += size;
      if (chunk > 0 || Object.is(chunk, 0)) {
        connection.push(bytes);
      } else {
        connection.reserve().set(bytes);
        connection.commit(size);
      }
    }
  } catch (error) {
    lines.push(() => `throw ${String(error)}`);
  } finally {
    connection.dispose();
  }
  return lines.map((render) => render());
}

/** What went wrong with one input. */
export interface Finding {
  seed: number;
  index: number;
  crash: boolean;
  /** The kind of disagreement, to group many findings: expected line vs actual line where they part. */
  signature: string;
  report: string;
}

/** Totals of a batch, also to show the generator reaches every outcome. */
export interface BatchResult {
  findings: Finding[];
  outcomes: Map<string, number>;
  slowest: { ms: number; seed: number; index: number };
}

const clip = (text: string, max: number) => text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

/** Where two traces part: the first differing line, or the end of `expected` when it is a prefix of `actual`. */
function parting(expected: string[], actual: string[]): number {
  const at = expected.findIndex((entry, i) => entry !== actual[i]);
  return at === -1 ? expected.length : at;
}

function formatFinding(fuzz: FuzzCase, index: number, expected: string[], actual: string[]): string {
  const show = (trace: string[]) => trace.slice(0, 40).map((entry) => `    ${clip(entry, 240)}`).join("\n");
  return [
    `engine and reference disagree: role=${fuzz.role} input seed=${fuzz.seed} index=${index}`,
    `  limits=${JSON.stringify(fuzz.limits)} closeFirst=${JSON.stringify(fuzz.closeFirst ?? null)}`,
    `  chunks (negative: reserve/commit)=${clip(fuzz.chunks.map((n) => Object.is(n, -0) ? "-0" : n).join(","), 200)}`,
    `  input (${fuzz.input.length} bytes)=${clip(hexOf(fuzz.input), 600)}`,
    `  first difference at line ${parting(expected, actual)}`,
    `  expected (reference):\n${show(expected)}`,
    `  actual (engine):\n${show(actual)}`,
  ].join("\n");
}

/** Check `count` inputs of `role` from `from` on; `base` is the run's seed. */
export function fuzzBatch(fuzzCodec: FuzzCodec, role: Role, base: number, from: number, count: number): BatchResult {
  const result: BatchResult = { findings: [], outcomes: new Map(), slowest: { ms: 0, seed: 0, index: from } };
  for (let index = from; index < from + count; index++) {
    const seed = inputSeed(base, role, index);
    const fuzz = makeCase(seed, role);
    const started = performance.now();
    const actual = runEngine(fuzzCodec.codec, fuzz);
    const ms = performance.now() - started;
    if (ms > result.slowest.ms) result.slowest = { ms, seed, index };
    const expected = referenceTrace(fuzz);
    const outcome = expected.find((entry) => entry.startsWith("fail "))?.split(" ")[1] ??
      (expected.some((entry) => entry.startsWith("closeFrame")) ? "closeFrame" : "open");
    result.outcomes.set(outcome, (result.outcomes.get(outcome) ?? 0) + 1);
    if (expected.length === actual.length && expected.every((entry, i) => entry === actual[i])) continue;
    const crash = actual.some((entry) => entry.startsWith("throw "));
    const at = parting(expected, actual);
    const kind = (entry = "(nothing)") => entry.split(" ").slice(0, /^(fail|write) /.test(entry) ? 2 : 1).join(" ");
    const signature = `${fuzz.role}: expected ${kind(expected[at])}, got ${kind(actual[at])}`;
    result.findings.push({ seed, index, crash, signature, report: formatFinding(fuzz, index, expected, actual) });
  }
  return result;
}
