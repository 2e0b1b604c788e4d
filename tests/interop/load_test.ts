// 1,000 connections on 127.0.0.1 exchanging messages, then shutdown(): every
// client sees 1001, the server keeps nobody, and the process exits by itself
// (run in a child process of the same runtime so a leaked handle shows as a hang).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(
  new URL(`../_helpers/load_scenario${import.meta.url.endsWith(".js") ? ".js" : ".ts"}`, import.meta.url),
);
const g = globalThis as { Deno?: { execPath(): string }; process: { execPath: string } };
const command = g.Deno ? [g.Deno.execPath(), "run", "-A", script] : [g.process.execPath, script];

describe("load: 1,000 connections, then shutdown", () => {
  it("every client echoes, gets 1001, and the process exits by itself", async () => {
    const child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => out += chunk);
    let printedAt = 0;
    child.stdout.on("data", () => printedAt ||= Date.now());
    const exit = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve(null);
      }, 60_000);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    assert.notEqual(exit, null, `the scenario did not finish in 60 s: ${out}`);
    assert.equal(exit, 0);
    const lingered = Date.now() - printedAt;
    const result = JSON.parse(out.trim().split("\n").pop()!);
    assert.equal(result.openClients, 1000);
    assert.equal(result.echoed, 5000);
    assert.deepEqual(result.closes, { 1001: 1000 });
    assert.equal(result.remaining, 0);
    assert.ok(lingered < 3000, `the process stayed alive ${lingered} ms after its work was done`);
  });
});
