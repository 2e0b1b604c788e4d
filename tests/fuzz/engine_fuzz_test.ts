// Fuzz: the whole engine (Connection over the WASM codec) in both roles
// against the reference model (tests/_helpers/reference_engine.ts) on seeded
// inputs — valid streams, broken ones, random bytes — fed in random chunks
// through push() and reserve()/commit(). Every input must give the same trace
// (messages, control frames, the failure, the frames written back, the end of
// the transport), no exception may escape, no input may take long, and the
// codec's memory must stay bounded. The long run is `npm run fuzz`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type BatchResult, createFuzzCodec, fuzzBatch } from "../_helpers/engine_fuzz.ts";

const SEED = 6455;
// Batches keep each test well inside a runner's default per-test timeout (Bun: 5 s).
const BATCHES = 10;
const PER_BATCH = 2000;
// Far above any input's real cost (a few milliseconds at most): only a hang or a runaway loop gets near it.
const SLOW_MS = 2000;
const MEMORY_BOUND = 16 * 1024 * 1024;
/** What the decoder can report in either role; a server also requires masks, a client refuses them. */
const DECODER_FAILURES = [
  "WS_ERR_INVALID_OPCODE",
  "WS_ERR_UNEXPECTED_RSV",
  "WS_ERR_EXPECTED_FIN",
  "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH",
  "WS_ERR_INVALID_PAYLOAD_LENGTH",
  "WS_ERR_INVALID_CONTINUATION",
  "WS_ERR_EXPECTED_CONTINUATION",
  "WS_ERR_MESSAGE_TOO_BIG",
  "WS_ERR_TOO_MANY_FRAGMENTS",
  "WS_ERR_INVALID_UTF8",
  "WS_ERR_INVALID_CLOSE_PAYLOAD",
  "WS_ERR_INVALID_CLOSE_CODE",
];

const fuzz = await createFuzzCodec();

function check(result: BatchResult, role: "client" | "server"): void {
  const crashes = result.findings.filter((finding) => finding.crash);
  assert.equal(crashes.length, 0, `an exception escaped the engine:\n${crashes[0]?.report}`);
  const shown = result.findings.slice(0, 3).map((finding) => finding.report).join("\n\n");
  assert.equal(result.findings.length, 0, `${result.findings.length} inputs disagree, the first ones:\n${shown}`);
  const { ms, seed, index } = result.slowest;
  // A hang or a runaway loop is slow every time; a pause of a loaded machine (a swap-in, a
  // collection, a descheduled process) is not: a slow input is timed again alone.
  const again = ms < SLOW_MS ? ms : Math.min(...[0, 1].map(() => fuzzBatch(fuzz, role, SEED, index, 1).slowest.ms));
  assert.ok(again < SLOW_MS, `input seed ${seed} took ${ms} ms, and ${again} ms again alone`);
  // The generator must reach both ends, or agreeing proves little.
  const open = result.outcomes.get("open") ?? 0;
  const closed = result.outcomes.get("closeFrame") ?? 0;
  const failed = PER_BATCH - open - closed;
  assert.ok(
    open > PER_BATCH / 20 && closed > PER_BATCH / 20 && failed > PER_BATCH / 5,
    JSON.stringify([...result.outcomes]),
  );
}

for (const role of ["client", "server"] as const) {
  describe(`engine fuzz: the ${role} against the reference model`, () => {
    const seen = new Set<string>();
    for (let batch = 0; batch < BATCHES; batch++) {
      const from = batch * PER_BATCH;
      it(`inputs ${from}–${from + PER_BATCH - 1} (seed ${SEED})`, () => {
        const result = fuzzBatch(fuzz, role, SEED, from, PER_BATCH);
        for (const outcome of result.outcomes.keys()) seen.add(outcome);
        check(result, role);
      });
    }

    it("the inputs reached every failure the decoder reports, and codec memory stayed bounded", () => {
      const mask = role === "server" ? "WS_ERR_EXPECTED_MASK" : "WS_ERR_UNEXPECTED_MASK";
      const missing = [...DECODER_FAILURES, mask].filter((code) => !seen.has(code));
      assert.deepEqual(missing, []);
      assert.ok(fuzz.memoryBytes() < MEMORY_BOUND, `codec memory grew to ${fuzz.memoryBytes()} bytes`);
    });
  });
}
