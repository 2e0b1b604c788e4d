// The codec benchmark for one runtime: prints one JSON object.
//   deno run -A scripts/bench/codec.ts | bun scripts/bench/codec.ts | node scripts/bench/codec.ts
// `npm run bench:codec` runs it on every runtime and writes BENCHMARKS.md.
import { instantiateCore } from "../../src/codec/load.ts";
import { createWasmCodec, type WasmExports } from "../../src/codec/wasm_codec.ts";

const quick = (globalThis as { process?: { argv: string[] } }).process?.argv.includes("--quick") ?? false;
const BUDGET_MS = quick ? 20 : 250;
const SIZES = [16, 125, 1024, 64 * 1024, 1024 * 1024, 16 * 1024 * 1024];

const instance = await instantiateCore();
const wasm = instance.exports as unknown as WasmExports;
const base = wasm.heapBase();
const need = base + 16 * 1024 * 1024 + 64;
if (wasm.memory.buffer.byteLength < need) wasm.memory.grow(Math.ceil((need - wasm.memory.buffer.byteLength) / 65536));
const memory = () => new Uint8Array(wasm.memory.buffer);

/** Bytes per second of `body` over `bytes` per call, after a warm-up. */
function rate(bytes: number, body: () => unknown, budgetMs = BUDGET_MS): number {
  for (let i = 0; i < 3; i++) body();
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    const batch = Math.max(1, Math.floor(1e6 / Math.max(bytes, 1)));
    for (let i = 0; i < batch; i++) body();
    calls += batch;
    elapsed = performance.now() - started;
  } while (elapsed < budgetMs);
  return (bytes * calls) / (elapsed / 1000);
}

const KEY = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
const KEY32 = (KEY[0] | (KEY[1] << 8) | (KEY[2] << 16) | (KEY[3] << 24)) >>> 0;

function jsUnmask(bytes: Uint8Array): void {
  // The usual fast JS loop: 4 bytes at a time through a Uint32Array where aligned.
  const words = bytes.byteOffset % 4 === 0
    ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2)
    : undefined;
  let i = 0;
  if (words) {
    for (let w = 0; w < words.length; w++) words[w] ^= KEY32;
    i = words.length * 4;
  }
  for (; i < bytes.length; i++) bytes[i] ^= KEY[i & 3];
}

type Row = Record<string, number | string>;
const results: { runtime: string; version: string; unmask: Row[]; utf8: Row[]; frames: Row; crossover: Row[] } = {
  runtime: "",
  version: "",
  unmask: [],
  utf8: [],
  frames: {},
  crossover: [],
};
const g = globalThis as {
  Deno?: { version: { deno: string } };
  Bun?: { version: string };
  process?: { version: string };
};
results.runtime = g.Bun ? "bun" : g.Deno ? "deno" : "node";
results.version = g.Bun?.version ?? g.Deno?.version.deno ?? g.process?.version ?? "";

