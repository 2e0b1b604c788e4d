/**
 * Where `wasmws connect` prints: on a terminal, every line above the prompt
 * with its direction mark (`<` in, `>` out — the prompt itself) and colour
 * when allowed; piped, messages alone on standard output (one a line) and
 * everything else on standard error, so pipelines see only the messages.
 *
 * @example
 * ```ts
 * import { pipedView } from "./connect_view.ts";
 * import { processIO } from "./terminal.ts";
 * const view = pipedView(processIO());
 * view.message("hello"); // stdout: "hello"
 * view.info("closed 1000"); // stderr
 * ```
 * @module
 */

import type * as readline from "node:readline";
import { type CliIO, paint, PromptPrinter, wantsColour } from "./terminal.ts";

/** The lines `connect` prints. */
export interface ConnectView {
  /** A message received. */
  message(text: string): void;
  /** A status line (open, pong, close, handshake heads). */
  info(text: string): void;
  /** Something went wrong. */
  error(text: string): void;
}

/**
 * Messages on standard output, one a line; the rest on standard error.
 *
 * @example
 * ```ts
 * import { processIO } from "./terminal.ts";
 * pipedView(processIO()).error("Cannot send: closed");
 * ```
 */
export function pipedView(io: CliIO): ConnectView {
  return {
    message: (text) => void io.stdout.write(text + "\n"),
    info: (text) => void io.stderr.write(text + "\n"),
    error: (text) => void io.stderr.write(text + "\n"),
  };
}

/** The terminal view, and the step that puts the prompt under it. */
export interface TerminalView extends ConnectView {
  /** From now on print above `rl`'s prompt. */
  attach(rl: readline.Interface): void;
  /** The prompt: the outgoing mark. */
  readonly prompt: string;
}

/**
 * Everything on standard output, above the prompt once there is one.
 *
 * @example
 * ```ts
 * import { processIO } from "./terminal.ts";
 * const view = terminalView(processIO());
 * view.info("connecting");
 * ```
 */
export function terminalView(io: CliIO): TerminalView {
  const colour = wantsColour(io);
  let printer: PromptPrinter | undefined;
  const print = (text: string): void => printer ? printer.print(text) : void io.stdout.write(text + "\n");
  return {
    prompt: paint(colour, "green", ">") + " ",
    attach(rl) {
      printer = new PromptPrinter(rl, io.stdout);
    },
    message: (text) => print(paint(colour, "cyan", "<") + " " + text),
    info: (text) => print(paint(colour, "dim", text)),
    error: (text) => print(paint(colour, "red", text)),
  };
}
