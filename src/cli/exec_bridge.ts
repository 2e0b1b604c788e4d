/**
 * `wasmws listen --exec CMD`: each connection gets its own process (run by
 * the shell). A text message is written to its standard input as a line, a
 * binary one as it is; each line of its standard output is sent back as a
 * text message (as websocat's `--exec` does in text mode). The process
 * exiting closes the connection; the connection closing ends the process.
 *
 * @example
 * ```ts
 * import { serve } from "../mod.ts";
 * import { bridgeToProcess } from "./exec_bridge.ts";
 * await serve({ port: 8080, websocket: (ws) => bridgeToProcess(ws, "tr a-z A-Z") });
 * ```
 * @module
 */

import { spawn } from "node:child_process";
import * as readline from "node:readline";
import type { WebSocket } from "../mod.ts";

/**
 * Pipe `ws` to a new process running `command`; `onExit` hears how it ended.
 *
 * @example
 * ```ts
 * import type { WebSocket } from "../mod.ts";
 * declare const ws: WebSocket;
 * bridgeToProcess(ws, "cat", (code) => console.log("exited", code));
 * ```
 */
export function bridgeToProcess(ws: WebSocket, command: string, onExit?: (code: number | null) => void): void {
  const child = spawn(command, { shell: true, stdio: ["pipe", "pipe", "inherit"] });
  let exited = false;
  // A process that stops reading (or has gone) must not take the server down with EPIPE.
  child.stdin.on("error", () => {});
  child.on("error", () => {});
  const lines = readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
  lines.on("line", (line) => {
    if (ws.readyState === 1) ws.send(line);
  });
  child.on("close", (code) => {
    exited = true;
    onExit?.(code);
    if (ws.readyState === 1) ws.close(1000);
  });
  ws.binaryType = "arraybuffer";
  ws.addEventListener("message", (event) => {
    if (exited) return;
    const data = event.data;
    child.stdin.write(typeof data === "string" ? data + "\n" : new Uint8Array(data as ArrayBuffer));
  });
  ws.addEventListener("close", () => {
    if (exited) return;
    child.stdin.end();
    child.kill();
  });
}
