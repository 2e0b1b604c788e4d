// Test helper, not a test: run the `wasmws` command line in this process (fake standard streams) or as a
// child process of any runtime, and an echo server to point it at.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { serve, type ServeOptions, type Server } from "../../src/mod.ts";
import { main } from "../../src/cli.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
/** The CLI entry: the sources, or the packed build's JS when the tests run against it. */
export const CLI = existsSync(here("../../src/cli.ts")) ? here("../../src/cli.ts") : here("../../src/cli.js");

// The repository's node_modules, from tests/_helpers/ or from .test-node/tests/_helpers/.
const modules = [here("../../node_modules"), here("../../../node_modules")].find((dir) =>
  existsSync(`${dir}/.bin/deno`)
);

/** How to start the CLI on each runtime. */
export const RUNTIMES: Record<string, string[]> = {
  deno: [`${modules}/.bin/deno`, "run", "-A", CLI],
  bun: [`${modules}/.bin/bun`, CLI],
  node24: [`${modules}/node24/bin/node`, CLI],
};

/** The CLI on the runtime running this test. */
export function currentRuntime(): string[] {
  return "Deno" in globalThis ? [process.execPath, "run", "-A", CLI] : [process.execPath, CLI];
}

/** What a run printed and how it ended. */
export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run `main()` here, with `input` on a piped (non-TTY) stdin. */
export async function runMain(args: string[], input = "", env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const sink = (add: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        add(String(chunk));
        done();
      },
    });
  const io = {
    stdin: Readable.from([new TextEncoder().encode(input)]),
    stdout: sink((text) => stdout += text),
    stderr: sink((text) => stderr += text),
    env,
  };
  const status = await main(args, io);
  return { status, stdout, stderr };
}

/** Run the CLI as a child process (`command` from {@link RUNTIMES}), `input` on its stdin; killed after `ms`. */
export function runChild(command: string[], args: string[], input = "", ms = 30_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], [...command.slice(1), ...args], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => stdout += chunk);
    child.stderr.on("data", (chunk) => stderr += chunk);
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status: status ?? -1, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** A server on a free loopback port: echoes unless `options.websocket` says otherwise. */
export function echoServer(options: ServeOptions = {}): Promise<Server & { url: string }> {
  return serve({
    hostname: "127.0.0.1",
    port: 0,
    websocket: (ws) => ws.addEventListener("message", (event) => ws.send(event.data)),
    ...options,
  }).then((server) => Object.assign(server, { url: `ws://127.0.0.1:${server.address.port}` }));
}
