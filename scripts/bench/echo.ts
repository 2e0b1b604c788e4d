// `npm run bench:echo` (deno run -A scripts/bench/echo.ts [--quick] [--rounds N]):
// clients and servers in separate processes on 127.0.0.1, all measured in one
// run, written into BENCHMARKS.md between the echo markers.
const root = decodeURIComponent(new URL("../..", import.meta.url).pathname);
const quick = Deno.args.includes("--quick");
// The machine is shared and loopback figures swing with whatever else runs, so
// every client and server is measured in several rounds (a server in a fresh process each).
const ROUNDS = Deno.args.includes("--rounds") ? Number(Deno.args[Deno.args.indexOf("--rounds") + 1]) : quick ? 1 : 2;
const bin = (name: string) => `${root}node_modules/.bin/${name}`;
const NODE = `${root}node_modules/node24/bin/node`;
const RUNTIMES: Record<string, string[]> = {
  deno: [bin("deno"), "run", "-A"],
  bun: [bin("bun")],
  node: [NODE],
};

interface Proc {
  child: Deno.ChildProcess;
  pid: number;
  url: string;
}

// Every child, so that nothing outlives this script, whatever way it ends.
const children = new Set<Deno.ChildProcess>();
function spawn(command: string, options: Deno.CommandOptions): Deno.ChildProcess {
  const child = new Deno.Command(command, options).spawn();
  children.add(child);
  child.status.then(() => children.delete(child));
  return child;
}
function kill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // Already gone.
  }
}
function killAll(): void {
  for (const child of children) kill(child);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  Deno.addSignalListener(signal, () => {
    killAll();
    Deno.exit(130);
  });
}

async function startServer(command: string[], script: string): Promise<Proc> {
  const child = spawn(command[0], {
    args: [...command.slice(1), script],
    cwd: root,
    env: { PORT: "0", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  });
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  // A server that hangs before printing would block the read below forever; killing it ends the read.
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    kill(child);
  }, 15_000);
  try {
    while (!/listening on (ws:\/\/\S+)/.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`Cannot start ${script}: ${late ? 'no "listening on" line in 15 s' : "it exited"}`);
      text += value;
    }
  } catch (error) {
    await stop({ child, pid: child.pid, url: "" });
    throw error;
  } finally {
    clearTimeout(timer);
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  return { child, pid: child.pid, url: text.match(/listening on (ws:\/\/\S+)/)![1] };
}

function stop(proc: Proc): Promise<void> {
  kill(proc.child);
  return proc.child.status.then(() => {});
}

async function runClient(command: string[], impl: string, url: string): Promise<Record<string, unknown>> {
  const args = [...command.slice(1), "scripts/bench/echo_client.ts", impl, url, ...(quick ? ["--quick"] : [])];
  const child = spawn(command[0], {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
  const timer = setTimeout(() => kill(child), 60_000);
  const { stdout, stderr, success } = await child.output();
  clearTimeout(timer);
  const line = new TextDecoder().decode(stdout).trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line);
  } catch {
    return { error: success ? line : new TextDecoder().decode(stderr).slice(-300) };
  }
}

async function rss(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(status.match(/VmRSS:\s+(\d+) kB/)![1]) * 1024;
}

/** Open `count` idle ws connections from a child process; resolves once they are open, with a stop(). */
async function idleClients(url: string, count: number): Promise<() => Promise<void>> {
  const client = spawn(NODE, {
    args: ["scripts/bench/idle_client.ts", url, String(count)],
    cwd: root,
    stdin: "piped",
    stdout: "piped",
  });
  const reader = client.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("open ")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`idle_client could not open ${count} connections`);
    text += value;
  }
  reader.releaseLock();
  return async () => {
    const writer = client.stdin.getWriter();
    await writer.write(new TextEncoder().encode("close\n")).catch(() => {});
    await writer.close().catch(() => {});
    await client.status;
  };
}

