// Server load generator: `node scripts/bench/load_client.ts URL [--quick] [--cases a,b]
// [--connections C] [--depth N] [--batch B] [--server-pid PID] [--duration ms] [--raw]`; on Bun
// it uses Bun.connect. Prints one JSON line with echo_client.ts's keys, plus the
// CPU used during the timed window by itself, the server (--server-pid) and the machine.
//
// A WebSocket client library spends about as much CPU per message as a lean
// server, so on a small machine it, not the server, sets the pace. This one
// does no per-message work: frames are encoded and masked once, written a batch
// per write, and echoes are counted from the byte count, since every echoed
// frame has the same known size. Every received byte is still compared with the
// expected stream (a memcmp or two per read), so a server that corrupts,
// re-frames, fragments or duplicates anything fails instead of looking fast;
// one that drops messages runs out of messages in flight and looks slow.
// Bun.connect was measured as the transport too: no cheaper at 16 B and 1 KiB,
// 20% more CPU per message at 1 MiB, so Node's net with a reused read buffer.
import { connect as netConnect } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

interface Case {
  key: string;
  size: number;
  /** Connections, each with `depth` messages in flight, refilled `batch` at a time. */
  connections: number;
  depth: number;
  batch: number;
  unit: "msgs" | "mbps";
}

const g = globalThis as unknown as {
  Bun?: { connect(options: unknown): Promise<BunSocket> };
  process: {
    argv: string[];
    exit(code: number): never;
    cpuUsage(): { user: number; system: number };
  };
};
const args = g.process.argv.slice(2);
const url = new URL(args[0]);
const quick = args.includes("--quick");
const option = (name: string) => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
};
const DURATION = Number(option("--duration") ?? (quick ? 300 : 1500));
const WARMUP = Number(option("--warmup") ?? (quick ? 100 : 300));
const serverPid = option("--server-pid");
const transport = option("--transport") ?? (g.Bun ? "bun" : "node");
// Against a raw TCP echo (echo_servers/tcp_echo.ts): the frames come back exactly as sent, masked.
const raw = args.includes("--raw");
// Sized so one read takes several 64 KiB frames' worth of small messages, or a
// good share of a 1 MiB frame, with one syscall.
const READ_SIZE = 256 * 1024;

// Shapes from sweeps against wasmws on Node, ws and Bun.serve on a 2-core box.
// Small messages: Bun.serve needs 4 connections to stay busy at 16 B (2 leave
// it ~10% idle, 1 leaves it 30% idle at 1 KiB), while the ws server loses ~9%
// at 1 KiB going from 4 to 8, so 4; depth and batch barely move the servers
// past 128 in flight, and bigger batches make the generator cheaper. Large
// messages: little in flight does best (8×2 at 64 KiB, 8×1 at 1 MiB were best
// or tied, 8×8 and 4×2 up to 15% slower): queued megabytes only cost copies.
const CASES: Case[] = [
  { key: "msgs16", size: 16, connections: 4, depth: 256, batch: 64, unit: "msgs" },
  { key: "msgs1k", size: 1024, connections: 4, depth: 128, batch: 32, unit: "msgs" },
  { key: "mbps64k", size: 64 * 1024, connections: 8, depth: 2, batch: 1, unit: "mbps" },
  { key: "mbps1m", size: 1024 * 1024, connections: 8, depth: 1, batch: 1, unit: "mbps" },
];

function headerFor(size: number, masked: boolean): Uint8Array {
  const maskBit = masked ? 0x80 : 0;
  if (size < 126) return Uint8Array.of(0x82, maskBit | size);
  if (size < 65536) return Uint8Array.of(0x82, maskBit | 126, size >> 8, size & 255);
  const header = new Uint8Array(10);
  header[0] = 0x82;
  header[1] = maskBit | 127;
  new DataView(header.buffer).setBigUint64(2, BigInt(size));
  return header;
}

