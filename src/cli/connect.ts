/**
 * `wasmws connect URL`: a WebSocket client for a terminal or a pipeline.
 * Resolves with the exit status: 0 after a clean close, 1 when the
 * connection failed (the handshake's status line and the start of its body
 * on standard error) or closed uncleanly, the close code modulo 256 with
 * `--exit-with-close-code`. A bad argument throws a `UsageError` (status 2).
 *
 * @example
 * ```ts
 * import { connect } from "./connect.ts";
 * import { processIO } from "./terminal.ts";
 * const status = await connect(["ws://127.0.0.1:8080", "-x", "hello", "--max-messages", "1"], processIO());
 * console.log(status); // 0
 * ```
 * @module
 */

import { WebSocket, type WebSocketError } from "../mod.ts";
import { UsageError } from "./args.ts";
import { showBytes } from "./bytes_text.ts";
import { CONNECT_USAGE, type ConnectSettings, connectSettings } from "./connect_args.ts";
import { type InputHandle, startPipe, startPrompt } from "./connect_input.ts";
import { type ConnectView, pipedView, terminalView } from "./connect_view.ts";
import type { CliIO } from "./terminal.ts";

export { CONNECT_USAGE } from "./connect_args.ts";

// How much of a refused upgrade's body is worth a terminal's space.
const BODY_PREVIEW_BYTES = 512;

/**
 * Run `wasmws connect` with `args` (those after `connect`).
 *
 * @example
 * ```ts
 * import { processIO } from "./terminal.ts";
 * await connect(["--help"], processIO()); // prints the usage, resolves 0
 * ```
 */
export function connect(args: string[], io: CliIO): Promise<number> {
  const settings = connectSettings(args);
  if (settings.help) {
    io.stdout.write(CONNECT_USAGE + "\n");
    return Promise.resolve(0);
  }
  const interactive = io.stdin.isTTY === true && settings.execute.length === 0;
  const terminal = interactive ? terminalView(io) : undefined;
  const view: ConnectView = terminal ?? pipedView(io);
  let statusLine = "";
  const onHandshakeHead = (direction: "request" | "response", head: string): void => {
    if (direction === "response") statusLine = head.slice(0, head.indexOf("\r\n"));
    if (settings.verbose) view.info(markHead(direction === "request" ? ">" : "<", head));
  };
  let ws: WebSocket;
  try {
    ws = new WebSocket(settings.url, { ...settings.options, onHandshakeHead });
  } catch (error) {
    throw new UsageError(`Cannot connect to ${settings.url}: ${(error as Error).message}`);
  }
  ws.binaryType = "arraybuffer";
  return new Promise((resolve) => {
    let opened = false;
    let failure: WebSocketError | undefined;
    let received = 0;
    let input: InputHandle | undefined;
    let pinger: ReturnType<typeof setInterval> | undefined;
    let linger: ReturnType<typeof setTimeout> | undefined;
    const closeNow = (): void => {
      if (ws.readyState === 1) ws.close(settings.close.code, settings.close.reason);
    };
    const inputEnded = (): void => {
      void ws.drained().then(() => {
        if (ws.readyState === 1) linger = setTimeout(closeNow, settings.wait * 1000);
      });
    };
    ws.addEventListener("open", () => {
      opened = true;
      if (terminal !== undefined) {
        const extra = ws.protocol === "" ? "" : ` (subprotocol ${ws.protocol})`;
        view.info(`connected to ${ws.url}${extra}; /ping /close /binary /quit, Ctrl+C to quit`);
      }
      if (settings.ping !== undefined) pinger = setInterval(() => ws.ping(), settings.ping * 1000);
      if (settings.execute.length > 0) {
        for (const message of settings.execute) ws.send(settings.binary ? new TextEncoder().encode(message) : message);
        inputEnded();
      } else if (terminal !== undefined) input = startPrompt(ws, io, settings, terminal);
      else input = startPipe(ws, io, settings, view, inputEnded);
    });
    ws.addEventListener("message", (event) => {
      if (settings.maxMessages !== undefined && received >= settings.maxMessages) return;
      received++;
      const data = event.data;
      view.message(typeof data === "string" ? data : showBytes(new Uint8Array(data as ArrayBuffer), settings.show));
      if (received === settings.maxMessages) closeNow();
    });
    ws.addEventListener("pong", (event) => {
      if (event.rtt === undefined) return;
      const data = new TextDecoder().decode(event.data);
      view.info(`pong${data === "" ? "" : ` "${data}"`}: ${event.rtt.toFixed(2)} ms round trip`);
    });
    ws.addEventListener("error", (event) => {
      const error = event.error as WebSocketError;
      if (!opened) failure = error;
      else view.error(error.message);
    });
    ws.addEventListener("close", (event) => {
      clearInterval(pinger);
      clearTimeout(linger);
      try {
        input?.stop();
      } catch (error) {
        // A prompt that cannot be closed twice must not keep the command from ending.
        view.error(`Cannot stop reading the input: ${(error as Error).message}`);
      }
      if (!opened) {
        reportFailure(io, failure, statusLine);
        return resolve(1);
      }
      const reason = event.reason === "" ? "" : ` ${event.reason}`;
      const line = `closed ${event.code}${reason}${event.wasClean ? "" : " (not cleanly)"}`;
      const normal = event.wasClean && (event.code === 1000 || event.code === 1005);
      if (interactive || settings.verbose || !normal) view.info(line);
      resolve(exitStatus(settings, event.code, event.wasClean));
    });
  });
}

function exitStatus(settings: ConnectSettings, code: number, wasClean: boolean): number {
  if (settings.exitWithCloseCode) return code % 256;
  return wasClean ? 0 : 1;
}

function markHead(mark: string, head: string): string {
  return head.replace(/\r\n\r\n$/, "").split("\r\n").map((line) => `${mark} ${line}`).join("\n");
}

function reportFailure(io: CliIO, error: WebSocketError | undefined, statusLine: string): void {
  const view: ConnectView = pipedView(io);
  view.error(error?.message ?? "Cannot connect: the connection failed");
  const details = error?.details;
  if (details === undefined || typeof details.status !== "number") return;
  view.error(statusLine || `${details.status} ${details.statusText ?? ""}`.trim());
  const body = typeof details.body === "string" ? details.body : "";
  if (body === "") return;
  const bytes = new TextEncoder().encode(body);
  const preview = new TextDecoder().decode(bytes.subarray(0, BODY_PREVIEW_BYTES));
  view.error(preview + (bytes.length > BODY_PREVIEW_BYTES ? "..." : ""));
}
