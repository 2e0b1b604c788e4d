// permessage-deflate engines and limits, for one runtime: prints one JSON object.
//   deno run -A scripts/bench/deflate.ts | bun scripts/bench/deflate.ts | node scripts/bench/deflate.ts
// Compares, per message of realistic JSON, a compress + inflate round trip through
//   handle:   our path (src/extensions/zlib_stream.ts): one stream, handle.writeSync, reset per message
//   oneshot:  deflateRawSync / inflateRawSync per message (a new zlib stream each time)
//   async:    what ws does: a persistent stream, write + flush(Z_SYNC_FLUSH) through the thread pool
// and measures the inflate bomb (1 MiB of zeros compressed, maxPayload 64 KiB).
import * as zlib from "node:zlib";
import { loadCodec } from "../../src/codec/load.ts";
import { withDeflate } from "../../src/extensions/deflate_codec.ts";
import { loadZlib, ZlibStream } from "../../src/extensions/zlib_stream.ts";

const quick = (globalThis as { process?: { argv: string[] } }).process?.argv.includes("--quick") ?? false;
const BUDGET_MS = quick ? 30 : 400;
const SIZES = [128, 1024, 16 * 1024, 256 * 1024];
const SYNC = zlib.constants.Z_SYNC_FLUSH;

function json(bytes: number): Uint8Array {
  const rows: unknown[] = [];
  let text = "";
  for (let i = 0; text.length < bytes; i++) {
    rows.push({ id: i, user: `user${i % 97}`, price: ((i * 7919) % 10000) / 100, side: i % 2 ? "buy" : "sell" });
    text = JSON.stringify(rows);
  }
  return new TextEncoder().encode(text.slice(0, bytes));
}

async function perSecond(body: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 5; i++) await body();
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    await body();
    calls++;
    elapsed = performance.now() - started;
  } while (elapsed < BUDGET_MS);
  return Math.round(calls / (elapsed / 1000));
}

const engines: Record<string, Record<number, number>> = { handle: {}, oneshot: {}, async: {} };
const ratio: Record<number, number> = {};
const z = (await loadZlib())!;
const deflater = new ZlibStream(z, "deflate", { windowBits: 15, level: 6, memLevel: 8 });
const inflater = new ZlibStream(z, "inflate", { windowBits: 15 });
const asyncDeflate = zlib.createDeflateRaw({ windowBits: 15 });
const asyncInflate = zlib.createInflateRaw({ windowBits: 15 });
const flushed = (stream: zlib.DeflateRaw | zlib.InflateRaw, input: Uint8Array) =>
  new Promise<Uint8Array>((resolve) => {
    const chunks: Uint8Array[] = [];
    const onData = (chunk: Uint8Array) => chunks.push(chunk);
    stream.on("data", onData);
    stream.write(input);
    stream.flush(SYNC, () => {
      stream.off("data", onData);
      resolve(chunks.length === 1 ? chunks[0] : new Uint8Array(Buffer.concat(chunks)));
    });
  });

for (const size of SIZES) {
  const message = json(size);
  engines.handle[size] = await perSecond(() => {
    const compressed = deflater.write(message, false).slice(0, -4);
    deflater.reset();
    inflater.write(compressed, true, 1 << 30);
    inflater.reset();
  });
  engines.oneshot[size] = await perSecond(() => {
    const compressed = zlib.deflateRawSync(message, { finishFlush: SYNC });
    zlib.inflateRawSync(compressed, { finishFlush: SYNC });
  });
  engines.async[size] = await perSecond(async () => {
    const compressed = await flushed(asyncDeflate, message);
    await flushed(asyncInflate, compressed);
  });
  ratio[size] = Math.round((message.length / (zlib.deflateRawSync(message, { finishFlush: SYNC }).length - 4)) * 10) /
    10;
}
asyncDeflate.close();
asyncInflate.close();

// The inflate bomb through the real decoder: time to the 1009, and memory taken meanwhile.
const codec = await loadCodec();
const params = {
  serverNoContextTakeover: true,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};
const bombPayload = new Uint8Array(zlib.deflateRawSync(new Uint8Array(1 << 20), { finishFlush: SYNC }).subarray(0, -4));
const frame = new Uint8Array(4 + bombPayload.length);
frame.set([0xc2, 126, bombPayload.length >> 8, bombPayload.length & 0xff]);
frame.set(bombPayload, 4);
const times: number[] = [];
let error = "";
const memory = () => {
  const usage = (globalThis as unknown as { process?: { memoryUsage(): Record<string, number> } }).process
    ?.memoryUsage();
  return usage === undefined ? 0 : usage.heapUsed + usage.external + (usage.arrayBuffers ?? 0);
};
const bunGc = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun?.gc;
const gc = (globalThis as { gc?: () => void }).gc ?? (bunGc ? () => bunGc(true) : undefined);
const allocations: number[] = [];
for (let i = 0; i < 50; i++) {
  const decoder = withDeflate(codec, z, "client", { params }).decoder({
    role: "client",
    maxPayload: 64 * 1024,
    maxFragments: 100,
  });
  gc?.();
  const before = memory();
  const started = performance.now();
  decoder.push(frame, { onData() {}, onControl() {}, onError: (code) => error = code });
  times.push(performance.now() - started);
  allocations.push(memory() - before);
  decoder.dispose();
}
times.sort((a, b) => a - b);
allocations.sort((a, b) => a - b);

console.log(JSON.stringify({
  runtime: (globalThis as { Deno?: unknown }).Deno
    ? "deno"
    : (globalThis as { Bun?: unknown }).Bun
    ? "bun"
    : `node ${(globalThis as { process?: { version: string } }).process?.version}`,
  roundTripsPerSecond: engines,
  compressionRatio: ratio,
  bomb: {
    compressedBytes: bombPayload.length,
    error,
    medianMs: Math.round(times[times.length >> 1] * 1000) / 1000,
    maxMs: Math.round(times[times.length - 1] * 1000) / 1000,
    // Heap + external + ArrayBuffer growth across one bomb (median of 50), GC'd before each.
    allocatedBytes: gc === undefined ? "run with --expose-gc" : allocations[allocations.length >> 1],
  },
}));
