// `npm run bench:echo` (deno run -A scripts/bench/echo.ts [--quick]): clients
// and servers in separate processes on 127.0.0.1, all measured in one run,
// written into BENCHMARKS.md between the echo markers.
const root = decodeURIComponent(new URL("../..", import.meta.url).pathname);
const quick = Deno.args.includes("--quick");
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

async function startServer(command: string[], script: string): Promise<Proc> {
  const child = new Deno.Command(command[0], {
    args: [...command.slice(1), script],
    cwd: root,
    env: { PORT: "0", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + 15_000;
  while (!/listening on (ws:\/\/\S+)/.test(text)) {
    if (Date.now() > deadline) throw new Error(`Cannot start ${script}: no "listening on" line`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`Cannot start ${script}: it exited`);
    text += value;
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  return { child, pid: child.pid, url: text.match(/listening on (ws:\/\/\S+)/)![1] };
}

function stop(proc: Proc): Promise<void> {
  try {
    proc.child.kill("SIGKILL");
  } catch {
    // Already gone.
  }
  return proc.child.status.then(() => {});
}

async function runClient(command: string[], impl: string, url: string): Promise<Record<string, unknown>> {
  const args = [...command.slice(1), "scripts/bench/echo_client.ts", impl, url, ...(quick ? ["--quick"] : [])];
  const child = new Deno.Command(command[0], {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
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
  const client = new Deno.Command(NODE, {
    args: ["scripts/bench/idle_client.ts", url, String(count)],
    cwd: root,
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = client.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("open ")) {
    const { value, done } = await reader.read();
    if (done) break;
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
 * first-connection caches) cancel out.
 */
async function idleMemory(proc: Proc, base: number, count: number): Promise<number> {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));
  const stopBase = await idleClients(proc.url, base);
  await settle();
  const before = await rss(proc.pid);
  const stopMore = await idleClients(proc.url, count);
  await settle();
  const after = await rss(proc.pid);
  await Promise.all([stopBase(), stopMore()]);
  return (after - before) / count;
}

type Row = Record<string, unknown>;
const clientRows: Array<{ runtime: string; results: Record<string, Row> }> = [];
const serverRows: Array<{ server: string; result: Row; memory?: number }> = [];

// 1. Clients on each runtime against one ws echo server (Node).
{
  const server = await startServer([NODE], "scripts/bench/echo_servers/ws_server.mjs");
  try {
    for (const [runtime, command] of Object.entries(RUNTIMES)) {
      const results: Record<string, Row> = {};
      for (const impl of ["ours", "native", "ws"]) {
        console.error(`client ${impl} on ${runtime}…`);
        results[impl] = await runClient(command, impl, server.url);
      }
      clientRows.push({ runtime, results });
    }
  } finally {
    await stop(server);
  }
}

// 2. Servers, all driven by the same client (ws on Node), plus idle memory.
const SERVERS: Array<[string, string[], string]> = [
  ["wasmws on deno", RUNTIMES.deno, "examples/echo_server.ts"],
  ["wasmws on bun", RUNTIMES.bun, "examples/echo_server.ts"],
  ["wasmws on node", RUNTIMES.node, "examples/echo_server.ts"],
  ["ws (node)", RUNTIMES.node, "scripts/bench/echo_servers/ws_server.mjs"],
  ["Deno.serve", RUNTIMES.deno, "scripts/bench/echo_servers/deno_server.ts"],
  ["Bun.serve", RUNTIMES.bun, "scripts/bench/echo_servers/bun_server.ts"],
];
for (const [name, command, script] of SERVERS) {
  console.error(`server ${name}…`);
  const server = await startServer(command, script);
  try {
    // Memory first, on a fresh process: what a throughput run leaves behind is not the connections' cost.
    const memory = await idleMemory(server, 100, quick ? 100 : 1000).catch(() => undefined);
    const result = await runClient(RUNTIMES.node, "ws", server.url);
    serverRows.push({ server: name, result, memory });
  } finally {
    await stop(server);
  }
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
    ])}, node ${await version([NODE], ["--version"])}. ` +
    `Binary messages; msgs/s with 64 in flight, MB/s with 8 (64 KiB) or 4 (1 MiB) in flight; ${
      quick ? "QUICK run (not for comparison)" : "1.5 s per case after 0.3 s warm-up"
    }.`,
);
lines.push("", "### Clients against a `ws` echo server (Node 24)", "");
lines.push(
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
lines.push("", "### Servers, driven by the same client (`ws` on Node 24)", "");
lines.push(
  `| server | ${
    METRICS.map(([, label]) => label).join(" | ")
  } | idle memory per connection (KiB, RSS growth from 100 to ${quick ? 200 : 1100} connections) |`,
);
lines.push(`|---|${METRICS.map(() => "---:").join("|")}|---:|`);
for (const { server, result, memory } of serverRows) {
  lines.push(
    `| ${server} | ${METRICS.map(([, , pick]) => num(pick(result))).join(" | ")} | ${
      memory === undefined ? "error" : num(memory / 1024, 1)
    } |`,
  );
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