/** The bytes a client sends for one message (masked) and the bytes the server must send back. */
function frames(size: number): { sent: Uint8Array; echoed: Uint8Array } {
  // Not constant, so that a shifted or truncated echo cannot match by accident.
  const payload = new Uint8Array(size);
  for (let i = 0; i < size; i++) payload[i] = (i * 31 + 7) & 255;
  const key = randomBytes(4);
  const head = headerFor(size, true);
  const sent = new Uint8Array(head.length + 4 + size);
  sent.set(head);
  sent.set(key, head.length);
  const body = head.length + 4;
  for (let i = 0; i < size; i++) sent[body + i] = payload[i] ^ key[i & 3];
  const plain = headerFor(size, false);
  const echoed = new Uint8Array(plain.length + size);
  echoed.set(plain);
  echoed.set(payload, plain.length);
  return { sent, echoed };
}

function repeat(bytes: Uint8Array, times: number): Buffer {
  const out = Buffer.allocUnsafe(bytes.length * times);
  for (let i = 0; i < times; i++) out.set(bytes, i * bytes.length);
  return out;
}

interface BunSocket {
  write(data: Uint8Array): number;
  end(): void;
  terminate(): void;
  setNoDelay?(noDelay: boolean): void;
}

interface Link {
  write(data: Buffer): void;
  destroy(): void;
}

type Sink = { data(chunk: Buffer): void; closed(error?: Error): void };

/** A TCP connection on this runtime's cheapest API; `sink.data` must finish with the chunk before returning. */
function open(sink: Sink): Promise<Link> {
  const port = Number(url.port || 80);
  if (transport === "bun") {
    // Bun.connect's write() may take part of the buffer; the rest waits for drain.
    const queue: Buffer[] = [];
    let socket: BunSocket | undefined;
    const flush = () => {
      while (socket && queue.length > 0) {
        const head = queue[0];
        const written = socket.write(head);
        if (written < head.length) {
          queue[0] = head.subarray(Math.max(written, 0));
          return;
        }
        queue.shift();
      }
    };
    return g.Bun!.connect({
      hostname: url.hostname,
      port,
      socket: {
        binaryType: "buffer",
        data: (_: BunSocket, chunk: Buffer) => sink.data(chunk),
        drain: flush,
        close: (_: BunSocket, error?: Error) => sink.closed(error),
        error: (_: BunSocket, error: Error) => sink.closed(error),
      },
    }).then((connected) => {
      socket = connected;
      connected.setNoDelay?.(true);
      return {
        write(data: Buffer) {
          queue.push(data);
          if (queue.length === 1) flush();
        },
        destroy: () => connected.terminate(),
      };
    });
  }
  return new Promise((resolve, reject) => {
    // onread reuses one buffer for every read: no allocation per chunk.
    const socket = netConnect({
      host: url.hostname,
      port,
      noDelay: true,
      onread: {
        buffer: Buffer.allocUnsafe(READ_SIZE),
        callback: (n, buffer) => {
          sink.data((buffer as Buffer).subarray(0, n));
          return true;
        },
      },
    });
    socket.once("connect", () => {
      socket.off("error", reject);
      socket.on("error", (error) => sink.closed(error));
      socket.on("close", () => sink.closed());
      resolve({ write: (data) => socket.write(data), destroy: () => socket.destroy() });
    });
    socket.once("error", reject);
  });
}

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const HANDSHAKE_TIMEOUT = 5000;

/**
 * One WebSocket connection driving the echo: handshake, then `depth` frames
 * in flight, topped up a batch at a time as echoes arrive.
 */
class Driver {
  #link: Link | undefined;
  #state: "handshake" | "running" | "closing" | "closed" = "handshake";
  #handshake = "";
  #key = randomBytes(16).toString("base64");
  #frameSize: number;
  #expected: Buffer;
  #at = 0;
  #batch: Buffer;
  #batchFrames: number;
  #depth: number;
  #sent = 0;
  /** Bytes of echoed frames received, verified. */
  bytes = 0;
  #fail: (error: Error) => void;
  #ready: { resolve(): void; reject(error: Error): void } | undefined;
  #closed: (() => void) | undefined;

  constructor(sent: Uint8Array, expected: Buffer, frameSize: number, c: Case, fail: (error: Error) => void) {
    this.#frameSize = frameSize;
    this.#expected = expected;
    this.#batch = repeat(sent, c.batch);
    this.#batchFrames = c.batch;
    this.#depth = c.depth;
    this.#fail = fail;
  }

