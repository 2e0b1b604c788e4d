// `wasmws bench` against an echo server in this process: the JSON it prints and its exit statuses.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { BenchResult } from "../../src/cli/bench.ts";
import { echoServer, runMain } from "../_helpers/cli.ts";

describe("bench", () => {
  it("--json: every round trip counted with the window kept full, rates and percentiles consistent", async () => {
    let received = 0;
    const server = await echoServer({
      websocket: (ws) =>
        ws.addEventListener("message", (event) => {
          received++;
          ws.send(event.data);
        }),
    });
    try {
      const run = await runMain([
        "bench",
        server.url,
        "-c",
        "2",
        "--size",
        "100",
        "--window",
        "3",
        "-d",
        "0.3",
        "--json",
      ]);
      assert.equal(run.status, 0, run.stderr);
      const result = JSON.parse(run.stdout) as BenchResult;
      assert.deepEqual([result.connections, result.size, result.window], [2, 100, 3]);
      // Each reply answers one message the server received; the last replies all came back.
      assert.equal(result.messages, received);
      assert.ok(result.messages >= 6, `${result.messages} round trips`);
      assert.ok(
        Math.abs(result.messagesPerSecond - result.messages / result.seconds) <= result.messagesPerSecond * 0.01,
      );
      assert.ok(Math.abs(result.megabytesPerSecond - result.messagesPerSecond * 100 / 1e6) < 1e-3);
      assert.ok(result.rttMs.p50 > 0 && result.rttMs.p50 <= result.rttMs.p99);
    } finally {
      await server.shutdown();
    }
  });

  it("prints a summary for people (a URL without a scheme is ws://), and exits with 1 when it cannot connect", async () => {
    const server = await echoServer();
    const port = server.address.port;
    try {
      const run = await runMain(["bench", `127.0.0.1:${port}`, "-c", "1", "-d", "0.1", "--text"]);
      assert.equal(run.status, 0, run.stderr);
      assert.match(
        run.stdout,
        /^1 connections, 64-byte messages, 4 in flight each, [\d.]+ s\n {2}\d+ round trips, [\d.]+ msgs\/s, [\d.]+ MB\/s\n {2}round trip p50 [\d.]+ ms, p99 [\d.]+ ms\n$/,
      );
    } finally {
      await server.shutdown();
    }
    const refused = await runMain(["bench", `ws://127.0.0.1:${port}`, "-d", "0.1"]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^wasmws bench: Cannot /);
  });
});
