// Test helper, not a test: records each interop pair's case results so
// scripts/interop_matrix.mjs can write INTEROP.md once every runtime ran.
// Only `npm test` sets WASMWS_INTEROP_DIR; a test run by hand records nothing.
import { appendFileSync, mkdirSync } from "node:fs";
import process from "node:process";

/** The runtime running this test: deno, bun, or node<major>. */
export function runtimeLabel(): string {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno !== undefined) return "deno";
  if (g.Bun !== undefined) return "bun";
  return `node${process.versions.node.split(".")[0]}`;
}

/** Which INTEROP.md table a pair belongs to, and what its rows show beside the cells. */
export interface CellsTable {
  /** The table's name; the first table (RFC 6455 cases) when absent. */
  table?: string;
  /** Each connection's Sec-WebSocket-Extensions, offered and answered, in the order the cases made them. */
  agreed?: Array<{ offer: string; answer: string }>;
}

/** Record one pair's results (true, "n/a: …", or what failed) for this runtime. */
export function recordCells(pair: string, results: Record<string, true | string>, table: CellsTable = {}): void {
  const dir = process.env.WASMWS_INTEROP_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const line = JSON.stringify({ runtime: runtimeLabel(), pair, results, ...table });
  appendFileSync(`${dir}/${runtimeLabel()}.jsonl`, line + "\n");
}

/** What a passing pair looks like: every case true, except the ones it cannot express. */
export function allPassed(results: Record<string, true | string>): Record<string, true | string> {
  return Object.fromEntries(
    Object.entries(results).map(([name, value]) => [name, value === true || value.startsWith("n/a") ? value : true]),
  );
}
