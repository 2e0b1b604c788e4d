#!/usr/bin/env node
/**
 * The `wasmws` command line: `connect`, `listen` and `bench`, on Deno
 * (`deno run -A jsr:@wasmws/wasmws/cli`), Bun (`bunx wasmws`) and Node
 * (`npx wasmws`). Run as a program it reads `process.argv`; imported, it
 * only exports {@link main}.
 *
 * @example
 * ```ts
 * import { main } from "./cli.ts";
 * const status = await main(["connect", "ws://127.0.0.1:8080", "-x", "hello", "-w", "1"]);
 * console.log(status); // 0 after a clean close
 * ```
 * @module
 */

import process from "node:process";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { UsageError } from "./cli/args.ts";
import { bench, BENCH_USAGE } from "./cli/bench.ts";
import { connect, CONNECT_USAGE } from "./cli/connect.ts";
import { listen, LISTEN_USAGE } from "./cli/listen.ts";
import { type CliIO, processIO } from "./cli/terminal.ts";

export type { CliIO, Output } from "./cli/terminal.ts";

const USAGE = `Usage: wasmws <command> [options]

Commands:
  connect URL   open a WebSocket: type or pipe messages, see what comes back
  listen PORT   a WebSocket server: echo, broadcast, or pipe each connection to a command
  bench URL     measure messages per second and round trips against an echo server

wasmws <command> --help prints the command's options.`;

const COMMANDS: Record<string, { run: (args: string[], io: CliIO) => Promise<number>; usage: string }> = {
  connect: { run: connect, usage: CONNECT_USAGE },
  listen: { run: listen, usage: LISTEN_USAGE },
  bench: { run: bench, usage: BENCH_USAGE },
};

/**
 * Run a command line (the arguments after the program's name) and resolve
 * with its exit status; a bad argument prints the usage and gives 2.
 *
 * @example
 * ```ts
 * await main(["--help"]); // 0
 * await main(["nonsense"]); // 2, with the usage on standard error
 * ```
 */
export async function main(args: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = args;
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(USAGE + "\n");
    return 0;
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(
      `${name === undefined ? "wasmws: a command is required" : `wasmws: unknown command "${name}"`}\n\n`,
    );
    io.stderr.write(USAGE + "\n");
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`wasmws ${name}: ${error.message}\n\n${command.usage}\n`);
    return 2;
  }
}

// Deno and Bun say whether this module is the program; Node 20 does not, so compare paths (npx runs a symlink).
function isProgram(): boolean {
  const meta = import.meta as ImportMeta & { main?: boolean };
  if (typeof meta.main === "boolean") return meta.main;
  const script = process.argv[1];
  if (script === undefined || !import.meta.url.startsWith("file:")) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// Not a top-level await: `require("wasmws/cli")` must load this module too.
async function runAsProgram(): Promise<void> {
  const status = await main(process.argv.slice(2));
  // Whatever is still written goes out before the exit (a pipe to Bun may be asynchronous), but a stream
  // that never calls back must not keep the program alive.
  const flushed = (stream: NodeJS.WritableStream) => new Promise<void>((resolve) => stream.write("", () => resolve()));
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 500));
  // Terminals are written synchronously everywhere; only pipes and files need the wait.
  if (!process.stdout.isTTY || !process.stderr.isTTY) {
    await Promise.race([Promise.all([flushed(process.stdout), flushed(process.stderr)]), timeout]);
  }
  process.exit(status);
}

if (isProgram()) void runAsProgram();
