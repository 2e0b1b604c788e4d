// Writes INTEROP.md from the cells the interop tests recorded on each runtime
// (.interop/<runtime>.jsonl, see tests/_helpers/interop_cells.ts) and fails
// on any red cell, or on a pair that should have run on a runtime and did not.
// Plain JS so the system Node 20 can run it (the last step of `npm test`).
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
// `npm test` sets WASMWS_INTEROP_DIR to .interop/ (scripts/test.mjs); the same default here.
const dir = process.env.WASMWS_INTEROP_DIR || join(root, ".interop");
const RUNTIMES = ["deno", "bun", "node20", "node22", "node24"];
const ALL = RUNTIMES;
const NATIVE_CLIENT = ["deno", "bun", "node22", "node24"];
const BROWSER = ["deno", "bun", "node22", "node24", "puppeteer-core 25 needs Node ≥ 22.12"];
const BUN = ["bun", "Bun's own server exists on Bun only"];
/** The name the deflate tests record their cells under (tests/_helpers/deflate_interop.ts). */
const DEFLATE = "permessage-deflate";

/**
 * The tables: each pair with the runtimes it must run on (a last element that
 * is not a runtime says why it cannot run everywhere). `table` is the name the
 * tests record under (tests/_helpers/interop_cells.ts); the first table has none.
 */
const TABLES = [
  {
    table: undefined,
    cases: ["text", "binary 16 MiB", "fragmented", "ping", "close by client", "close by server"],
    pairs: [
      ["our client → our server", ALL],
      ["our client → ws server", ALL],
      ["our client → Deno.serve", ["deno", "Deno's own server exists on Deno only"]],
      ["our client → Bun.serve", BUN],
      ["our client → Python websockets server", ALL],
      ["ws client → our server", ALL],
      ["native WebSocket → our server", [...NATIVE_CLIENT, "Node 20 has no WebSocket client"]],
      ["Python websockets client → our server", ALL],
      ["headless Chromium → our server", BROWSER],
    ],
  },
  {
    table: DEFLATE,
    cases: ["agreed", "text", "binary", "context takeover", "no context takeover, small windows"],
    pairs: [
      ["our client → our server", ALL],
      ["our client → ws server", ALL],
      ["our client → Bun.serve", BUN],
      ["our client → Python websockets server", ALL],
      ["ws client → our server", ALL],
      ["Python websockets client → our server", ALL],
      ["headless Chromium → our server", BROWSER],
    ],
  },
];

const seen = new Map();
if (existsSync(dir)) {
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".jsonl"))) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n").filter(Boolean)) {
      const record = JSON.parse(line);
      seen.set(`${record.table ?? ""}|${record.pair}|${record.runtime}`, record);
    }
  }
}

const problems = [];
const reasons = [];
const mark = (i) => "¹²³⁴⁵⁶⁷⁸⁹"[i] ?? `(${i + 1})`;
const footnote = (reason) => {
  if (!reasons.includes(reason)) reasons.push(reason);
  return mark(reasons.indexOf(reason));
};

/** One table's rows; every cell checked on every runtime its pair must run on. */
function rowsOf({ table, cases, pairs }) {
  const rows = [];
  for (const [pair, listed] of pairs) {
    const runtimes = listed.filter((entry) => RUNTIMES.includes(entry));
    const why = listed.find((entry) => !RUNTIMES.includes(entry));
    const label = table ? `${pair} (${table})` : pair;
    const records = new Map(runtimes.map((runtime) => [runtime, seen.get(`${table ?? ""}|${pair}|${runtime}`)]));
    for (const [runtime, record] of records) {
      if (record === undefined) problems.push(`${label} did not run on ${runtime}`);
    }
    const cells = cases.map((name) => {
      const passed = [];
      let na;
      for (const [runtime, record] of records) {
        const value = record?.results?.[name];
        if (record === undefined) continue;
        else if (value === true) passed.push(runtime);
        else if (typeof value === "string" && value.startsWith("n/a: ")) na = value.slice(5);
        else problems.push(`${label} on ${runtime}, ${name}: ${value ?? "missing"}`);
      }
      if (na !== undefined && passed.length === 0) return `n/a${footnote(na)}`;
      return passed.length === runtimes.length ? "✅" : `❌ ${runtimes.filter((r) => !passed.includes(r)).join(" ")}`;
    });
    rows.push({
      pair,
      records,
      line: `| ${pair} | ${runtimes.join(", ")}${why ? ` (${why})` : ""} | ${cells.join(" | ")} |`,
    });
  }
  return rows;
}

const header = (cases) =>
  `| pair | runtimes | ${cases.join(" | ")} |\n| --- | --- | ${cases.map(() => "---").join(" | ")} |`;
