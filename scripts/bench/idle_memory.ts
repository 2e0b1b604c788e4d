// Memory per idle server connection, alone (the figure scripts/bench/echo.ts
// takes beside its throughput runs), for re-running it while working on it:
//   deno run -A scripts/bench/idle_memory.ts [--count N] [--rounds N] [--only SUBSTRING]... [--baseline DIR] [--reduce]
// Each server starts in a fresh process (pinned to core 0; the clients, ws on
// Node 24, run on their own), gets 100 idle connections, a full GC (SIGUSR2,
// gc_on_signal.mjs) and an RSS reading, then `count` more (default 10,000),
// another GC and reading: the growth ÷ count, in KiB. Rounds go over all
// servers in turn; the median of the rounds is printed with its spread, and
// the servers of each runtime as a ratio of that runtime's reference server
// (the first one measured: with --only leaving it out, the first one left).
// --baseline DIR measures wasmws's servers a second time from another tree
// (e.g. a `git archive` of main with node_modules linked): before and after
// in the same run. --reduce has V8 servers (Node, Deno) collect as before
// giving up on memory (GC_FLAVOR=last-resort, see gc_on_signal.mjs): the young
// generation's pages are released, so the figure is what connections keep,
// without the ±1.5 KiB that the young generation's size adds at random.
import { bin, idleMemory, killAll, NODE, onCore, type Proc, startServer, stop } from "./_processes.ts";

const arg = (name: string, fallback: number): number =>
  Deno.args.includes(name) ? Number(Deno.args[Deno.args.indexOf(name) + 1]) : fallback;
const COUNT = arg("--count", 10_000);
const ROUNDS = arg("--rounds", 3);
const BASE = 100;
const REDUCE = Deno.args.includes("--reduce");
const only = Deno.args.flatMap((value, i) => Deno.args[i - 1] === "--only" ? [value] : []);

const GC = "./scripts/bench/gc_on_signal.mjs";
const RUNTIMES: Record<string, string[]> = {
  deno: [bin("deno"), "run", "-A", "--v8-flags=--expose-gc", "--preload", GC],
  bun: [bin("bun"), "--preload", GC],
  node: [NODE, "--expose-gc", "--import", GC],
};
const EVENTS = "examples/echo_server.ts";
const HANDLERS = "scripts/bench/echo_servers/wasmws_handlers.ts";
// Per runtime: the reference server first, then ours.
const SERVERS: Array<{ name: string; runtime: string; script: string }> = [
  { name: "ws", runtime: "node", script: "scripts/bench/echo_servers/ws_server.mjs" },
  { name: "wasmws events", runtime: "node", script: EVENTS },
  { name: "wasmws handlers", runtime: "node", script: HANDLERS },
  { name: "Bun.serve", runtime: "bun", script: "scripts/bench/echo_servers/bun_server.ts" },
  { name: "wasmws events", runtime: "bun", script: EVENTS },
  { name: "wasmws handlers", runtime: "bun", script: HANDLERS },
  { name: "Deno.serve", runtime: "deno", script: "scripts/bench/echo_servers/deno_server.ts" },
  { name: "wasmws events", runtime: "deno", script: EVENTS },
  { name: "wasmws handlers", runtime: "deno", script: HANDLERS },
].filter(({ name, runtime }) => only.length === 0 || only.some((part) => `${name} on ${runtime}`.includes(part)));
const baseline = Deno.args.includes("--baseline") ? Deno.args[Deno.args.indexOf("--baseline") + 1] : undefined;
if (baseline !== undefined) {
  for (const server of [...SERVERS]) {
    if (!server.name.startsWith("wasmws")) continue;
    const before = { ...server, name: `${server.name} before`, script: `${baseline}/${server.script}` };
    SERVERS.splice(SERVERS.indexOf(server), 0, before);
  }
}

/** KiB per connection: RSS growth from BASE to BASE + count idle connections, each read after a full GC. */
async function idleKiB(proc: Proc, count: number): Promise<number> {
  return await idleMemory(proc, BASE, count) / 1024;
}

const readings = SERVERS.map(() => [] as number[]);
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, { name, runtime, script }] of SERVERS.entries()) {
      console.error(`${name} on ${runtime}, round ${round + 1} of ${ROUNDS}…`);
      const server = await startServer(
        onCore(0, RUNTIMES[runtime]),
        script,
        REDUCE ? { GC_FLAVOR: "last-resort" } : {},
      );
      try {
        readings[index].push(await idleKiB(server, COUNT));
      } finally {
        await stop(server);
      }
    }
  }
} finally {
  killAll();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const references = new Map<string, number>();
console.log(
  `KiB per idle connection, ${BASE} → ${BASE + COUNT} connections, median of ${ROUNDS} (min–max)` +
    `${REDUCE ? ", V8 servers read after a memory-reducing GC" : ""}:`,
);
for (const [index, { name, runtime }] of SERVERS.entries()) {
  const values = readings[index];
  const kib = median(values);
  if (!references.has(runtime)) references.set(runtime, kib);
  const ratio = kib / references.get(runtime)!;
  console.log(
    `  ${`${name} (${runtime})`.padEnd(33)} ${kib.toFixed(2).padStart(6)}  ` +
      `(${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})  ${ratio.toFixed(2)}×`,
  );
}
