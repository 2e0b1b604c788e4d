// `npm test`: the whole matrix — static checks, then the suite on Deno, Bun,
// and Node 20, 22 and 24 against the packed npm build. Plain JS so the
// system Node 20 can run it. Filters: `npm test -- --only deno,bun,static`
// (static, deno, bun, node20, node22, node24); `--files tests/protocol,tests/packaging`
// runs only the test files under those paths.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { delimiter, join, relative } from "node:path";
import { countJUnit } from "./junit.mjs";

const root = new URL("..", import.meta.url).pathname;
const bin = (name) => join(root, "node_modules", ".bin", name);
const onlyArg = process.argv.find((arg) => arg.startsWith("--only"));
const only = onlyArg
  ? (onlyArg.includes("=") ? onlyArg.split("=")[1] : process.argv[process.argv.indexOf(onlyArg) + 1]).split(",")
  : undefined;
const wanted = (group) => only === undefined || only.includes(group);
const filesArg = process.argv.find((arg) => arg.startsWith("--files"));
const filePrefixes = filesArg
  ? (filesArg.includes("=") ? filesArg.split("=")[1] : process.argv[process.argv.indexOf(filesArg) + 1]).split(",")
  : undefined;

/** The first `node` on PATH outside node_modules: the system's Node 20. */
function systemNode() {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir.includes("node_modules")) continue;
    const candidate = join(dir, "node");
    if (existsSync(candidate)) return candidate;
  }
  return "/usr/bin/node";
}

/** The test files under `dir` (a repository-like folder: the root or .test-node/), `--files` applied. */
function testFiles(dir, base = dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...testFiles(path, base));
    else if (/_test\.(ts|js)$/.test(name)) files.push(path);
  }
  const chosen = (file) =>
    filePrefixes === undefined ||
    filePrefixes.some((prefix) => relative(base, file).replace(/\.js$/, ".ts").startsWith(prefix));
  return files.filter(chosen).sort();
}

const STEP_TIMEOUT_S = 300;
const env = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
delete env.FORCE_COLOR;
// The interop tests record their cells here; the last step turns them into INTEROP.md.
env.WASMWS_INTEROP_DIR = join(root, ".interop");
rmSync(env.WASMWS_INTEROP_DIR, { recursive: true, force: true });