/**
 * Memory per idle connection: the server's RSS growth from `base` to
 * `base + count` connections, so start-up costs (modules, the WASM core,
 * first-connection caches) cancel out. Each reading follows a full garbage
 * collection in the server: handshakes leave garbage (about 11 KiB per
 * connection for wasmws and ws alike), and whether the collector had got to
 * it moved a figure by ±2 KiB from run to run.
 */
async function idleMemory(proc: Proc, base: number, count: number): Promise<number> {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));
  const collected = async () => {
    await settle();
    Deno.kill(proc.pid, "SIGUSR2");
    await settle();
    return await rss(proc.pid);
  };
  const stopBase = await idleClients(proc.url, base);
  const before = await collected();
  const stopMore = await idleClients(proc.url, count);
  const after = await collected();
  await Promise.all([stopBase(), stopMore()]);
  return (after - before) / count;
}

/** Busy cores of the whole machine over `ms`, from /proc/stat. */
async function machineBusy(ms: number): Promise<number> {
  const read = async () => {
    const times = (await Deno.readTextFile("/proc/stat")).split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = times;
    return {
      busy: user + nice + system + irq + softirq + steal,
      all: user + nice + system + idle + iowait + irq + softirq + steal,
    };
  };
  const before = await read();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await read();
  return (after.busy - before.busy) / (after.all - before.all) * navigator.hardwareConcurrency;
}

/**
 * Wait (boundedly) until the machine is nearly idle: with two cores, anything
 * else running takes the server's or the generator's core, and the run would
 * measure the neighbour.
 */
async function waitForQuiet(): Promise<void> {
  const deadline = Date.now() + (quick ? 5_000 : 60_000);
  let busy = await machineBusy(500);
  while (busy > 0.25 && Date.now() < deadline) busy = await machineBusy(500);
  if (busy > 0.25) console.error(`  (machine still busy: ${busy.toFixed(2)} cores in use by others; measuring anyway)`);
}

/** Drive the server with scripts/bench/load_client.ts on Node; it also reads the server's CPU time. */
async function runLoad(server: Proc): Promise<Row> {
  await waitForQuiet();
  const child = spawn(NODE, {
    args: [
      "scripts/bench/load_client.ts",
      server.url,
      "--server-pid",
      String(server.pid),
      ...(quick ? ["--quick"] : []),
    ],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
  const timer = setTimeout(() => kill(child), 90_000);
  const { stdout, stderr, success } = await child.output();
  clearTimeout(timer);
  const errors = new TextDecoder().decode(stderr).trim();
  // A server that fails the generator's checks must be seen, not just shown as "error" in a cell.
  if (errors) console.error(errors.replace(/^/gm, "  "));
  const line = new TextDecoder().decode(stdout).trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line);
  } catch {
    return { error: success ? line : errors.slice(-300) };
  }
}

type Row = Record<string, unknown>;

/** The run with the highest `key`. */
function bestRun(runs: Row[], key: string): Row | undefined {
  return runs.filter((run) => typeof run[key] === "number").sort((a, b) => (b[key] as number) - (a[key] as number))[0];
}

/** A client's best figure of each kind over its rounds: the highest rate, the lowest round trip. */
function bestClientRun(runs: Row[]): Row {
  const best: Row = {};
  for (const key of KEYS) best[key] = bestRun(runs, key)?.[key] ?? runs.at(-1)?.[key];
  const trips = runs.map((run) => run.rtt as { p50?: number; p99?: number } | undefined).filter((t) => t?.p50);
  best.rtt = trips.length === 0 ? undefined : {
    p50: Math.min(...trips.map((t) => t!.p50!)),
    p99: Math.min(...trips.map((t) => t!.p99!)),
  };
  return best;
}
type Cpu = { server: number; client: number; machine: number };
const clientRows: Array<{ runtime: string; results: Record<string, Row> }> = [];
const serverRows: Array<{ server: string; runs: Row[]; result: Row; memories: number[]; memory?: number }> = [];

