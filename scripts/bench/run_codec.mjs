// `npm run bench:codec`: run scripts/bench/codec.ts on Deno, Bun and Node 24
// in one go and write the table into BENCHMARKS.md (between codec markers).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const quick = process.argv.includes("--quick") ? ["--quick"] : [];
const runners = [
  ["deno", join(root, "node_modules/.bin/deno"), ["run", "-A", "scripts/bench/codec.ts", ...quick]],
  ["bun", join(root, "node_modules/.bin/bun"), ["scripts/bench/codec.ts", ...quick]],
  ["node", join(root, "node_modules/node24/bin/node"), ["scripts/bench/codec.ts", ...quick]],
];
const results = runners.map(([name, command, args]) => {
  process.stderr.write(`codec benchmark on ${name}…\n`);
  return JSON.parse(
    execFileSync(command, args, { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } }),
  );
});

const gbs = (v) => v === undefined ? "–" : (v / 1e9).toFixed(2);
const ratio = (a, b) => a === undefined || b === undefined ? "–" : `${(a / b).toFixed(2)}×`;
const size = (n) => n >= 1 << 20 ? `${n >> 20} MiB` : n >= 1024 ? `${n >> 10} KiB` : `${n} B`;
const lines = [];
lines.push(
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? "?"} (${cpus().length} cores); ` +
    results.map((r) => `${r.runtime} ${r.version}`).join(", ") +
    ". GB/s = 10⁹ bytes per second; every figure from the same run.",
);
lines.push("", "### Unmasking in place in WASM memory (GB/s)", "");
lines.push(
  "| size | " + results.map((r) => `${r.runtime}: WASM | ${r.runtime}: JS loop`).join(" | ") +
    " | node: bufferutil | WASM ÷ bufferutil (node) |",
);
lines.push("|---|" + results.map(() => "---:|---:").join("|") + "|---:|---:|");
results[0].unmask.forEach((_, i) => {
  const node = results.find((r) => r.runtime === "node").unmask[i];
  lines.push(
    `| ${size(results[0].unmask[i].size)} | ` + results.map((r) =>
      `${gbs(r.unmask[i].wasm)} | ${gbs(r.unmask[i].js)}`
    ).join(" | ") +
      ` | ${gbs(node.bufferutil)} | ${ratio(node.wasm, node.bufferutil)} |`,
  );
});
for (const kind of ["ascii", "mixed"]) {
  lines.push(
    "",
    `### UTF-8 validation, ${kind === "ascii" ? "ASCII" : "mixed text (CJK, emoji, Greek, accents)"} (GB/s)`,
    "",
    "The best of 5 rounds per column, the columns taking turns (one long run each let a busy spell on the " +
      "shared machine fall on one column only).",
    "",
  );
  lines.push(
    "| size | " + results.map((r) =>
      `${r.runtime}: WASM | ${r.runtime}: isUtf8 | ${r.runtime}: TextDecoder fatal`
    ).join(" | ") + " | WASM ÷ isUtf8 (node) |",
  );
  lines.push("|---|" + results.map(() => "---:|---:|---:").join("|") + "|---:|");
  const rows = (r) => r.utf8.filter((row) => row.kind === kind);
  rows(results[0]).forEach((row, i) => {
    const node = rows(results.find((r) => r.runtime === "node"))[i];
    lines.push(
      `| ${size(row.size)} | ` + results.map((r) =>
        `${gbs(rows(r)[i].wasm)} | ${gbs(rows(r)[i].isUtf8)} | ${gbs(rows(r)[i].textDecoder)}`
      ).join(" | ") +
        ` | ${ratio(node.wasm, node.isUtf8)} |`,
    );
  });
}
lines.push(
  "",
  `### Parsing a 64 KiB read of ${results[0].frames.framesPerRead} small masked frames (million frames/s)`,
  "",
  "Both parsers hand each message over as an array of its own (the WASM decoder copies a whole binary message out " +
    "of its memory for the sink to keep, the JS parser unmasks into a fresh slice): a runtime's cost of a small " +
    "array shows in both columns (Deno's allocator makes every one off-heap).",
  "",
);
lines.push("| runtime | WASM decoder (with sink calls) | plain JS parser | ratio |", "|---|---:|---:|---:|");
for (const r of results) {
  lines.push(
    `| ${r.runtime} | ${(r.frames.wasm / 1e6).toFixed(1)} | ${(r.frames.js / 1e6).toFixed(1)} | ${
      ratio(r.frames.wasm, r.frames.js)
    } |`,
  );
}

lines.push("", "### Masking a client frame being sent: JS loop vs a trip through WASM (GB/s of payload)", "");
lines.push("| payload | " + results.map((r) => `${r.runtime}: JS | ${r.runtime}: WASM`).join(" | ") + " |");
lines.push("|---|" + results.map(() => "---:|---:").join("|") + "|");
results[0].crossover.forEach((row, i) => {
  lines.push(
    `| ${size(row.size)} | ` + results.map((r) =>
      `${gbs(r.crossover[i].js)} | ${gbs(r.crossover[i].wasm)}`
    ).join(" | ") + " |",
  );
});
lines.push(
  "",
  "The codec masks client frames in JS below the crossover (`jsMaskBelow`, 512 B) and through WASM above it.",
);

const file = join(root, "BENCHMARKS.md");
const begin = "<!-- codec:start -->";
const end = "<!-- codec:end -->";
let text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
const block = `${begin}\n${lines.join("\n")}\n${end}`;
text = text.includes(begin)
  ? text.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), block)
  : `${text.trimEnd()}\n\n## Codec (\`npm run bench:codec\`)\n\n${block}\n`;
writeFileSync(file, text);
console.log(lines.join("\n"));