/** Run a command, echo its output, resolve with { code, output, seconds }. */
function run(command, args, cwd = root) {
  const started = Date.now();
  return new Promise((resolve) => {
    // Its own process group, so a timeout also ends the runner's test children.
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    const take = (stream, sink) =>
      stream.on("data", (chunk) => {
        output += chunk;
        sink.write(chunk);
      });
    take(child.stdout, process.stdout);
    take(child.stderr, process.stderr);
    child.on("error", (error) => {
      output += String(error);
      resolve({ code: 127, output, seconds: (Date.now() - started) / 1000 });
    });
    // A hung step must fail the run, not stall CI.
    const timer = setTimeout(() => {
      output += `\nTimed out after ${STEP_TIMEOUT_S} s\n`;
      process.stderr.write(`\n*** ${command} timed out after ${STEP_TIMEOUT_S} s\n`);
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, STEP_TIMEOUT_S * 1000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

// Each runner writes a JUnit report here; the counts come from it, not from its human summary.
const reports = join(root, ".test-reports");
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const results = [];
/** Run one step; with `options.junit` (the report's path) its counts come from that report. */
async function step(name, command, args, options = {}) {
  console.log(`\n=== ${name}: ${[relative(root, command) || command, ...args].join(" ")}`);
  const result = await run(command, args, options.cwd);
  let counts;
  if (options.junit !== undefined) {
    try {
      counts = countJUnit(readFileSync(options.junit, "utf8"));
    } catch (error) {
      console.error(`*** ${name}: cannot read ${relative(root, options.junit)}: ${error.message}`);
    }
    // A file that cannot load, or a failing hook, fails the run without a failed test case in the report.
    if (counts !== undefined && result.code !== 0 && counts.failed === 0) counts.failed = 1;
  }
  const ok = result.code === 0 &&
    (options.junit === undefined || (counts !== undefined && counts.failed === 0 && counts.passed > 0));
  results.push({ name, ok, seconds: result.seconds, counts });
  return ok;
}

const deno = bin("deno");
// deno.json's exports, so a new entry is linted without editing this file.
const entries = Object.values(JSON.parse(readFileSync(join(root, "deno.json"), "utf8")).exports);
if (wanted("static")) {
  await step("generated WASM files are fresh", deno, ["run", "-A", "scripts/build_wasm.ts", "--check"]);
  await step("deno fmt", deno, ["fmt", "--check"]);
  await step("deno lint", deno, ["lint"]);
  await step("deno check", deno, ["check", "--doc", "src/", "tests/", "scripts/", "examples/"]);
  await step("imports follow the layers", deno, ["run", "-A", "scripts/check_imports.ts"]);
  await step("README examples type-check", deno, ["run", "-A", "scripts/check_readme.ts"]);
  await step("deno doc --lint", deno, ["doc", "--lint", ...entries]);
  await step("deno publish --dry-run", deno, ["publish", "--dry-run", "--allow-dirty"]);
}
if (wanted("deno")) {
  const junit = join(reports, "deno.xml");
  const files = filePrefixes === undefined
    ? ["tests/"]
    : testFiles(join(root, "tests"), root).map((file) => relative(root, file));
  await step("tests on Deno", deno, ["test", "-A", `--junit-path=${junit}`, ...files], { junit });
}
if (wanted("bun")) {
  const files = testFiles(join(root, "tests"), root).map((file) => "./" + relative(root, file));
  const junit = join(reports, "bun.xml");
  await step("tests on Bun", bin("bun"), [
    "test",
    "--timeout",
    "60000",
    "--reporter=junit",
    `--reporter-outfile=${junit}`,
    ...files,
  ], { junit });
}
const nodes = [["node20", systemNode()], ["node22", join(root, "node_modules/node22/bin/node")], [
  "node24",
  join(root, "node_modules/node24/bin/node"),
]]
  .filter(([group]) => wanted(group));
if (nodes.length > 0) {
  const built = await step("npm build", deno, ["run", "-A", "scripts/build_npm.ts"]) &&
    await step("exports agree", deno, ["run", "-A", "scripts/check_exports.ts"]) &&
    await step("publint", bin("publint"), ["--strict", "npm"]) &&
    // require() of the ESM build is by design (Node's require(esm), Bun): attw's CJS-resolves-to-ESM is the point.
    await step("are the types wrong", bin("attw"), ["--pack", "npm", "--ignore-rules", "cjs-resolves-to-esm"]) &&
    await step("packed build on Node 20/22/24 and Bun, types under tsc and Deno", deno, [
      "run",
      "-A",
      "scripts/package_tests.ts",
    ]) &&
    await step("pack and install for Node", deno, ["run", "-A", "scripts/node_tests.ts"]);
  if (built) {
    const dir = join(root, ".test-node");
    const files = testFiles(join(dir, "tests"), dir).map((file) => relative(dir, file));
    for (const [group, node] of nodes) {
      const junit = join(reports, `${group}.xml`);
      // Two reporters: the human one on stdout, JUnit for the counts.
      const reporters = ["--test-reporter=spec", "--test-reporter-destination=stdout"];
      reporters.push("--test-reporter=junit", `--test-reporter-destination=${junit}`);
      await step(`tests on ${group} (packed build)`, node, ["--test", "--test-concurrency=1", ...reporters, ...files], {
        cwd: dir,
        junit,
      });
    }
  }
}

// Only a run of every runtime can tell a missing cell from a filtered one.
if (only === undefined && filePrefixes === undefined) {
  await step("interop matrix → INTEROP.md", process.execPath, ["scripts/interop_matrix.mjs"]);
}

console.log("\n=== summary");
let passed = 0;
let failed = 0;
for (const result of results) {
  const skipped = result.counts?.skipped ? `, ${result.counts.skipped} skipped` : "";
  const counts = result.counts ? ` (${result.counts.passed} passed, ${result.counts.failed} failed${skipped})` : "";
  console.log(`${result.ok ? "ok  " : "FAIL"} ${result.name}${counts} ${result.seconds.toFixed(1)}s`);
  if (result.counts) {
    passed += result.counts.passed;
    failed += result.counts.failed;
  }
  if (!result.ok && !result.counts) failed++;
  for (const name of result.counts?.failures.slice(0, 20) ?? []) console.log(`       failed: ${name}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every((result) => result.ok) ? 0 : 1);