  async start(): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => (this.#ready = { resolve, reject }));
    this.#link = await open({ data: (chunk) => this.#data(chunk), closed: (error) => this.#onClosed(error) });
    const timer = setTimeout(
      () => this.#error(new Error(`no handshake response in ${HANDSHAKE_TIMEOUT} ms`)),
      HANDSHAKE_TIMEOUT,
    );
    this.#link.write(Buffer.from(
      `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${this.#key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ));
    try {
      await ready;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Put the first `depth` frames in flight. */
  go(): void {
    this.#topUp();
  }

  #topUp(): void {
    const received = Math.floor(this.bytes / this.#frameSize);
    if (received > this.#sent) return this.#error(new Error(`${received} echoes for ${this.#sent} messages sent`));
    while (this.#sent - received <= this.#depth - this.#batchFrames) {
      this.#link!.write(this.#batch);
      this.#sent += this.#batchFrames;
    }
  }

  #data(chunk: Buffer): void {
    if (this.#state === "running") {
      this.#verify(chunk, 0);
      if (this.#state === "running") this.#topUp();
    } else if (this.#state === "handshake") {
      this.#handshake += chunk.toString("latin1");
      const end = this.#handshake.indexOf("\r\n\r\n");
      if (end < 0) {
        if (this.#handshake.length > 16384) this.#error(new Error("handshake response too long"));
        return;
      }
      const head = this.#handshake.slice(0, end);
      const accept = createHash("sha1").update(this.#key + GUID).digest("base64");
      const [status, ...fields] = head.split("\r\n");
      const headers = new Map(fields.map((line) => {
        const colon = line.indexOf(":");
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      }));
      if (!/^HTTP\/1\.1 101 /.test(status)) return this.#error(new Error(`handshake: ${status}`));
      if (headers.get("sec-websocket-accept") !== accept) {
        return this.#error(new Error(`handshake: Sec-WebSocket-Accept ${headers.get("sec-websocket-accept")}`));
      }
      if (headers.get("upgrade")?.toLowerCase() !== "websocket") return this.#error(new Error("handshake: no Upgrade"));
      if (headers.has("sec-websocket-extensions")) return this.#error(new Error("handshake: unrequested extension"));
      this.#state = "running";
      // Bytes after the head arrived in the same read: the chunk offset is the head's length in latin1 bytes.
      const leftover = this.#handshake.length - (end + 4);
      if (leftover > 0) this.#verify(chunk, chunk.length - leftover);
      const ready = this.#ready;
      this.#ready = undefined;
      ready?.resolve();
    }
    // While closing, whatever is still in flight is of no interest.
  }

  /** Compare `chunk[from..]` with the expected stream (frames back to back), then count it. */
  #verify(chunk: Buffer, from: number): void {
    const period = this.#expected.length;
    let i = from;
    while (i < chunk.length) {
      const n = Math.min(chunk.length - i, period - this.#at);
      if (chunk.compare(this.#expected, this.#at, this.#at + n, i, i + n) !== 0) {
        let k = 0;
        while (chunk[i + k] === this.#expected[this.#at + k]) k++;
        const offset = this.bytes + (i + k - from);
        return this.#error(
          new Error(
            `unexpected byte in echoed message ${Math.floor(offset / this.#frameSize)} ` +
              `(frame byte ${offset % this.#frameSize} of ${this.#frameSize}): ` +
              `got ${chunk.subarray(i + k, i + k + 8).toString("hex")}, ` +
              `expected ${this.#expected.subarray(this.#at + k, this.#at + k + 8).toString("hex")}`,
          ),
        );
      }
      i += n;
      this.#at += n;
      if (this.#at === period) this.#at = 0;
    }
    this.bytes += chunk.length - from;
  }

  #error(error: Error): void {
    if (this.#state === "closed") return;
    const ready = this.#ready;
    this.#ready = undefined;
    this.#state = "closed";
    this.#link?.destroy();
    if (ready) ready.reject(error);
    else this.#fail(error);
  }

  #onClosed(error?: Error): void {
    if (this.#state === "closing" || this.#state === "closed") {
      this.#state = "closed";
      this.#closed?.();
      return;
    }
    this.#error(new Error(`connection closed by the server${error ? `: ${error.message}` : ""}`));
  }

  /** Send a close frame, give the server a moment to answer, then drop the connection either way. */
  close(): Promise<void> {
    if (this.#state === "closed" || !this.#link) return Promise.resolve();
    this.#state = "closing";
    const key = randomBytes(4);
    this.#link!.write(Buffer.from([0x88, 0x82, ...key, 0x03 ^ key[0], 0xe8 ^ key[1]]));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#state = "closed";
        this.#link!.destroy();
        resolve();
      }, 1000);
      this.#closed = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds used so far by process `pid` (all threads). */
function cpuOf(pid: string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Busy CPU seconds of the whole machine so far, to tell how much else was running. */
function machineBusy(): number {
  const [, ...times] = readFileSync("/proc/stat", "latin1").split("\n")[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = times;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

interface Sample {
  time: number;
  bytes: number;
  self: number;
  server: number;
  machine: number;
}

function sample(drivers: Driver[]): Sample {
  const usage = g.process.cpuUsage();
  return {
    time: performance.now(),
    bytes: drivers.reduce((sum, driver) => sum + driver.bytes, 0),
    self: (usage.user + usage.system) / 1e6,
    server: serverPid ? cpuOf(serverPid) : NaN,
    machine: machineBusy(),
  };
}

interface Outcome {
  rate: number;
  cpu: { server: number; client: number; machine: number };
}

async function run(c: Case): Promise<Outcome> {
  const { sent, echoed: unmasked } = frames(c.size);
  const echoed = raw ? sent : unmasked;
  // Long enough that a whole read compares in one call for small frames.
  const expected = repeat(echoed, Math.max(1, Math.ceil(READ_SIZE / echoed.length)));
  let failed: Error | undefined;
  let abort: (error: Error) => void = () => {};
  const aborted = new Promise<never>((_, reject) => (abort = reject));
  aborted.catch(() => {});
  const fail = (error: Error) => {
    failed ??= error;
    abort(error);
  };
  const drivers: Driver[] = [];
  try {
    for (let i = 0; i < c.connections; i++) {
      const driver = new Driver(sent, expected, echoed.length, c, fail);
      drivers.push(driver);
      await driver.start();
    }
    for (const driver of drivers) driver.go();
    const wait = (ms: number) => Promise.race([new Promise((resolve) => setTimeout(resolve, ms)), aborted]);
    await wait(WARMUP);
    const before = sample(drivers);
    await wait(DURATION);
    const after = sample(drivers);
    if (failed) throw failed;
    const seconds = (after.time - before.time) / 1000;
    const frames = (after.bytes - before.bytes) / echoed.length;
    if (frames < 1) throw new Error("no echo during the timed window");
    const perSecond = frames / seconds;
    return {
      rate: c.unit === "msgs" ? perSecond : perSecond * c.size / 1e6,
      cpu: {
        server: (after.server - before.server) / seconds,
        client: (after.self - before.self) / seconds,
        machine: (after.machine - before.machine) / seconds,
      },
    };
  } finally {
    await Promise.all(drivers.map((driver) => driver.close()));
  }
}

// A stuck server must not hang the caller: give up well after the longest possible run.
const watchdog = setTimeout(() => {
  console.error("load_client: timed out");
  g.process.exit(2);
}, 30_000 + CASES.length * (WARMUP + DURATION + 2 * HANDSHAKE_TIMEOUT));
const only = option("--cases")?.split(",");
const result: Record<string, unknown> = { impl: "load", transport };
const cpu: Record<string, Outcome["cpu"]> = {};
const config: Record<string, string> = {};
for (const base of CASES) {
  if (only && !only.includes(base.key)) continue;
  const c = { ...base };
  for (const name of ["connections", "depth", "batch"] as const) {
    if (option(`--${name}`)) c[name] = Number(option(`--${name}`));
  }
  if (c.depth < c.batch || c.depth % c.batch !== 0) throw new Error(`--depth must be a multiple of --batch`);
  config[c.key] = `${c.connections}×${c.depth}/${c.batch}`;
  try {
    const outcome = await run(c);
    result[c.key] = outcome.rate;
    cpu[c.key] = outcome.cpu;
  } catch (error) {
    console.error(`load_client ${c.key}: ${(error as Error).message}`);
    result[c.key] = { error: (error as Error).message };
  }
}
result.cpu = cpu;
result.config = config;
console.log(JSON.stringify(result));
clearTimeout(watchdog);
g.process.exit(0);
