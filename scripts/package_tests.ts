// The packed npm build as a user meets it: `deno run -A scripts/package_tests.ts` (after build_npm.ts).
// It packs npm/, installs the tarball with npm into an empty directory outside the repository, then
// - runs a consumer that `require()`s the package (.cjs), one that imports it (.mjs) and one in TypeScript
//   (.ts) on Node 20, 22 and 24 and Bun: each opens a server and echoes a message through a client;
// - loads every entry deno.json exports with require() and import() on each of them;
// - type-checks consumers against the shipped .d.ts, without skipLibCheck, with tsc under a Node-only
//   configuration (lib es2022 + @types/node, no DOM; .ts and .cts), a DOM one, Node and DOM together, and with
//   `deno check`.
// Node 20 cannot run .ts (type stripping came in Node 22.6), so it runs the .cjs and .mjs consumers only.
import { delimiter, join } from "node:path";
import process from "node:process";
import { CONSUMERS, TSCONFIG_DOM, TSCONFIG_NODE, TSCONFIG_NODE_DOM } from "./package_consumers.ts";

const root = decodeURIComponent(new URL("..", import.meta.url).pathname);
const TIMEOUT_MS = 60_000;

/** The first `node` on PATH outside node_modules: the system's Node 20. */
function systemNode(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir.includes("node_modules")) continue;
    const candidate = join(dir, "node");
    try {
      Deno.statSync(candidate);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return "/usr/bin/node";
}

interface Outcome {
  code: number;
  output: string;
}

async function run(command: string, args: string[], cwd: string): Promise<Outcome> {
  const child = new Deno.Command(command, {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  try {
    const { code, stdout, stderr } = await child.output();
    return { code, output: new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr) };
  } catch (error) {
    return { code: 1, output: `Cannot run ${command}: ${error instanceof Error ? error.message : error}` };
  }
}

const dir = await Deno.makeTempDir({ prefix: "wasmws-packed-" });
let failed = 0;
async function check(
  name: string,
  command: string,
  args: string[],
  expect?: string,
  accept = (output: string) => expect === undefined || output.trim().split("\n").includes(expect),
): Promise<void> {
  const { code, output } = await run(command, args, dir);
  const ok = code === 0 && accept(output);
  if (!ok) failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}`);
  if (!ok) console.log(output.replace(/^/gm, "     "));
}

try {
  const packed = await run("npm", ["pack", "--silent", "--pack-destination", dir], `${root}npm`);
  if (packed.code !== 0) throw new Error(`Cannot pack npm/: ${packed.output}`);
  const tarball = packed.output.trim().split("\n").pop()!;
  const size = (await Deno.stat(join(dir, tarball))).size;
  await Deno.writeTextFile(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }) + "\n");
  const installed = await run("npm", ["install", "--offline", "--no-audit", "--no-fund", `./${tarball}`], dir);
  if (installed.code !== 0) throw new Error(`Cannot install ${tarball}: ${installed.output}`);
  const dependencies = (await Array.fromAsync(Deno.readDir(join(dir, "node_modules"))))
    .map((entry) => entry.name).filter((name) => !name.startsWith("."));
  console.log(`${tarball}: ${(size / 1024).toFixed(0)} kB packed; node_modules holds ${dependencies.join(", ")}`);
  if (dependencies.join() !== "wasmws") {
    failed++;
    console.log("FAIL the package installs alone (no dependencies)");
  }

  for (const [name, text] of Object.entries(CONSUMERS)) await Deno.writeTextFile(join(dir, name), text);
  // Every entry deno.json exports, the ones added later included, loads from CommonJS and from ESM.
  const entries = Object.keys(JSON.parse(await Deno.readTextFile(`${root}deno.json`)).exports)
    .map((key) => `wasmws${key.slice(1)}`);
  const list = JSON.stringify(entries);
  await Deno.writeTextFile(
    join(dir, "entries.cjs"),
    `for (const name of ${list}) console.log(name, Object.keys(require(name)).length > 0 ? "exports" : "is empty");\n`,
  );
  // And every entry's declarations compile (the Node configurations and Deno read this file too).
  await Deno.writeTextFile(
    join(dir, "entries_types.ts"),
    entries.map((entry, i) => `export * as entry${i} from "${entry}";\n`).join(""),
  );
  await Deno.writeTextFile(
    join(dir, "entries.mjs"),
    `for (const name of ${list}) console.log(name, Object.keys(await import(name)).length > 0 ? "exports" : "is empty");\n`,
  );
  const types = join(root, "node_modules", "@types");
  await Deno.writeTextFile(join(dir, "tsconfig.node.json"), JSON.stringify(TSCONFIG_NODE(types), null, 2));
  await Deno.writeTextFile(join(dir, "tsconfig.dom.json"), JSON.stringify(TSCONFIG_DOM, null, 2));
  await Deno.writeTextFile(join(dir, "tsconfig.node_dom.json"), JSON.stringify(TSCONFIG_NODE_DOM(types), null, 2));
  await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));

  const runtimes: [string, string, string[]][] = [
    ["Node 20", systemNode(), ["consumer.cjs", "consumer.mjs"]],
    ["Node 22", join(root, "node_modules/node22/bin/node"), ["consumer.cjs", "consumer.mjs", "consumer.ts"]],
    ["Node 24", join(root, "node_modules/node24/bin/node"), ["consumer.cjs", "consumer.mjs", "consumer.ts"]],
    ["Bun", join(root, "node_modules/.bin/bun"), ["consumer.cjs", "consumer.mjs", "consumer.ts"]],
  ];
  for (const [runtime, command, files] of runtimes) {
    const version = (await run(command, ["--version"], dir)).output.trim();
    for (const file of files) await check(`${runtime} (${version}) runs ${file}`, command, [file], "echo: hi");
    for (const file of ["entries.cjs", "entries.mjs"]) {
      await check(
        `${runtime} loads every entry (${entries.join(", ")}) from ${file}`,
        command,
        [file],
        undefined,
        (output) => entries.every((entry) => output.includes(`${entry} exports`)),
      );
    }
  }
  const tsc = join(root, "node_modules/.bin/tsc");
  await check("tsc: Node-only types (lib es2022, @types/node, no DOM)", tsc, ["-p", "tsconfig.node.json"]);
  await check("tsc: DOM types (lib es2022 + dom, no @types)", tsc, ["-p", "tsconfig.dom.json"]);
  await check("tsc: Node and DOM types together", tsc, ["-p", "tsconfig.node_dom.json"]);
  await check("deno check", join(root, "node_modules/.bin/deno"), [
    "check",
    "consumer.ts",
    "consumer_web.ts",
    "entries_types.ts",
  ]);
} finally {
  await Deno.remove(dir, { recursive: true });
}
if (failed > 0) {
  console.error(`Cannot ship the npm build: ${failed} check(s) failed`);
  Deno.exit(1);
}
console.log("the packed build installs, loads and type-checks everywhere");
