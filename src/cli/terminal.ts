/**
 * Where the command line reads and writes, and how it looks there: the
 * standard streams (replaceable in tests), colour only on a terminal and
 * never under `NO_COLOR` (https://no-color.org), and a printer that keeps
 * the line being typed intact while messages arrive.
 *
 * @example
 * ```ts
 * import { paint, processIO, wantsColour } from "./terminal.ts";
 * const io = processIO();
 * const colour = wantsColour(io);
 * io.stdout.write(paint(colour, "green", "> ") + "hello\n");
 * ```
 * @module
 */

import process from "node:process";
import * as readline from "node:readline";
import type { Readable, Writable } from "node:stream";

/** A stream that may be a terminal. */
export type Output = Writable & { isTTY?: boolean; columns?: number };

/** The streams and environment a command runs with. */
export interface CliIO {
  /** Standard input (`isTTY` when a person types into it). */
  stdin: Readable & { isTTY?: boolean };
  /** Standard output. */
  stdout: Output;
  /** Standard error. */
  stderr: Output;
  /** Environment variables (`NO_COLOR`). */
  env: Record<string, string | undefined>;
}

/**
 * The process's own streams and environment.
 *
 * @example
 * ```ts
 * processIO().stdout.write("hi\n");
 * ```
 */
export function processIO(): CliIO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/**
 * Colour on standard output: only a terminal, and never with `NO_COLOR` set to something.
 *
 * @example
 * ```ts
 * wantsColour(processIO()); // false when piped or under NO_COLOR=1
 * ```
 */
export function wantsColour(io: CliIO, stream: Output = io.stdout): boolean {
  return stream.isTTY === true && !io.env.NO_COLOR;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2 } as const;

/** A colour {@link paint} knows. */
export type Colour = keyof typeof CODES;

/**
 * `text` in `colour` when `on`, else unchanged.
 *
 * @example
 * ```ts
 * paint(true, "cyan", "<"); // "\x1b[36m<\x1b[0m"
 * paint(false, "cyan", "<"); // "<"
 * ```
 */
export function paint(on: boolean, colour: Colour, text: string): string {
  return on ? `\x1b[${CODES[colour]}m${text}\x1b[0m` : text;
}

/**
 * Prints whole lines above a readline prompt: the prompt and whatever the
 * person has typed so far are erased, the line printed, and both redrawn.
 *
 * @example
 * ```ts
 * import * as readline from "node:readline";
 * const io = processIO();
 * const rl = readline.createInterface({ input: io.stdin, output: io.stdout, terminal: true, prompt: "> " });
 * const printer = new PromptPrinter(rl, io.stdout);
 * printer.print("< a message");
 * rl.close();
 * ```
 */
export class PromptPrinter {
  readonly #rl: readline.Interface;
  readonly #out: Output;
  #active = true;

  /** Print above `rl`'s prompt on `out`. */
  constructor(rl: readline.Interface, out: Output) {
    this.#rl = rl;
    this.#out = out;
    rl.once("close", () => {
      this.#active = false;
      // The prompt left behind is no place for what follows.
      readline.cursorTo(out, 0);
      readline.clearLine(out, 0);
    });
  }

  /** Print one line (or several) without breaking the line being typed. */
  print(text: string): void {
    if (!this.#active) {
      this.#out.write(text + "\n");
      return;
    }
    // A typed line longer than the terminal wraps: go up to the prompt's first row before erasing.
    const rows = typeof this.#rl.getCursorPos === "function" ? this.#rl.getCursorPos().rows : 0;
    if (rows > 0) readline.moveCursor(this.#out, 0, -rows);
    readline.cursorTo(this.#out, 0);
    readline.clearScreenDown(this.#out);
    this.#out.write(text + "\n");
    this.#rl.prompt(true);
  }
}
