// `wasmws connect` in a pipeline on each runtime (Deno, Bun, Node 24): spawned with its stdin and stdout piped,
// one input line is one message and one message one output line; a bad argument exits with 2.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { echoServer, runChild, RUNTIMES } from "../_helpers/cli.ts";

describe("connect through pipes, on every runtime", () => {
  let server: Awaited<ReturnType<typeof echoServer>>;
  before(async () => server = await echoServer());
  after(() => server.shutdown({ timeout: 500 }));

  for (const [runtime, command] of Object.entries(RUNTIMES)) {
    it(`${runtime}: lines in, the same lines back out, status 0`, async () => {
      const run = await runChild(
        command,
        ["connect", server.url, "--max-messages", "3", "-w", "30"],
        'one\n{"op":"ping"}\nthree\n',
      );
      assert.equal(run.stdout, 'one\n{"op":"ping"}\nthree\n', run.stderr);
      assert.equal(run.status, 0);
    });
    it(`${runtime}: a bad argument prints the usage on stderr, status 2`, async () => {
      const run = await runChild(command, ["connect", server.url, "--close", "abc"]);
      assert.equal(run.status, 2);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /^wasmws connect: Cannot read --close: .*\n\nUsage: wasmws connect URL/);
    });
  }
});