const [plain, deflate] = TABLES;
const plainRows = rowsOf(plain);
const plainNotes = reasons.splice(0).map((reason, i) => `${mark(i)} Not applicable: ${reason}.`);
const deflateRows = rowsOf(deflate);
const deflateNotes = reasons.map((reason, i) => `${mark(i)} Not applicable: ${reason}.`);

/** What each deflate pair offered and answered on each connection, as recorded; runtimes named where they differ. */
const CONNECTIONS = ["default", "no context takeover, small windows"];
const agreedRows = deflateRows.flatMap(({ pair, records }) =>
  CONNECTIONS.map((connection, i) => {
    const columns = ["offer", "answer"].map((side) => {
      const byValue = new Map();
      for (const [runtime, record] of records) {
        if (record === undefined) continue;
        const value = record.agreed?.[i]?.[side] ?? "(not recorded)";
        byValue.set(value, [...(byValue.get(value) ?? []), runtime]);
      }
      const show = (value) => value === "" ? (side === "answer" ? "declined" : "none") : `\`${value}\``;
      if (byValue.size <= 1) return [...byValue.keys()].map(show).join("");
      return [...byValue].map(([value, runtimes]) => `${show(value)} (${runtimes.join(", ")})`).join("; ");
    });
    return `| ${i === 0 ? pair : ""} | ${connection} | ${columns.join(" | ")} |`;
  })
);

writeFileSync(
  join(root, "INTEROP.md"),
  `<!-- Generated by scripts/interop_matrix.mjs at the end of \`npm test\`; do not edit. -->
# Interop matrix

Every pair runs the same cases (\`tests/_helpers/interop_driver.ts\`) on each runtime listed, in
\`tests/interop/our_client_test.ts\` and \`tests/interop/our_server_test.ts\`. ✅ means it passed on
every runtime listed; \`npm test\` fails on any other cell.

${header(plain.cases)}
${plainRows.map((row) => row.line).join("\n")}

${plainNotes.join("\\\n")}

The fragmented case needs one side whose API sends fragments: the \`ws\` package and Python's
\`websockets\` do; the web's \`WebSocket\` interface (ours, the runtimes', Chromium's) does not.
Conformance of fragmentation itself (both roles, control frames between fragments, limits) is
tested with a scripted raw peer in \`tests/conformance/fragmentation_test.ts\`.

## permessage-deflate

Each pair (\`tests/interop/deflate_our_client_test.ts\`, \`tests/interop/deflate_our_server_test.ts\`)
makes two connections through a wire tap (\`tests/_helpers/wire_tap.ts\`) that reads the frames
between the peers, and echoes four messages through each: JSON text with non-ASCII characters, 64 KiB
of binary, and twice the same 2 KiB of text that compresses poorly on its own
(\`tests/_helpers/deflate_interop.ts\`). The first connection is what the pair agrees by default
(our client offers \`permessage-deflate; client_max_window_bits\` as browsers do; our server runs with
\`perMessageDeflate: { threshold: 0 }\`); the second agrees \`server_no_context_takeover\`,
\`client_no_context_takeover\` and windows of 2^10 (server) and 2^9 (client) bytes. Bun.serve's first
connection uses dedicated compressors (\`compress: "dedicated"\`): its default (\`perMessageDeflate: true\`)
shares one compressor and answers no context takeover both ways; the second connection runs that default.

- **agreed**: the offer (where the client is ours) and the 101 answer seen on the wire are the ones the test expects by RFC 7692 §7.1 (listed below), and the client's \`extensions\` shows the answer; the connection then closes cleanly with 1000.
- **text**, **binary**: echoed intact, and RSV1 (compressed) set on the message both ways.
- **context takeover**: the repeated message's second copy is under a quarter of the first's size on the wire in each direction where the sender may keep its context, and about the same size where the answer forbids it.
- **no context takeover, small windows**: the second connection agrees exactly those parameters, every message comes back intact and compressed, and the repeated message is about as big the second time both ways.

Our server never keeps its compressor's context (it always answers \`server_no_context_takeover\`), so
against our server the context takeover case shows it client → server only, and checks that the
server's copies stand alone. Pairs the issue does not ask for (Deno.serve, the runtimes' own
\`WebSocket\` clients) are not in this table.

${header(deflate.cases)}
${deflateRows.map((row) => row.line).join("\n")}

${deflateNotes.join("\\\n")}

What each pair offered and agreed (\`Sec-WebSocket-Extensions\` of the request and of the 101 answer,
as the tap saw them):

| pair | connection | offered | answered |
| --- | --- | --- | --- |
${agreedRows.join("\n")}
`,
);

if (problems.length > 0) {
  console.error(`Interop matrix has ${problems.length} red cell(s):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
const counts = TABLES.map(({ table, pairs, cases }) =>
  `${pairs.length} pairs × ${cases.length} cases${table ? ` (${table})` : ""}`
);
console.log(`Interop matrix: ${counts.join(", ")}, all green; INTEROP.md written.`);