// Native peers where the runtime has them.
let bufferutil: { unmask(buffer: Uint8Array, mask: Uint8Array): void } | undefined;
let isUtf8: ((input: Uint8Array) => boolean) | undefined;
let NodeBuffer: { from(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array } | undefined;
try {
  ({ isUtf8 } = await import("node:buffer") as unknown as { isUtf8: (input: Uint8Array) => boolean });
  NodeBuffer = (await import("node:buffer")).Buffer as unknown as typeof NodeBuffer;
} catch {
  isUtf8 = undefined;
}
if (results.runtime === "node") {
  try {
    const { createRequire } = await import("node:module");
    bufferutil = createRequire(import.meta.url)("bufferutil");
  } catch {
    bufferutil = undefined;
  }
}

for (const size of SIZES) {
  const at = base;
  memory().fill(0x5a, at, at + size);
  const inWasm = () => wasm.mask(at, size, KEY32, 0);
  const js = new Uint8Array(size).fill(0x5a);
  const row: Row = { size, wasm: rate(size, inWasm), js: rate(size, () => jsUnmask(js)) };
  if (bufferutil && NodeBuffer) {
    const buf = NodeBuffer.from(new ArrayBuffer(size), 0, size);
    row.bufferutil = rate(size, () => bufferutil!.unmask(buf, KEY));
  }
  results.unmask.push(row);
}

const encoder = new TextEncoder();
const ASCII = "The quick brown fox jumps over the lazy dog. 0123456789 ";
const MIXED = "日本語のテキスト 😀🎉 Ελληνικά café naïve Größe ";
function textOf(sample: string, size: number): Uint8Array {
  const whole = encoder.encode(sample.repeat(Math.ceil(size / sample.length) + 1));
  let end = size;
  while (end > 0 && (whole[end] & 0xc0) === 0x80) end--; // cut at a code point boundary
  return whole.subarray(0, end);
}
const fatal = new TextDecoder("utf-8", { fatal: true });
// Each row's contestants take turns, a short round each, and keep their best
// round: on a shared machine a busy spell during one 250 ms run and not the
// next moved the WASM ÷ isUtf8 ratio from 0.20× to 0.72× within one run.
const ROUNDS = quick ? 1 : 5;
for (const [kind, sample] of [["ascii", ASCII], ["mixed", MIXED]] as const) {
  for (const size of SIZES) {
    const bytes = textOf(sample, size);
    memory().set(bytes, base);
    const bodies: Record<string, () => unknown> = {
      wasm: () => {
        if (wasm.utf8Validate(0, base, bytes.length) !== 0) throw new Error("Cannot benchmark: sample is not UTF-8");
      },
      textDecoder: () => fatal.decode(bytes),
    };
    if (isUtf8) bodies.isUtf8 = () => isUtf8!(bytes);
    const row: Row = { kind, size };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, body] of Object.entries(bodies)) {
        row[name] = Math.max(Number(row[name] ?? 0), rate(bytes.length, body, BUDGET_MS / ROUNDS));
      }
    }
    results.utf8.push(row);
  }
}

// Frames/s: a 64 KiB read full of small masked frames (what a server receives).
{
  const codec = createWasmCodec(instance);
  const frames: number[] = [];
  let count = 0;
  while (frames.length < 64 * 1024 - 40) {
    const payload = 8 + (count % 24);
    frames.push(0x82, 0x80 | payload, 1, 2, 3, 4);
    for (let i = 0; i < payload; i++) frames.push(i ^ (1 << (i & 3)));
    count++;
  }
  const stream = Uint8Array.from(frames);
  let seen = 0;
  const sink = {
    onData: () => void seen++,
    onControl: () => {},
    onError: () => {
      throw new Error("Cannot benchmark: parse error");
    },
  };
  const decoder = codec.decoder({ role: "server", maxPayload: 1 << 20, maxFragments: 16 });
  const wasmRate = rate(stream.length, () => {
    decoder.reserve().set(stream);
    decoder.commit(stream.length, sink);
  });
  const jsRate = rate(stream.length, () => {
    // A straightforward JS parser: header, key, unmask into a fresh view per frame.
    let p = 0;
    while (p + 2 <= stream.length) {
      const len = stream[p + 1] & 0x7f;
      const key = p + 2;
      const start = key + 4;
      if (start + len > stream.length) break;
      const out = stream.slice(start, start + len);
      for (let i = 0; i < len; i++) out[i] ^= stream[key + (i & 3)];
      seen++;
      p = start + len;
    }
  });
  results.frames = {
    framesPerRead: count,
    wasm: (wasmRate / stream.length) * count,
    js: (jsRate / stream.length) * count,
  };
}

// The JS/WASM crossover for masking client frames being sent (copy into WASM, mask, copy out vs a JS loop).
{
  const jsOnly = createWasmCodec(await instantiateCore(), { jsMaskBelow: Infinity }).encoder("client");
  const wasmOnly = createWasmCodec(await instantiateCore(), { jsMaskBelow: 0 }).encoder("client");
  for (const size of [16, 64, 256, 512, 1024, 2048, 4096, 65536]) {
    const payload = new Uint8Array(size).fill(1);
    results.crossover.push({
      size,
      js: rate(size, () => jsOnly.encode(2, payload)),
      wasm: rate(size, () => wasmOnly.encode(2, payload)),
    });
  }
}

console.log(JSON.stringify(results));
