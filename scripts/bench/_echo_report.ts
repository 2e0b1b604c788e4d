// The tables of the echo benchmark (scripts/bench/echo.ts): every figure is the
// median of its rounds, with the spread (max − min, in % of the median) beside it.

/** One run's JSON line: a number per metric key, or `{ error }`. */
export type Row = Record<string, unknown>;

/** The four measured cases: key, label. */
export const METRICS: Array<[string, string]> = [
  ["msgs16", "16 B msgs/s"],
  ["msgs1k", "1 KiB msgs/s"],
  ["mbps64k", "64 KiB MB/s"],
  ["mbps1m", "1 MiB MB/s"],
];

function numbers(runs: Row[], key: string): number[] {
  return runs.map((run) => run[key]).filter((value): value is number => typeof value === "number");
}

/** The median of `key` over the runs that have it. */
export function median(runs: Row[], key: string): number | undefined {
  const values = numbers(runs, key).sort((a, b) => a - b);
  if (values.length === 0) return undefined;
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

/** Median of plain numbers (e.g. memory readings). */
export function medianOf(values: number[]): number | undefined {
  return median(values.map((value) => ({ value })), "value");
}

/** `1,234` with `digits` decimals, or "error". */
export const num = (value: unknown, digits = 0): string =>
  typeof value === "number" ? value.toLocaleString("en-US", { maximumFractionDigits: digits }) : "error";

/** `a ÷ b` as `1.23×`, or "–". */
export const ratio = (a: unknown, b: unknown): string =>
  typeof a === "number" && typeof b === "number" ? `${(a / b).toFixed(2)}×` : "–";

/** The median of `key` and, over two runs or more, its spread: `1,234 ±5%`. */
export function cell(runs: Row[], key: string): string {
  const mid = median(runs, key);
  const values = numbers(runs, key);
  if (mid === undefined) {
    const error = runs.map((run) => run[key]).find((value) => typeof value === "object");
    return error ? "error" : "–";
  }
  if (values.length < 2) return num(mid);
  return `${num(mid)} ±${((Math.max(...values) - Math.min(...values)) / mid * 50).toFixed(0)}%`;
}

/** A round-trip percentile's median over runs (`rtt: { p50, p99 }` in each run). */
export function rttMedian(runs: Row[], key: "p50" | "p99"): number | undefined {
  return median(runs.map((run) => ({ value: (run.rtt as Record<string, number> | undefined)?.[key] })), "value");
}

/** Client tables: one per echo server they ran against. */
export function clientTables(
  target: string,
  rounds: number,
  results: Array<{ runtime: string; runs: Record<string, Row[]> }>,
): string[] {
  const lines = [
    "",
    `### Clients against a ${target} echo server`,
    "",
    `One connection; msgs/s with 64 in flight, MB/s with 8 (64 KiB) or 4 (1 MiB) in flight. Median of ${rounds} ` +
    "round(s) (every client in turn, each after waiting for the machine to go idle), ± half the spread.",
    "",
    "| runtime | metric | wasmws | native | ws client | wasmws ÷ native | wasmws ÷ ws |",
    "|---|---|---:|---:|---:|---:|---:|",
  ];
  for (const { runtime, runs } of results) {
    for (const [key, label] of METRICS) {
      const [ours, native, ws] = ["ours", "native", "ws"].map((impl) => median(runs[impl], key));
      const cells = ["ours", "native", "ws"].map((impl) => cell(runs[impl], key));
      lines.push(`| ${runtime} | ${label} | ${cells.join(" | ")} | ${ratio(ours, native)} | ${ratio(ours, ws)} |`);
    }
    for (const key of ["p50", "p99"] as const) {
      const [ours, native, ws] = ["ours", "native", "ws"].map((impl) => rttMedian(runs[impl], key));
      lines.push(
        `| ${runtime} | round trip ${key} (µs, lower is better) | ${num(ours)} | ${num(native)} | ${num(ws)} | ` +
          `${ratio(native, ours)} | ${ratio(ws, ours)} |`,
      );
    }
  }
  return lines;
}

/** A server's runs, idle-memory readings (bytes per connection) and whether it is a raw TCP limit. */
export interface ServerResult {
  server: string;
  runs: Row[];
  memories: number[];
  raw: boolean;
}

type Cpu = { server: number; client: number; machine: number };

/** The server tables: throughput, CPU split, and the ratios the targets name. */
export function serverTables(results: ServerResult[], idleConnections: number): string[] {
  const lines = [
    `| server | ${METRICS.map(([, label]) => label).join(" | ")} | idle memory per connection (KiB, RSS growth ` +
    `from 100 to ${100 + idleConnections} connections, each reading after a full GC, median of the rounds) |`,
    `|---|${METRICS.map(() => "---:").join("|")}|---:|`,
  ];
  for (const { server, runs, memories, raw } of results) {
    const memory = medianOf(memories);
    const shown = raw ? "–" : memory === undefined ? "error" : num(memory / 1024, 1);
    lines.push(`| ${server} | ${METRICS.map(([key]) => cell(runs, key)).join(" | ")} | ${shown} |`);
  }
  lines.push(
    "",
    "CPU during the timed window of the median run, in % of one core: server / generator / everything else " +
      "(from /proc: the server's utime + stime, the generator's own `process.cpuUsage()`, the machine's busy time).",
    "",
    `| server | ${METRICS.map(([, label]) => label.split(" ").slice(0, 2).join(" ")).join(" | ")} |`,
    `|---|${METRICS.map(() => "---:").join("|")}|`,
  );
  const percent = (value: number) => (value * 100).toFixed(0);
  for (const { server, runs } of results) {
    const cells = METRICS.map(([key]) => {
      const mid = median(runs, key);
      const run = runs.find((candidate) => candidate[key] === mid) ??
        runs.filter((candidate) => typeof candidate[key] === "number")[0];
      const usage = (run?.cpu as Record<string, Cpu> | undefined)?.[key];
      if (!usage) return "–";
      const others = Math.max(0, usage.machine - usage.server - usage.client);
      return `${percent(usage.server)} / ${percent(usage.client)} / ${percent(others)}`;
    });
    lines.push(`| ${server} | ${cells.join(" | ")} |`);
  }
  const find = (name: string) => results.find((result) => result.server === name);
  lines.push(
    "",
    "Ratios for the targets (medians):",
    "",
    "| comparison | " + METRICS.map(([, label]) => label).join(" | ") + " | idle memory (lower is better) |",
    `|---|${METRICS.map(() => "---:").join("|")}|---:|`,
  );
  for (
    const [ours, peer] of [
      ["wasmws on node", "ws (node)"],
      ["wasmws on deno", "Deno.serve"],
      ["wasmws on bun", "Bun.serve"],
      ["wasmws handlers on node", "ws (node)"],
      ["wasmws handlers on deno", "Deno.serve"],
      ["wasmws handlers on bun", "Bun.serve"],
      ["wasmws handlers on node", "wasmws on node"],
      ["wasmws handlers on deno", "wasmws on deno"],
      ["wasmws handlers on bun", "wasmws on bun"],
      ["wasmws on node", "raw TCP echo (node)"],
      ["wasmws on deno", "raw TCP echo (deno)"],
      ["wasmws on bun", "raw TCP echo (bun)"],
    ]
  ) {
    const a = find(ours), b = find(peer);
    if (!a || !b) continue;
    const memory = b.raw ? "–" : ratio(medianOf(a.memories), medianOf(b.memories));
    lines.push(
      `| ${ours} ÷ ${peer} | ${
        METRICS.map(([key]) => ratio(median(a.runs, key), median(b.runs, key))).join(" | ")
      } | ` +
        `${memory} |`,
    );
  }
  return lines;
}
