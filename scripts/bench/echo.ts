// `npm run bench:echo` (deno run -A scripts/bench/echo.ts [--quick] [--rounds N] [--memory-rounds N] [--no-pin]
// [--no-deflate]): clients and servers in separate processes on 127.0.0.1, all measured in one
// run, written into BENCHMARKS.md between the echo markers. With --no-deflate the deflate
// section of the last run that had one is kept, marked as such.
import {
  bin,
  idleMemory,
  killAll,
  NODE,
  onCore,
  pinned,
  root,
  runJson,
  startServer,
  stop,
  waitForQuiet,
} from "./_processes.ts";
import { clientTables, METRICS, type Row, type ServerResult, serverTables } from "./_echo_report.ts";
import { deflateTables } from "./_deflate_echo_report.ts";

const quick = Deno.args.includes("--quick");
// Loopback figures on a shared 2-core machine swing between repetitions (up to
// 3× at 64 KiB and 1 MiB), so every figure is the median of several rounds,
// each server in a fresh process, the rounds taken in turn over all servers.
const numberArg = (name: string, fallback: number) =>
  Deno.args.includes(name) ? Number(Deno.args[Deno.args.indexOf(name) + 1]) : fallback;
const ROUNDS = numberArg("--rounds", quick ? 1 : 5);
// Idle memory varies far less than throughput (within a few percent at 10,000
// connections) and costs a minute per server: by default the first 3 rounds take it.
const MEMORY_ROUNDS = numberArg("--memory-rounds", 3);
const RUNTIMES: Record<string, string[]> = {
  deno: [bin("deno"), "run", "-A"],
  bun: [bin("bun")],
  node: [NODE],
};
// Servers on core 0; whatever drives them (the load generator, a client) on core 1.
const SERVER_CORE = 0;
const DRIVER_CORE = 1;

const GC = "./scripts/bench/gc_on_signal.mjs";
const SERVER_RUNTIMES: Record<string, string[]> = {
  deno: [...RUNTIMES.deno, "--v8-flags=--expose-gc", "--preload", GC],
  bun: [...RUNTIMES.bun, "--preload", GC],
  node: [...RUNTIMES.node, "--expose-gc", "--import", GC],
};
const TCP = "scripts/bench/echo_servers/tcp_echo.ts";
// serve() with a handler object (no MessageEvent per message), beside the events-based example.
const HANDLERS = "scripts/bench/echo_servers/wasmws_handlers.ts";
const SERVERS: Array<{ name: string; command: string[]; script: string; raw?: boolean }> = [
  { name: "wasmws on deno", command: SERVER_RUNTIMES.deno, script: "examples/echo_server.ts" },
  { name: "wasmws on bun", command: SERVER_RUNTIMES.bun, script: "examples/echo_server.ts" },
  { name: "wasmws on node", command: SERVER_RUNTIMES.node, script: "examples/echo_server.ts" },
  { name: "wasmws handlers on deno", command: SERVER_RUNTIMES.deno, script: HANDLERS },
  { name: "wasmws handlers on bun", command: SERVER_RUNTIMES.bun, script: HANDLERS },
  { name: "wasmws handlers on node", command: SERVER_RUNTIMES.node, script: HANDLERS },
  { name: "ws (node)", command: SERVER_RUNTIMES.node, script: "scripts/bench/echo_servers/ws_server.mjs" },
  { name: "Deno.serve", command: SERVER_RUNTIMES.deno, script: "scripts/bench/echo_servers/deno_server.ts" },
  { name: "Bun.serve", command: SERVER_RUNTIMES.bun, script: "scripts/bench/echo_servers/bun_server.ts" },
  { name: "raw TCP echo (deno)", command: RUNTIMES.deno, script: TCP, raw: true },
  { name: "raw TCP echo (bun)", command: RUNTIMES.bun, script: TCP, raw: true },
  { name: "raw TCP echo (node)", command: RUNTIMES.node, script: TCP, raw: true },
];
// With 1,000 the garbage a collector had or had not yet freed moved a Node
// server's figure by ±2 KiB from run to run; 4,000 kept it within a few percent.
// 10,000 is the scale the targets are set at (a chat server's evening).
const IDLE_CONNECTIONS = 10_000;
// Clients run against the ws server (what most deployments talk to) and
// against Bun.serve, the fastest echo here, so the server is not the ceiling.
const CLIENT_TARGETS: Array<[string, string[], string]> = [
  ["`ws` (Node 24)", [NODE], "scripts/bench/echo_servers/ws_server.mjs"],
  ["Bun.serve", [bin("bun")], "scripts/bench/echo_servers/bun_server.ts"],
];

const clientResults: Array<{ target: string; results: Array<{ runtime: string; runs: Record<string, Row[]> }> }> = [];
const deflateRuns: Record<string, Row[]> = {};
const serverResults: ServerResult[] = SERVERS.map(({ name, raw }) => ({
  server: name,
  runs: [],
  memories: [],
  raw: raw ?? false,
}));

