// The permessage-deflate rows of `npm run bench:echo`: medians over rounds of
// scripts/bench/deflate_echo.ts (one JSON object of msgs/s per run), per
// runtime, pair and size, and the ratio the issue sets its target on.
import { medianOf, num, type Row } from "./_echo_report.ts";

const SIZES = ["128", "1024", "16384", "262144"];
const OURS = "wasmws client → wasmws server";
const THEIRS = "ws client → ws server";

type Rates = Record<string, Record<string, number>>;

/** One table of median msgs/s (± half the spread), then wasmws ↔ wasmws ÷ ws ↔ ws per runtime and size. */
export function deflateTables(runs: Record<string, Row[]>, rounds: number, pinned: boolean): string[] {
  const lines = [
    "",
    "### Echo with permessage-deflate on both sides (`scripts/bench/deflate_echo.ts`), msgs/s",
    "",
    `Client and server in one process${pinned ? " pinned to one core (ws's zlib threads with it)" : ""}, 16 text ` +
    "messages of realistic JSON in flight, `threshold: 0`, each library's defaults otherwise (ws: context takeover " +
    "both ways, compression on its thread pool; wasmws: synchronous on the calling thread, server without context " +
    `takeover). Median of ${rounds} round(s), ± half the spread. On Bun, \`ws\` is Bun's own native reimplementation.`,
    "",
    "| runtime | pair | 128 B | 1 KiB | 16 KiB | 256 KiB |",
    "|---|---|---:|---:|---:|---:|",
  ];
  const ratios: string[] = [];
  for (const [runtime, rows] of Object.entries(runs)) {
    const rates = rows.map((row) => row.msgsPerSecond as Rates | undefined).filter((r) => r !== undefined);
    if (rates.length === 0) {
      lines.push(`| ${runtime} | error: ${String(rows[0]?.error ?? "no result").slice(0, 80)} | | | | |`);
      continue;
    }
    const at = (pair: string, size: string) => rates.map((r) => r[pair]?.[size]).filter((v) => v !== undefined);
    for (const pair of Object.keys(rates[0])) {
      const cells = SIZES.map((size) => {
        const values = at(pair, size);
        const middle = medianOf(values);
        const spread = values.length > 1 ? ` ±${num((Math.max(...values) - Math.min(...values)) / 2)}` : "";
        return middle === undefined ? "?" : `${num(middle)}${spread}`;
      });
      lines.push(`| ${runtime} | ${pair} | ${cells.join(" | ")} |`);
    }
    const ratio = SIZES.map((size) => {
      const ours = medianOf(at(OURS, size));
      const theirs = medianOf(at(THEIRS, size));
      return ours === undefined || !theirs ? "?" : `${(ours / theirs).toFixed(2)}×`;
    });
    ratios.push(`${runtime} ${ratio.join(", ")}`);
  }
  lines.push(
    "",
    `wasmws ↔ wasmws ÷ ws ↔ ws at 128 B, 1 KiB, 16 KiB, 256 KiB (target ≥ 2× at every size): ${ratios.join("; ")}.`,
  );
  return lines;
}
