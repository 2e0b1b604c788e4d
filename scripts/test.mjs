// `npm test`: the whole matrix — static checks, then the suite on Deno, Bun,
// and Node 20, 22 and 24 against the packed npm build. Plain JS so the
// system Node 20 can run it. Filters: `npm test -- --only deno,bun,static`
// (static, deno, bun, node20, node22, node24).
import { spawn } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { delimiter, join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const bin = (name) => join(root, "node_modules", ".bin", name);
const onlyArg = process.argv.find((arg) => arg.startsWith("--only"));
const only = onlyArg
  ? (onlyArg.includes("=") ? onlyArg.split("=")[1] : process.argv[process.argv.indexOf(onlyArg) + 1]).split(",")
  : undefined;
const wanted = (group) => only === undefined || only.includes(group);

/** The first `node` on PATH outside node_modules: the system's Node 20. */
function systemNode() {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir.includes("node_modules")) continue;
    const candidate = join(dir, "node");
    if (existsSync(candidate)) return candidate;
  }
  return "/usr/bin/node";
}

function testFiles(dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...testFiles(path));
    else if (/_test\.(ts|js)$/.test(name)) files.push(path);
  }
  return files.sort();
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

/** Passed/failed counts from each runner's summary. */
const counters = {
  deno(output) {
    const line = output.match(
      /(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?/,
    );
    if (!line) return undefined;
    return { passed: Number(line[2] ?? line[1]), failed: Number(line[4] ?? line[3]) };
  },
  bun(output) {
    const passed = output.match(/^\s*(\d+) pass$/m);
    const failed = output.match(/^\s*(\d+) fail$/m);
    return passed && failed ? { passed: Number(passed[1]), failed: Number(failed[1]) } : undefined;
  },
  node(output) {
    const passed = output.match(/^[ℹ#] pass (\d+)/m);
    const failed = output.match(/^[ℹ#] fail (\d+)/m);
    return passed && failed ? { passed: Number(passed[1]), failed: Number(failed[1]) } : undefined;
  },
};

const results = [];
async function step(name, command, args, options = {}) {
  console.log(`\n=== ${name}: ${[relative(root, command) || command, ...args].join(" ")}`);
  const result = await run(command, args, options.cwd);
  // deno-lint-ignore no-control-regex -- strip ANSI colours before reading summaries
  const plain = result.output.replace(/\x1b\[[0-9;]*m/g, "");
  const counts = options.counter ? options.counter(plain) : undefined;
  const ok = result.code === 0 &&
    (!options.counter || (counts !== undefined && counts.failed === 0 && counts.passed > 0));
  results.push({ name, ok, seconds: result.seconds, counts });
  return ok;
}

const deno = bin("deno");
if (wanted("static")) {
  await step("generated WASM files are fresh", deno, ["run", "-A", "scripts/build_wasm.ts", "--check"]);
  await step("deno fmt", deno, ["fmt", "--check"]);
  await step("deno lint", deno, ["lint"]);
  await step("deno check", deno, ["check", "--doc", "src/", "tests/", "scripts/", "examples/"]);
  await step("deno doc --lint", deno, ["doc", "--lint", "src/mod.ts", "src/node.ts"]);
  await step("deno publish --dry-run", deno, ["publish", "--dry-run", "--allow-dirty"]);
}
if (wanted("deno")) await step("tests on Deno", deno, ["test", "-A", "tests/"], { counter: counters.deno });
if (wanted("bun")) {
  const files = testFiles(join(root, "tests")).map((file) => "./" + relative(root, file));
  await step("tests on Bun", bin("bun"), ["test", "--timeout", "60000", ...files], { counter: counters.bun });
}
const nodes = [["node20", systemNode()], ["node22", join(root, "node_modules/node22/bin/node")], [
  "node24",
  join(root, "node_modules/node24/bin/node"),
]]
  .filter(([group]) => wanted(group));
if (nodes.length > 0) {
  const built = await step("npm build", deno, ["run", "-A", "scripts/build_npm.ts"]) &&
    await step("exports agree", deno, ["run", "-A", "scripts/check_exports.ts"]) &&
    await step("pack and install for Node", deno, ["run", "-A", "scripts/node_tests.ts"]);
  if (built) {
    const dir = join(root, ".test-node");
    const files = testFiles(join(dir, "tests")).map((file) => relative(dir, file));
    for (const [group, node] of nodes) {
      await step(`tests on ${group} (packed build)`, node, ["--test", "--test-concurrency=1", ...files], {
        cwd: dir,
        counter: counters.node,
      });
    }
  }
}

// Only a run of every runtime can tell a missing cell from a filtered one.
if (only === undefined) await step("interop matrix → INTEROP.md", process.execPath, ["scripts/interop_matrix.mjs"]);

console.log("\n=== summary");
let passed = 0;
let failed = 0;
for (const result of results) {
  const counts = result.counts ? ` (${result.counts.passed} passed, ${result.counts.failed} failed)` : "";
  console.log(`${result.ok ? "ok  " : "FAIL"} ${result.name}${counts} ${result.seconds.toFixed(1)}s`);
  if (result.counts) {
    passed += result.counts.passed;
    failed += result.counts.failed;
  }
  if (!result.ok && !result.counts) failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every((result) => result.ok) ? 0 : 1);