try {
  for (const [target, command, script] of CLIENT_TARGETS) {
    const server = await startServer(onCore(SERVER_CORE, command), script);
    try {
      const runs = new Map<string, Row[]>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const [runtime, client] of Object.entries(RUNTIMES)) {
          for (const impl of ["ours", "native", "ws"]) {
            console.error(`client ${impl} on ${runtime} against ${target}, round ${round + 1} of ${ROUNDS}…`);
            await waitForQuiet(quick);
            const args = ["scripts/bench/echo_client.ts", impl, server.url, ...(quick ? ["--quick"] : [])];
            const key = `${runtime} ${impl}`;
            runs.set(key, [...runs.get(key) ?? [], await runJson(onCore(DRIVER_CORE, client), args, 60_000)]);
          }
        }
      }
      clientResults.push({
        target,
        results: Object.keys(RUNTIMES).map((runtime) => ({
          runtime,
          runs: Object.fromEntries(["ours", "native", "ws"].map((impl) => [impl, runs.get(`${runtime} ${impl}`)!])),
        })),
      });
    } finally {
      await stop(server);
    }
  }

  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, { name, command, script, raw }] of SERVERS.entries()) {
      console.error(`server ${name}, round ${round + 1} of ${ROUNDS}…`);
      const result = serverResults[index];
      const server = await startServer(onCore(SERVER_CORE, command), script);
      try {
        // Memory first, on a fresh process: what a throughput run leaves behind is not the connections' cost.
        // Three readings make a median; later rounds measure throughput only.
        if (!raw && round < MEMORY_ROUNDS) {
          const memory = await idleMemory(server, 100, quick ? 100 : IDLE_CONNECTIONS).catch(() => undefined);
          if (memory !== undefined) result.memories.push(memory);
        }
        await waitForQuiet(quick);
        const args = [
          "scripts/bench/load_client.ts",
          server.url,
          "--server-pid",
          String(server.pid),
          ...(quick ? ["--quick"] : []),
          ...(raw ? ["--raw"] : []),
        ];
        result.runs.push(await runJson(onCore(DRIVER_CORE, [NODE]), args, 90_000));
      } finally {
        await stop(server);
      }
    }
  }
  // permessage-deflate: client and server of each library in one process, on the servers' core.
  if (!Deno.args.includes("--no-deflate")) {
    for (let round = 0; round < ROUNDS; round++) {
      for (const runtime of Object.keys(RUNTIMES)) {
        console.error(`deflate echo on ${runtime}, round ${round + 1} of ${ROUNDS}…`);
        await waitForQuiet(quick);
        const args = ["scripts/bench/deflate_echo.ts", ...(quick ? ["--quick"] : [])];
        (deflateRuns[runtime] ??= []).push(await runJson(onCore(SERVER_CORE, RUNTIMES[runtime]), args, 180_000));
      }
    }
  }
} finally {
  killAll();
}

const version = async (command: string[], flag: string[]) =>
  new TextDecoder().decode((await new Deno.Command(command[0], { args: flag, stdout: "piped" }).output()).stdout)
    .split("\n")[0].trim();
const cpu = (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.*)/)?.[1] ?? "?";
const config = serverResults.flatMap((result) => result.runs).find((run) => run.config)?.config as
  | Record<string, string>
  | undefined;
const shape = METRICS.map(([key, label]) => `${label.split(" ").slice(0, 2).join(" ")}: ${config?.[key] ?? "?"}`)
  .join(", ");
const lines = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu} (${navigator.hardwareConcurrency} cores), loopback, ` +
  `each client and server its own process${pinned ? ", servers pinned to core 0 and their drivers to core 1" : ""}; ` +
  `${await version([bin("deno")], ["--version"])}, bun ${await version([bin("bun")], ["--version"])}, ` +
  `node ${await version([NODE], ["--version"])}. Binary messages; ${
    quick ? "QUICK run (not for comparison)" : "1.5 s per case after 0.3 s warm-up"
  }; ${ROUNDS} round(s).`,
  ...clientResults.flatMap(({ target, results }) => clientTables(target, ROUNDS, results)),
  "",
  "### Servers, driven by a raw-socket load generator (Node 24)",
  "",
  "A WebSocket client library spends about as much CPU per message as a server does, so the servers are driven by " +
  "`scripts/bench/load_client.ts` on Node 24: raw `node:net` sockets and its own handshake (the 101 and the accept " +
  "key checked), frames encoded and masked once and written a batch per write, echoes compared byte for byte with " +
  'what the server must send back (a server that corrupts, fragments or duplicates anything gets "error"). ' +
  `Connections × messages in flight per connection / refill batch: ${shape}. Median of ${ROUNDS} round(s), ` +
  "± half the spread. The raw TCP echo rows are each runtime's own socket API sending every byte back as it came " +
  "(`scripts/bench/echo_servers/tcp_echo.ts`, checked with `--raw`): the most a server on that runtime can do here.",
  "",
  ...serverTables(serverResults, quick ? 100 : IDLE_CONNECTIONS),
];

const file = `${root}BENCHMARKS.md`;
const begin = "<!-- echo:start -->";
const end = "<!-- echo:end -->";
let text = await Deno.readTextFile(file).catch(() => "# Benchmarks\n");
lines.push(...(Object.keys(deflateRuns).length > 0 ? deflateTables(deflateRuns, ROUNDS, pinned) : keptDeflate(text)));
const block = `${begin}\n${lines.join("\n")}\n${end}`;
text = text.includes(begin)
  ? text.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), block)
  : `${text.trimEnd()}\n\n## Echo (\`npm run bench:echo\`)\n\n${block}\n`;
await Deno.writeTextFile(file, text);
console.log(lines.join("\n"));

/** The deflate section of the echo block already in `text`, marked as from an earlier run (`--no-deflate`). */
function keptDeflate(text: string): string[] {
  const heading = "### Echo with permessage-deflate";
  const block = text.slice(text.indexOf(begin), text.indexOf(end));
  const at = block.indexOf(heading);
  if (at < 0) return [];
  const section = block.slice(at).trimEnd().split("\n");
  const note = "(Kept from an earlier run of `npm run bench:echo`: this run passed `--no-deflate`.)";
  const kept = section.includes(note) ? section : [section[0], "", note, ...section.slice(1)];
  return ["", ...kept];
}
