// `npm run bench:pubsub` (deno run -A scripts/bench/pubsub.ts [--quick]):
// fan-out of one publish to many subscribers (wasmws on Node, Bun and Deno;
// ws looping over its clients; Bun.serve's publish), and delivery across
// processes through Redis. Servers and subscribers in separate processes on
// 127.0.0.1, all in one run; written into BENCHMARKS.md between the pubsub markers.
import { startRedis } from "../../tests/_helpers/redis.ts";

const root = decodeURIComponent(new URL("../..", import.meta.url).pathname);
const quick = Deno.args.includes("--quick");
const BUN = `${root}node_modules/.bin/bun`;
const NODE = `${root}node_modules/node24/bin/node`;
const DENO = `${root}node_modules/.bin/deno`;
const servers = `${root}scripts/bench/pubsub_servers`;
const CLIENT = `${root}scripts/bench/pubsub_client.ts`;

const SERVERS: Array<{ label: string; command: string[] }> = [
  { label: "wasmws (Node 24)", command: [NODE, `${servers}/wasmws.ts`] },
  { label: "ws loop (Node 24)", command: [NODE, `${servers}/ws_server.mjs`] },
  { label: "wasmws (Bun)", command: [BUN, `${servers}/wasmws.ts`] },
  { label: "Bun.serve publish (Bun)", command: [BUN, `${servers}/bun_server.ts`] },
  { label: "wasmws (Deno)", command: [DENO, "run", "-A", `${servers}/wasmws.ts`] },
];
// Deno only at 1,000: the whole run stays under two minutes.
const SIZES = quick ? [{ n: 1000, rounds: 20 }] : [{ n: 1000, rounds: 30 }, { n: 10_000, rounds: 10 }];

const children = new Set<Deno.ChildProcess>();
function killAll(): void {
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  Deno.addSignalListener(signal, () => {
    killAll();
    Deno.exit(130);
  });
}

async function startServer(command: string[], env: Record<string, string> = {}) {
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    cwd: root,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  children.add(child);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  while (!/listening on (ws:\S+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`Cannot start ${command.join(" ")}: ${text}`);
    text += value;
  }
  clearTimeout(timer);
  void reader.closed.catch(() => {});
  // Keep draining stdout so the server never blocks on a full pipe.
  void (async () => {
    while (!(await reader.read()).done);
  })().catch(() => {});
  return {
    url: text.match(/listening on (ws:\S+)/)![1],
    pid: child.pid,
    stop: async () => {
      child.kill("SIGKILL");
      await child.status;
      children.delete(child);
    },
  };
}