// Every server can be told to collect its garbage (SIGUSR2) before its memory is read.
const GC = "./scripts/bench/gc_on_signal.mjs";
const SERVER_RUNTIMES: Record<string, string[]> = {
  deno: [...RUNTIMES.deno, "--v8-flags=--expose-gc", "--preload", GC],
  bun: [...RUNTIMES.bun, "--preload", GC],
  node: [...RUNTIMES.node, "--expose-gc", "--import", GC],
};
const SERVERS: Array<[string, string[], string]> = [
  ["wasmws on deno", SERVER_RUNTIMES.deno, "examples/echo_server.ts"],
  ["wasmws on bun", SERVER_RUNTIMES.bun, "examples/echo_server.ts"],
  ["wasmws on node", SERVER_RUNTIMES.node, "examples/echo_server.ts"],
  ["ws (node)", SERVER_RUNTIMES.node, "scripts/bench/echo_servers/ws_server.mjs"],
  ["Deno.serve", SERVER_RUNTIMES.deno, "scripts/bench/echo_servers/deno_server.ts"],
  ["Bun.serve", SERVER_RUNTIMES.bun, "scripts/bench/echo_servers/bun_server.ts"],
];
const KEYS = ["msgs16", "msgs1k", "mbps64k", "mbps1m"];
// With 1,000 the garbage a collector had or had not yet freed moved a Node
// server's figure by ±2 KiB from run to run; 4,000 keeps it within a few percent.
const IDLE_CONNECTIONS = 4000;

try {
  // 1. Clients on each runtime against one ws echo server (Node).
  {
    const server = await startServer([NODE], "scripts/bench/echo_servers/ws_server.mjs");
    try {
      // Rounds as for the servers: one client run is 1.5 s per case, and a
      // burst of outside load in it moved a ratio by 20%.
      const runs = new Map<string, Row[]>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const [runtime, command] of Object.entries(RUNTIMES)) {
          for (const impl of ["ours", "native", "ws"]) {
            console.error(`client ${impl} on ${runtime}, round ${round + 1} of ${ROUNDS}…`);
            await waitForQuiet();
            const key = `${runtime} ${impl}`;
            runs.set(key, [...runs.get(key) ?? [], await runClient(command, impl, server.url)]);
          }
        }
      }
      for (const runtime of Object.keys(RUNTIMES)) {
        const results: Record<string, Row> = {};
        for (const impl of ["ours", "native", "ws"]) results[impl] = bestClientRun(runs.get(`${runtime} ${impl}`)!);
        clientRows.push({ runtime, results });
      }
    } finally {
      await stop(server);
    }
  }

  // 2. Servers, all driven by the load generator, plus idle memory. Rounds go
  // over all servers in turn, so a burst of outside load hits one run of a
  // server rather than all of them.
  for (const [name] of SERVERS) serverRows.push({ server: name, runs: [], result: {}, memories: [] });
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, [name, command, script]] of SERVERS.entries()) {
      console.error(`server ${name}, round ${round + 1} of ${ROUNDS}…`);
      const row = serverRows[index];
      const server = await startServer(command, script);
      try {
        // Memory first, on a fresh process: what a throughput run leaves behind is not the connections' cost.
        const memory = await idleMemory(server, 100, quick ? 100 : IDLE_CONNECTIONS).catch(() => undefined);
        if (memory !== undefined) row.memories.push(memory);
        row.runs.push(await runLoad(server));
      } finally {
        await stop(server);
      }
    }
  }
} finally {
  killAll();
}

// Outside load only ever slows a run down, so the best round is the least disturbed one.
for (const row of serverRows) {
  for (const key of KEYS) row.result[key] = bestRun(row.runs, key)?.[key] ?? row.runs.at(-1)?.[key];
  // RSS growth moves both ways (the allocator's timing), so the mean, not the best.
  if (row.memories.length > 0) row.memory = row.memories.reduce((a, b) => a + b) / row.memories.length;
}

