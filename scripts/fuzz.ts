// The long fuzz run: the generators and checks of tests/fuzz/ on many more
// inputs, both roles — frame streams through the engine, then handshakes.
//   deno run -A scripts/fuzz.ts [--inputs N] [--seed S] [--from I] [--role client|server]
//                               [--phase engine|handshakes]
// N inputs per role (default 1,000,000) from index I (default 0); without
// --seed a fresh one is drawn, so each run explores new inputs. A finding is
// replayed with `--seed S --from I --inputs 1 --role R`. Exits 1 on any
// mismatch or exception.
import type { Role } from "../src/codec/mod.ts";
import { createFuzzCodec, type Finding, fuzzBatch } from "../tests/_helpers/engine_fuzz.ts";
import {
  checkMutatedRequest,
  checkMutatedResponse,
  checkRequest,
  checkResponse,
} from "../tests/_helpers/handshake_fuzz_check.ts";

function option(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(Deno.args[at + 1]);
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Cannot use --${name} ${Deno.args[at + 1]}`);
  return value;
}

const inputs = option("inputs", 1_000_000);
const seed = option("seed", crypto.getRandomValues(new Uint32Array(1))[0]);
const from = option("from", 0);
const phaseAt = Deno.args.indexOf("--phase");
const phases = phaseAt === -1 ? ["engine", "handshakes"] : [Deno.args[phaseAt + 1]];
const roleAt = Deno.args.indexOf("--role");
const roles: Role[] = roleAt === -1 ? ["client", "server"] : [Deno.args[roleAt + 1] as Role];
if (!roles.every((role) => role === "client" || role === "server")) {
  throw new RangeError("Cannot use --role: client or server");
}

const BATCH = 1000;
const SHOW = 5;
const PROGRESS_MS = 5000;
const MiB = 1024 * 1024;

const fuzz = await createFuzzCodec();
const peak = { rss: 0, heap: 0, wasm: 0 };
const sampleMemory = () => {
  const usage = Deno.memoryUsage();
  peak.rss = Math.max(peak.rss, usage.rss);
  peak.heap = Math.max(peak.heap, usage.heapUsed);
  peak.wasm = Math.max(peak.wasm, fuzz.memoryBytes());
};

const shown: Finding[] = [];
const signatures = new Map<string, { count: number; first: Finding }>();
let mismatches = 0;
let crashes = 0;
let slowest = { ms: 0, seed: 0, role: "client" as Role };
console.log(`engine fuzz: seed ${seed}, ${inputs} inputs per role from index ${from}, roles ${roles.join(", ")}`);
const started = performance.now();

for (const role of phases.includes("engine") ? roles : []) {
  const roleStarted = performance.now();
  let reported = roleStarted;
  for (let done = 0; done < inputs;) {
    const count = Math.min(BATCH, inputs - done);
    const result = fuzzBatch(fuzz, role, seed, from + done, count);
    done += count;
    for (const finding of result.findings) {
      mismatches++;
      if (finding.crash) crashes++;
      if (shown.length < SHOW || (finding.crash && shown.every((f) => !f.crash))) shown.push(finding);
      const entry = signatures.get(finding.signature);
      if (entry === undefined) signatures.set(finding.signature, { count: 1, first: finding });
      else entry.count++;
    }
    if (result.slowest.ms > slowest.ms) slowest = { ...result.slowest, role };
    sampleMemory();
    const now = performance.now();
    if (now - reported >= PROGRESS_MS || done === inputs) {
      reported = now;
      const rate = Math.round(done / ((now - roleStarted) / 1000));
      console.log(
        `  ${role}: ${done}/${inputs} inputs, ${rate} inputs/s, ${mismatches} mismatches, ${crashes} crashes`,
      );
    }
  }
}

// The opening handshake: half built cases with known verdicts, half byte mutations (server reads requests, client responses).
const handshakeProblems: string[] = [];
for (const role of phases.includes("handshakes") ? roles : []) {
  const roleStarted = performance.now();
  const [built, mutated] = role === "server"
    ? [checkRequest, checkMutatedRequest]
    : [checkResponse, checkMutatedResponse];
  for (let i = from; i < from + inputs; i++) {
    const problem = i % 2 === 0 ? built(seed, i).wrong : mutated(seed, i);
    if (problem !== undefined) handshakeProblems.push(`${role} ${problem}`);
  }
  const rate = Math.round(inputs / ((performance.now() - roleStarted) / 1000));
  console.log(`  ${role} handshakes: ${inputs} inputs, ${rate} inputs/s, ${handshakeProblems.length} problems so far`);
  sampleMemory();
}

const seconds = (performance.now() - started) / 1000;
const total = phases.length * inputs * roles.length;
console.log(`\n${total} inputs in ${seconds.toFixed(1)} s: ${Math.round(total / seconds)} inputs/s`);
console.log(`slowest input: ${slowest.ms.toFixed(1)} ms (${slowest.role}, input seed ${slowest.seed})`);
console.log(
  `peak memory: RSS ${(peak.rss / MiB).toFixed(1)} MiB, JS heap ${(peak.heap / MiB).toFixed(1)} MiB, ` +
    `codec (WASM) ${(peak.wasm / MiB).toFixed(2)} MiB`,
);
console.log(`mismatches: ${mismatches} (crashes: ${crashes}); handshake problems: ${handshakeProblems.length}`);
for (const problem of handshakeProblems.slice(0, SHOW)) console.log(`  ${problem}`);
for (const [signature, { count, first }] of signatures) {
  console.log(
    `  ${count} × ${signature}; replay: --seed ${seed} --from ${first.index} --inputs 1 --role ${
      signature.split(":")[0]
    }`,
  );
}
for (const finding of shown) console.log(`\n${finding.report}`);
Deno.exit(mismatches > 0 || handshakeProblems.length > 0 ? 1 : 0);