async function client(args: string[]): Promise<Record<string, number>> {
  const output = await new Deno.Command(BUN, { args: [CLIENT, ...args], cwd: root, stderr: "inherit" }).output();
  if (!output.success) throw new Error(`Cannot run the client: ${args.join(" ")}`);
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

/** CPU time of a process so far, in ms (Linux /proc). */
function cpuMs(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const fmt = (value: number, digits = 1) => value.toFixed(digits);
const lines: string[] = [];
const cpu = new TextDecoder().decode(await Deno.readFile("/proc/cpuinfo")).match(/model name\s*:\s*(.*)/)?.[1];
const versions = await Promise.all([
  [DENO, "--version"],
  [BUN, "--version"],
  [NODE, "--version"],
].map(async ([cmd, arg]) => new TextDecoder().decode((await new Deno.Command(cmd, { args: [arg] }).output()).stdout)));
lines.push(
  "Delivered msgs/s and the time until the last subscriber has a message are end to end (publish request on a " +
    "control socket → every subscriber process has it); with one receiving process on a 2-core machine the " +
    "subscribers' side weighs on them. Inside publish() is the synchronous part of one publish in the server " +
    "(wasmws and Bun.serve encode once and queue; ws frames and writes per client). Server CPU per delivered " +
    "message is the server process's CPU time over the rounds divided by the messages delivered: what a server " +
    "pays however fast its subscribers read. Each delivered message costs one write to one socket, on every server.",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu} (${navigator.hardwareConcurrency} cores); ` +
    `deno ${versions[0].split(" ")[1]}, bun ${versions[1].trim()}, node ${versions[2].trim()}. ` +
    `Subscribers are Bun's native WebSocket clients in one separate process, the same for every server.`,
  "",
);

for (const { n, rounds } of SIZES) {
  lines.push(
    `### Fan-out: one 64-byte text message to ${n.toLocaleString("en")} subscribers (${rounds} rounds)`,
    "",
    "| server | delivered msgs/s | until the last subscriber has it, p50 (ms) | p99 (ms) | inside publish() (ms) | server CPU per delivered message (µs) | msgs/s ÷ ws loop's | ws loop's CPU per message ÷ this |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  );
  const rows: Array<{ label: string; result: Record<string, number> }> = [];
  for (const { label, command } of SERVERS) {
    if (n > 1000 && label.includes("Deno")) continue;
    const server = await startServer(command);
    try {
      const result = await client(["fanout", server.url, String(n), String(rounds)]);
      rows.push({ label, result });
      console.error(label, n, JSON.stringify(result));
    } finally {
      await server.stop();
    }
  }
  const ws = rows.find((row) => row.label.startsWith("ws"))!.result;
  for (const { label, result } of rows) {
    lines.push(
      `| ${label} | ${Math.round(result.msgsPerSec).toLocaleString("en")} | ${fmt(result.p50)} | ${
        fmt(result.p99)
      } | ` +
        `${fmt(result.publishMs, 2)} | ${fmt(result.cpuPerMessageUs, 2)} | ${
          fmt(result.msgsPerSec / ws.msgsPerSec, 2)
        }× | ` +
        `${fmt(ws.cpuPerMessageUs / result.cpuPerMessageUs, 2)}× |`,
    );
  }
  const bunServe = rows.find((row) => row.label.startsWith("Bun.serve"))!.result;
  const ours = rows.find((row) => row.label === "wasmws (Bun)")!.result;
  lines.push(
    "",
    `On Bun, wasmws delivers ${fmt(ours.msgsPerSec / bunServe.msgsPerSec, 2)}× Bun.serve's rate, at ` +
      `${fmt(ours.cpuPerMessageUs / bunServe.cpuPerMessageUs, 2)}× its server CPU per message.`,
    "",
  );
}

// Across processes: publisher server → Redis → subscriber server → one subscriber.
const redis = await startRedis();
try {
  const env = { REDIS_URL: redis.url };
  const publisher = await startServer([NODE, `${servers}/wasmws.ts`], env);
  const subscriber = await startServer([NODE, `${servers}/wasmws.ts`], env);
  const pids = { publisher: publisher.pid, subscriber: subscriber.pid, redis: redis.pid! };
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const m = quick ? 10_000 : 20_000;
  const started = performance.now();
  const result = await client(["redis", publisher.url, subscriber.url, String(m), "2000"]);
  const wall = performance.now() - started;
  const used = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid) - before[name]]));
  console.error("redis", JSON.stringify(result), JSON.stringify(used));
  await publisher.stop();
  await subscriber.stop();
  lines.push(
    `### Across processes through Redis (wasmws on Node 24, node-redis, redis-server ${
      new TextDecoder().decode(
        (await new Deno.Command("/usr/bin/redis-server", { args: ["--version"] }).output()).stdout,
      )
        .match(/v=(\S+)/)?.[1]
    })`,
    "",
    "| measure | value |",
    "|---|---:|",
    `| burst of ${m.toLocaleString("en")} publishes: delivered msgs/s | ${
      Math.round(result.msgsPerSec).toLocaleString("en")
    } |`,
    `| burst: latency publisher → remote subscriber, p50 / p99 (ms) | ${fmt(result.burstP50)} / ${
      fmt(result.burstP99)
    } |`,
    `| ${result.paced.toLocaleString("en")} at ${result.rate}/s: latency p50 / p99 (ms) | ${
      fmt(result.pacedP50, 2)
    } / ${fmt(result.pacedP99, 2)} |`,
    "",
    `CPU during the whole Redis run (${fmt(wall / 1000)} s wall): publisher server ${
      fmt(used.publisher / 1000, 2)
    } s, ` +
      `subscriber server ${fmt(used.subscriber / 1000, 2)} s, redis-server ${fmt(used.redis / 1000, 2)} s ` +
      `(the subscriber client, in its own process, not counted). A CPU profile of the publisher during a burst ` +
      `shows node-redis' command queue and the garbage collection of its pending commands on top; wasmws' ` +
      `own publish path (message bytes and envelope) is a few per cent of it. The burst latency is queueing: ` +
      `all ${m.toLocaleString("en")} publishes are issued at once; the paced figures are the latency of the path.`,
    "",
  );
} finally {
  killAll();
  await redis.stop();
}

const file = `${root}BENCHMARKS.md`;
const begin = "<!-- pubsub:start -->";
const end = "<!-- pubsub:end -->";
let doc = await Deno.readTextFile(file);
const section = `${begin}\n${lines.join("\n")}\n${end}`;
if (doc.includes(begin)) doc = doc.slice(0, doc.indexOf(begin)) + section + doc.slice(doc.indexOf(end) + end.length);
else doc = `${doc.trimEnd()}\n\n## Pub/sub (\`npm run bench:pubsub\`)\n\n${section}\n`;
await Deno.writeTextFile(file, doc);
console.log(lines.join("\n"));
