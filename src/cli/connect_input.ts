/**
 * What `wasmws connect` sends: lines typed at the prompt (with the slash
 * commands), lines piped in (one message each, or all of stdin as one binary
 * message), or the `-x` messages; then, once the input is over, a wait for
 * replies and the close.
 *
 * @example
 * ```ts
 * import { runSlashCommand } from "./connect_input.ts";
 * import { WebSocket } from "../mod.ts";
 * const ws = new WebSocket("ws://127.0.0.1:8080");
 * ws.onopen = () => runSlashCommand("/ping hello", ws, { code: 1000, reason: "" });
 * ```
 * @module
 */

import * as readline from "node:readline";
import type { WebSocket } from "../mod.ts";
import { fromHex } from "./bytes_text.ts";
import type { ConnectSettings } from "./connect_args.ts";
import type { ConnectView, TerminalView } from "./connect_view.ts";
import type { CliIO } from "./terminal.ts";

const encoder = new TextEncoder();
// Above this many bytes queued, piped input waits for the socket to drain.
const HIGH_WATER = 1 << 20;

/** What the input side leaves behind to be stopped when the connection ends. */
export interface InputHandle {
  /** Stop reading. */
  stop(): void;
}

/**
 * Run a slash command typed at the prompt. Returns a line to print when the
 * command is unknown or fails (a bad close code, bad hex, ...), else nothing.
 *
 * @example
 * ```ts
 * import { WebSocket } from "../mod.ts";
 * declare const ws: WebSocket;
 * runSlashCommand("/close 4000 done", ws, { code: 1000, reason: "" }); // sends close 4000 "done"
 * ```
 */
export function runSlashCommand(
  line: string,
  ws: WebSocket,
  close: { code: number; reason: string },
): string | undefined {
  const space = line.indexOf(" ");
  const command = space < 0 ? line.slice(1) : line.slice(1, space);
  const rest = space < 0 ? "" : line.slice(space + 1);
  try {
    switch (command) {
      case "ping":
        ws.ping(rest);
        return;
      case "close": {
        const [code, ...reason] = rest.split(" ").filter((word) => word !== "");
        if (code === undefined) ws.close(close.code, close.reason);
        else if (!/^\d+$/.test(code)) return `Cannot close: "${code}" is not a close code`;
        else ws.close(Number(code), reason.join(" "));
        return;
      }
      case "binary":
        ws.send(fromHex(rest));
        return;
      case "quit":
        ws.close(close.code, close.reason);
        return;
      default:
        return `Cannot run /${command}: the commands are /ping [data], /close [code [reason]], /binary HEX, /quit`;
    }
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The prompt: each line typed is sent (or run, if a slash command); Ctrl+C
 * and Ctrl+D close the connection.
 *
 * @example
 * ```ts
 * import { WebSocket } from "../mod.ts";
 * import { connectSettings } from "./connect_args.ts";
 * import { terminalView } from "./connect_view.ts";
 * import { processIO } from "./terminal.ts";
 * declare const ws: WebSocket;
 * const io = processIO();
 * startPrompt(ws, io, connectSettings(["ws://h"]), terminalView(io));
 * ```
 */
export function startPrompt(ws: WebSocket, io: CliIO, settings: ConnectSettings, view: TerminalView): InputHandle {
  const rl = readline.createInterface({ input: io.stdin, output: io.stdout, terminal: true, prompt: view.prompt });
  view.attach(rl);
  const quit = (): void => {
    if (ws.readyState === 1) ws.close(settings.close.code, settings.close.reason);
  };
  rl.on("line", (line) => {
    if (line.startsWith("/") && !line.startsWith("//")) {
      const problem = runSlashCommand(line, ws, settings.close);
      if (problem !== undefined) view.error(problem);
    } else if (line !== "" && ws.readyState === 1) {
      const text = line.startsWith("//") ? line.slice(1) : line;
      ws.send(settings.binary ? encoder.encode(text) : text);
    }
    rl.prompt();
  });
  rl.on("SIGINT", () => rl.close());
  rl.on("close", quit);
  rl.prompt();
  return { stop: () => rl.close() };
}

/**
 * Piped input: each line one message (or, with `--binary`, all of stdin
 * one binary message); `ended` is called at its end.
 *
 * @example
 * ```ts
 * import { WebSocket } from "../mod.ts";
 * import { connectSettings } from "./connect_args.ts";
 * import { pipedView } from "./connect_view.ts";
 * import { processIO } from "./terminal.ts";
 * declare const ws: WebSocket;
 * const io = processIO();
 * startPipe(ws, io, connectSettings(["ws://h"]), pipedView(io), () => ws.close());
 * ```
 */
export function startPipe(
  ws: WebSocket,
  io: CliIO,
  settings: ConnectSettings,
  view: ConnectView,
  ended: () => void,
): InputHandle {
  let stopped = false;
  let rl: readline.Interface | undefined;
  const read = async (): Promise<void> => {
    if (settings.binary) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of io.stdin) {
        if (stopped) return;
        chunks.push(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      }
      if (ws.readyState === 1) ws.send(concat(chunks));
    } else {
      rl = readline.createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
      for await (const line of rl) {
        if (stopped || ws.readyState !== 1) return;
        ws.send(line);
        if (ws.bufferedAmount > HIGH_WATER) await ws.drained();
      }
    }
    if (!stopped) ended();
  };
  read().catch((error) => {
    view.error(`Cannot read the input: ${(error as Error).message}`);
    if (ws.readyState === 1) ws.close(settings.close.code, settings.close.reason);
  });
  return {
    stop() {
      stopped = true;
      rl?.close();
    },
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}