const num = (value: unknown, digits = 0) =>
  typeof value === "number" ? value.toLocaleString("en-US", { maximumFractionDigits: digits }) : "error";
const ratio = (a: unknown, b: unknown) =>
  typeof a === "number" && typeof b === "number" ? `${(a / b).toFixed(2)}×` : "–";
const rtt = (value: unknown, key: "p50" | "p99") => (value as { p50?: number; p99?: number })?.[key];
const METRICS: Array<[string, string, (row: Row) => unknown]> = [
  ["msgs16", "16 B msgs/s", (row) => row.msgs16],
  ["msgs1k", "1 KiB msgs/s", (row) => row.msgs1k],
  ["mbps64k", "64 KiB MB/s", (row) => row.mbps64k],
  ["mbps1m", "1 MiB MB/s", (row) => row.mbps1m],
];
const version = async (command: string[], flag: string[]) =>
  new TextDecoder().decode((await new Deno.Command(command[0], { args: flag, stdout: "piped" }).output()).stdout).split(
    "\n",
  )[0].trim();
const cpu = (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.*)/)?.[1] ?? "?";
const lines: string[] = [];
lines.push(
  `Measured ${
    new Date().toISOString().slice(0, 10)
  } on ${cpu} (${navigator.hardwareConcurrency} cores), loopback, each client and server its own process; ` +
    `${await version([bin("deno")], ["--version"])}, bun ${await version([bin("bun")], [
      "--version",
    ])}, node ${await version([NODE], ["--version"])}. Binary messages; ${
      quick ? "QUICK run (not for comparison)" : "1.5 s per case after 0.3 s warm-up"
    }.`,
);
lines.push("", "### Clients against a `ws` echo server (Node 24)", "");
lines.push(
  "One connection; msgs/s with 64 in flight, MB/s with 8 (64 KiB) or 4 (1 MiB) in flight." +
    (ROUNDS > 1
      ? ` Each figure is the best of ${ROUNDS} rounds (every client in turn, each after waiting for the machine to go idle).`
      : ""),
  "",
  "| runtime | metric | wasmws | native | ws client | wasmws ÷ native | wasmws ÷ ws |",
  "|---|---|---:|---:|---:|---:|---:|",
);
for (const { runtime, results } of clientRows) {
  for (const [, label, pick] of METRICS) {
    const [ours, native, ws] = ["ours", "native", "ws"].map((impl) => pick(results[impl]));
    lines.push(
      `| ${runtime} | ${label} | ${num(ours)} | ${num(native)} | ${num(ws)} | ${ratio(ours, native)} | ${
        ratio(ours, ws)
      } |`,
    );
  }
  for (const key of ["p50", "p99"] as const) {
    const [ours, native, ws] = ["ours", "native", "ws"].map((impl) => rtt(results[impl].rtt, key));
    lines.push(
      `| ${runtime} | round trip ${key} (µs, lower is better) | ${num(ours)} | ${num(native)} | ${num(ws)} | ${
        ratio(native, ours)
      } | ${ratio(ws, ours)} |`,
    );
  }
}
const config = serverRows.flatMap((row) => row.runs).find((run) => run.config)?.config as
  | Record<string, string>
  | undefined;
const shape = METRICS.map(([key, label]) => `${label.split(" ").slice(0, 2).join(" ")}: ${config?.[key] ?? "?"}`)
  .join(", ");
