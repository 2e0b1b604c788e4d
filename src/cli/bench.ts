/**
 * `wasmws bench URL`: N connections to an echo server, each keeping a
 * window of messages in flight for a duration; prints messages per second,
 * MB/s of echoed payload and round-trip p50/p99 (a live progress line on a
 * terminal), or one JSON object with `--json`.
 *
 * @example
 * ```ts
 * import { bench } from "./bench.ts";
 * import { processIO } from "./terminal.ts";
 * await bench(["ws://127.0.0.1:8080", "-c", "4", "--duration", "2", "--json"], processIO());
 * ```
 * @module
 */

import { WebSocket, type WebSocketError } from "../mod.ts";
import { type OptionsConfig, parseCommand, parseInteger, parseSeconds, UsageError, withWsScheme } from "./args.ts";
import { RttHistogram } from "./rtt_histogram.ts";
import type { CliIO } from "./terminal.ts";

/** The usage text of `wasmws bench`. */
export const BENCH_USAGE = `Usage: wasmws bench URL [options]

Send messages to an echo server (wasmws listen, or any other) and measure the round trips.
A URL without a scheme is taken as ws://.

Options:
  -c, --connections N     connections to open (default 4)
      --size BYTES        message size (default 64)
      --window N          messages in flight per connection (default 4)
  -d, --duration SECONDS  how long to send (default 5)
      --text              send text messages (default binary)
  -k, --insecure          accept any server certificate
      --json              print one JSON object, no progress line
  -h, --help              print this help`;

const OPTIONS = {
  connections: { type: "string", short: "c" },
  size: { type: "string" },
  window: { type: "string" },
  duration: { type: "string", short: "d" },
  text: { type: "boolean" },
  insecure: { type: "boolean", short: "k" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} satisfies OptionsConfig;

/** What `wasmws bench --json` prints. */
export interface BenchResult {
  /** Connections used. */
  connections: number;
  /** Message size in bytes. */
  size: number;
  /** Messages in flight per connection. */
  window: number;
  /** Seconds measured (sending, then the last replies). */
  seconds: number;
  /** Round trips completed. */
  messages: number;
  /** Round trips per second. */
  messagesPerSecond: number;
  /** Echoed payload, in 10^6 bytes per second. */
  megabytesPerSecond: number;
  /** Round-trip percentiles in milliseconds. */
  rttMs: { p50: number; p99: number };
}

// After the duration, replies still in flight get this long to come back.
const DRAIN_MS = 5000;

/**
 * Run `wasmws bench` with `args` (those after `bench`).
 *
 * @example
 * ```ts
 * import { processIO } from "./terminal.ts";
 * await bench(["--help"], processIO()); // 0
 * ```
 */
export async function bench(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(args, OPTIONS);
  if (values.help === true) {
    io.stdout.write(BENCH_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("Cannot bench: one URL is required");
  const count = parseInteger("--connections", string(values.connections) ?? "4", 1, 10_000);
  const size = parseInteger("--size", string(values.size) ?? "64", 0, 100 * 1024 * 1024);
  const window = parseInteger("--window", string(values.window) ?? "4", 1, 100_000);
  const duration = parseSeconds("--duration", string(values.duration) ?? "5");
  const json = values.json === true;
  const payload = values.text === true ? "x".repeat(size) : new Uint8Array(size).fill(0x61);
  const options = values.insecure === true ? { tls: { rejectUnauthorized: false } } : {};

  const url = withWsScheme(positionals[0]);
  let sockets: WebSocket[];
  try {
    sockets = Array.from({ length: count }, () => new WebSocket(url, options));
  } catch (error) {
    throw new UsageError(`Cannot bench ${url}: ${(error as Error).message}`);
  }
  const rtts = new RttHistogram();
  const opened = await Promise.all(sockets.map(opening));
  const failed = opened.find((result) => result !== undefined);
  if (failed !== undefined) {
    for (const ws of sockets) ws.terminate();
    io.stderr.write(`wasmws bench: ${failed}\n`);
    return 1;
  }

  const started = performance.now();
  const deadline = started + duration * 1000;
  let inFlight = 0;
  let lost = false;
  let finish = (): void => {};
  const done = new Promise<void>((resolve) => finish = resolve);
  const run = (ws: WebSocket): void => {
    const sentAt: number[] = [];
    let next = 0;
    const send = (): void => {
      sentAt.push(performance.now());
      inFlight++;
      ws.send(payload);
    };
    ws.binaryType = "arraybuffer";
    ws.addEventListener("message", () => {
      const now = performance.now();
      rtts.add(now - sentAt[next++]);
      inFlight--;
      // A queue that only grows at its end: drop what was read now and then, not on every shift.
      if (next > 4096) {
        sentAt.splice(0, next);
        next = 0;
      }
      if (now < deadline) send();
      else if (inFlight === 0) finish();
    });
    ws.addEventListener("close", () => {
      lost = true;
      finish();
    });
    for (let i = 0; i < window; i++) send();
  };
  sockets.forEach(run);

  const progress = !json && io.stdout.isTTY === true
    ? setInterval(() => {
      const seconds = (performance.now() - started) / 1000;
      io.stdout.write(`\r\x1b[K${seconds.toFixed(1)} s  ${rtts.count} msgs  ${rate(rtts.count, seconds)} msgs/s`);
    }, 250)
    : undefined;
  const drainTimer = setTimeout(() => finish(), duration * 1000 + DRAIN_MS);
  await done;
  clearTimeout(drainTimer);
  clearInterval(progress);
  const seconds = (performance.now() - started) / 1000;
  for (const ws of sockets) ws.close();
  if (progress !== undefined) io.stdout.write("\r\x1b[K");

  const result: BenchResult = {
    connections: count,
    size,
    window,
    seconds: round(seconds, 3),
    messages: rtts.count,
    messagesPerSecond: round(rtts.count / seconds, 1),
    megabytesPerSecond: round((rtts.count * size) / seconds / 1e6, 3),
    rttMs: { p50: round(rtts.percentile(0.5), 3), p99: round(rtts.percentile(0.99), 3) },
  };
  if (json) io.stdout.write(JSON.stringify(result) + "\n");
  else {
    io.stdout.write(
      `${count} connections, ${size}-byte messages, ${window} in flight each, ${result.seconds} s\n` +
        `  ${result.messages} round trips, ${result.messagesPerSecond} msgs/s, ${result.megabytesPerSecond} MB/s\n` +
        `  round trip p50 ${result.rttMs.p50} ms, p99 ${result.rttMs.p99} ms\n`,
    );
  }
  if (lost) io.stderr.write("wasmws bench: a connection closed before the end\n");
  return lost ? 1 : 0;
}

/** Resolves with nothing once open, or with why it failed. */
function opening(ws: WebSocket): Promise<string | undefined> {
  return new Promise((resolve) => {
    ws.addEventListener("open", () => resolve(undefined), { once: true });
    ws.addEventListener("error", (event) => resolve((event.error as WebSocketError).message), { once: true });
  });
}

function string(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function rate(count: number, seconds: number): string {
  return seconds > 0 ? Math.round(count / seconds).toString() : "0";
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
