// One benchmark client process: `RUNTIME echo_client.ts IMPL URL [--quick]`,
// IMPL = ours | native | ws. Runs every case against the echo server at URL
// and prints one JSON line. Binary messages, WHATWG-style API for all three.
import { WebSocket as Ours } from "../../src/mod.ts";

type Socket = {
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(): void;
};

const g = globalThis as unknown as {
  process?: { argv: string[] };
  Deno?: { args: string[] };
  WebSocket?: new (url: string) => Socket;
};
const args = g.Deno ? g.Deno.args : g.process!.argv.slice(2);
const [impl, url] = args;
const quick = args.includes("--quick");
const DURATION = quick ? 150 : 1500;
const WARMUP = quick ? 50 : 300;

async function factory(): Promise<(url: string) => Socket> {
  if (impl === "ours") return (u) => new Ours(u) as unknown as Socket;
  if (impl === "native") return (u) => new g.WebSocket!(u);
  const { WebSocket: Ws } = await import("ws");
  return (u) => new Ws(u, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 }) as unknown as Socket;
}

function open(make: (url: string) => Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = make(url);
    socket.binaryType = "arraybuffer";
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error(`Cannot connect ${impl} to ${url}`));
  });
}

/** Messages per second with `inflight` messages of `size` bytes kept in flight. */
async function throughput(make: (url: string) => Socket, size: number, inflight: number): Promise<number> {
  const socket = await open(make);
  const payload = new Uint8Array(size).fill(7);
  let counting = false;
  let count = 0;
  socket.onmessage = () => {
    if (counting) count++;
    socket.send(payload);
  };
  for (let i = 0; i < inflight; i++) socket.send(payload);
  await new Promise((resolve) => setTimeout(resolve, WARMUP));
  counting = true;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, DURATION));
  const elapsed = performance.now() - started;
  counting = false;
  socket.onmessage = null;
  await close(socket);
  return count / (elapsed / 1000);
}

/** Round-trip times of single 16-byte messages: p50 and p99 in microseconds. */
async function roundTrips(make: (url: string) => Socket): Promise<{ p50: number; p99: number }> {
  const socket = await open(make);
  const payload = new Uint8Array(16);
  const samples: number[] = [];
  const until = performance.now() + WARMUP + DURATION;
  let sentAt = 0;
  await new Promise<void>((resolve) => {
    socket.onmessage = () => {
      const now = performance.now();
      if (now > until - DURATION) samples.push((now - sentAt) * 1000);
      if (now > until) return resolve();
      sentAt = performance.now();
      socket.send(payload);
    };
    sentAt = performance.now();
    socket.send(payload);
  });
  socket.onmessage = null;
  await close(socket);
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)], p99: samples[Math.floor(samples.length * 0.99)] };
}

function close(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 2000);
    socket.onclose = () => {
      clearTimeout(timer);
      resolve();
    };
    socket.close();
  });
}

const make = await factory();
const result: Record<string, unknown> = { impl };
const cases: Array<[string, () => Promise<unknown>]> = [
  ["msgs16", () => throughput(make, 16, 64)],
  ["msgs1k", () => throughput(make, 1024, 64)],
  ["mbps64k", async () => (await throughput(make, 64 * 1024, 8)) * 64 * 1024 / 1e6],
  ["mbps1m", async () => (await throughput(make, 1024 * 1024, 4)) * 1024 * 1024 / 1e6],
  ["rtt", () => roundTrips(make)],
];
for (const [name, run] of cases) {
  if (args.includes("--cases") && !args[args.indexOf("--cases") + 1].split(",").includes(name)) continue;
  try {
    result[name] = await run();
  } catch (error) {
    result[name] = { error: (error as Error).message };
  }
}
console.log(JSON.stringify(result));
(g as { process?: { exit(code: number): void } }).process?.exit(0);