lines.push("", "### Servers, driven by a raw-socket load generator (Node 24)", "");
lines.push(
  "A WebSocket client library spends about as much CPU per message as a server does, so with one `ws` client " +
    "driving them on 2 cores the client set the pace (a profile showed the wasmws Node server 64% idle at 1 KiB) " +
    "and these rows measured mostly the client. The servers are driven instead by `scripts/bench/load_client.ts` " +
    "on Node 24: raw `node:net` sockets and its own handshake (the 101 and the accept key checked), frames encoded " +
    "and masked once and written a batch per write, echoes counted from the byte count and compared byte for byte " +
    'with what the server must send back (a server that corrupts, fragments or duplicates anything gets "error"). ' +
    `Connections × messages in flight per connection / refill batch: ${shape}. ` +
    (ROUNDS > 1
      ? `Each figure is the best of ${ROUNDS} rounds (a fresh server process each, taken in turn over all servers, ` +
        "each after waiting up to a minute for the machine to go idle); in brackets how much lower the worst round was. "
      : "") +
    "The CPU table below shows whether the server, not the generator, was the bottleneck.",
  "",
);
lines.push(
  `| server | ${
    METRICS.map(([, label]) => label).join(" | ")
  } | idle memory per connection (KiB, RSS growth from 100 to ${
    quick ? 200 : 100 + IDLE_CONNECTIONS
  } connections, each reading after a full GC, mean of the rounds) |`,
);
lines.push(`|---|${METRICS.map(() => "---:").join("|")}|---:|`);
const spread = (runs: Row[], key: string) => {
  const values = runs.map((run) => run[key]).filter((value): value is number => typeof value === "number");
  if (values.length < 2) return "";
  return ` (−${((1 - Math.min(...values) / Math.max(...values)) * 100).toFixed(0)}%)`;
};
for (const { server, runs, result, memory } of serverRows) {
  lines.push(
    `| ${server} | ${METRICS.map(([key, , pick]) => num(pick(result)) + spread(runs, key)).join(" | ")} | ${
      memory === undefined ? "error" : num(memory / 1024, 1)
    } |`,
  );
}
lines.push(
  "",
  "CPU during the timed window of the run shown above, in % of one core: server / generator / everything else " +
    "(from /proc: the server's utime + stime, the generator's own `process.cpuUsage()`, the machine's busy time).",
  "",
  `| server | ${METRICS.map(([, label]) => label.split(" ").slice(0, 2).join(" ")).join(" | ")} |`,
  `|---|${METRICS.map(() => "---:").join("|")}|`,
);
const percent = (value: number) => (value * 100).toFixed(0);
for (const { server, runs } of serverRows) {
  const cells = METRICS.map(([key]) => {
    const usage = (bestRun(runs, key)?.cpu as Record<string, Cpu> | undefined)?.[key];
    if (!usage) return "–";
    const others = Math.max(0, usage.machine - usage.server - usage.client);
    return `${percent(usage.server)} / ${percent(usage.client)} / ${percent(others)}`;
  });
  lines.push(`| ${server} | ${cells.join(" | ")} |`);
}
const find = (name: string) => serverRows.find((row) => row.server === name);
lines.push("", "Ratios for the targets:", "");
lines.push("| comparison | " + METRICS.map(([, label]) => label).join(" | ") + " | idle memory (lower is better) |");
lines.push(`|---|${METRICS.map(() => "---:").join("|")}|---:|`);
for (
  const [ours, peer] of [["wasmws on node", "ws (node)"], ["wasmws on deno", "Deno.serve"], [
    "wasmws on bun",
    "Bun.serve",
  ]]
) {
  const a = find(ours), b = find(peer);
  if (!a || !b) continue;
  lines.push(
    `| ${ours} ÷ ${peer} | ${METRICS.map(([, , pick]) => ratio(pick(a.result), pick(b.result))).join(" | ")} | ${
      ratio(a.memory, b.memory)
    } |`,
  );
}

const file = `${root}BENCHMARKS.md`;
const begin = "<!-- echo:start -->";
const end = "<!-- echo:end -->";
let text = await Deno.readTextFile(file).catch(() => "# Benchmarks\n");
const block = `${begin}\n${lines.join("\n")}\n${end}`;
text = text.includes(begin)
  ? text.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), block)
  : `${text.trimEnd()}\n\n## Echo (\`npm run bench:echo\`)\n\n${block}\n`;
await Deno.writeTextFile(file, text);
console.log(lines.join("\n"));
