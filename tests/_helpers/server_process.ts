// Test helper, not a test: tests/_helpers/pubsub_server.ts in a child process
// of Deno, Bun or Node 24, with its stdout events collected. Callers stop
// every child in `after`; a test process that crashes takes them along.
// The children always run the repository's sources, also when the test itself
// runs transpiled against the packed build (.test-node/, the Node 20/22 steps).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

export type RuntimeName = "deno" | "bun" | "node";

function repositoryRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules/.bin/deno")) && existsSync(join(dir, "src/mod.ts"))) return dir + "/";
  }
  throw new Error("Cannot find the repository: no node_modules/.bin/deno above this file");
}
const root = repositoryRoot();
const SCRIPT = `${root}tests/_helpers/pubsub_server.ts`;
const COMMANDS: Record<RuntimeName, string[]> = {
  // --unstable-net: Deno's reusePort needs it.
  deno: [`${root}node_modules/.bin/deno`, "run", "-A", "--unstable-net", SCRIPT],
  bun: [`${root}node_modules/.bin/bun`, SCRIPT],
  node: [`${root}node_modules/node24/bin/node`, SCRIPT],
};

/** One server process. */
export interface ServerProcess {
  readonly runtime: RuntimeName;
  readonly port: number;
  readonly pid: number;
  /** Everything it reported, in order. */
  readonly events: Array<Record<string, unknown>>;
  /** Whether it is still running. */
  readonly running: boolean;
  /** Resolves once it reported an event `matches` accepts (rejects after `timeout` ms or when it exits). */
  waitFor(matches: (event: Record<string, unknown>) => boolean, timeout?: number): Promise<void>;
  /** Stop it (SIGKILL) and wait until it is gone. */
  kill(): Promise<void>;
}

/** Start a server process; resolves once it listens. */
export function startServer(runtime: RuntimeName, env: Record<string, string>): Promise<ServerProcess> {
  const [command, ...args] = COMMANDS[runtime];
  const child: ChildProcess = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const orphan = () => child.kill("SIGKILL");
  process.once("exit", orphan);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => process.off("exit", orphan));
  const events: Array<Record<string, unknown>> = [];
  let wake = () => {};
  let stderr = "";
  let pending = "";
  child.stdout!.on("data", (chunk) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) if (line.trim() !== "") events.push(JSON.parse(line));
    wake();
  });
  child.stderr!.on("data", (chunk) => stderr += chunk);
  let running = true;
  void exited.then(() => {
    running = false;
    wake();
  });
  const waitFor = (matches: (event: Record<string, unknown>) => boolean, timeout = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        wake = () => {};
        reject(new Error(`Cannot see the ${runtime} server's event: timed out; stderr:\n${stderr}`));
      }, timeout);
      const check = () => {
        if (events.some(matches)) {
          clearTimeout(timer);
          resolve();
        } else if (!running) {
          clearTimeout(timer);
          reject(new Error(`Cannot see the ${runtime} server's event: it exited; stderr:\n${stderr}`));
        }
      };
      const previous = wake;
      wake = () => {
        previous();
        check();
      };
      check();
    });
  return waitFor((event) => event.event === "listening").then(() => {
    const listening = events.find((event) => event.event === "listening")!;
    return {
      runtime,
      port: listening.port as number,
      pid: listening.pid as number,
      events,
      get running() {
        return running;
      },
      waitFor,
      async kill() {
        if (running) child.kill("SIGKILL");
        await exited;
      },
    };
  });
}
