/**
 * `wasmws listen PORT`: a WebSocket server for trying clients against.
 * Echoes (the default), broadcasts each message to every client, or pipes
 * each connection to a process; serves a directory over plain HTTP on the
 * same port; prints connects, messages and disconnects with the peer's
 * address. Runs until SIGINT or SIGTERM, then closes everyone with 1001.
 *
 * @example
 * ```ts
 * import { listen } from "./listen.ts";
 * import { processIO } from "./terminal.ts";
 * await listen(["8080", "--broadcast"], processIO()); // until Ctrl+C
 * ```
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";
import { type NetAddress, serve, type ServeOptions } from "../mod.ts";
import { type OptionsConfig, parseCommand, parseInteger, parseShow, stringOf, UsageError } from "./args.ts";
import { showBytes } from "./bytes_text.ts";
import { bridgeToProcess } from "./exec_bridge.ts";
import { staticFiles } from "./static_files.ts";
import { type CliIO, paint, wantsColour } from "./terminal.ts";

/** The usage text of `wasmws listen`. */
export const LISTEN_USAGE = `Usage: wasmws listen PORT [options]

Serve WebSocket connections on PORT (0 picks a free port) until Ctrl+C.

Options:
      --echo                  send each message back to its sender (the default)
      --broadcast             send each message to every client
      --exec CMD              pipe each connection to a new process running CMD: text
                              messages become lines on its stdin, its stdout lines messages
                              (a program that buffers its output, as tr and sed do, answers late)
      --static DIR            serve the files in DIR over HTTP on the same port
      --host HOST             the address to bind (default 127.0.0.1; 0.0.0.0 for all)
      --cert FILE, --key FILE serve wss:// with this certificate and key (PEM)
      --show hex|base64|text  how to print binary messages (default hex)
  -q, --quiet                 print connects and disconnects, not messages
  -h, --help                  print this help`;

const OPTIONS = {
  echo: { type: "boolean" },
  broadcast: { type: "boolean" },
  exec: { type: "string" },
  static: { type: "string" },
  host: { type: "string" },
  cert: { type: "string" },
  key: { type: "string" },
  show: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} satisfies OptionsConfig;

/**
 * Run `wasmws listen` with `args` (those after `listen`); resolves with the
 * exit status once stopped by a signal.
 *
 * @example
 * ```ts
 * import { processIO } from "./terminal.ts";
 * await listen(["--help"], processIO()); // 0
 * ```
 */
export async function listen(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(args, OPTIONS);
  if (values.help === true) {
    io.stdout.write(LISTEN_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("Cannot listen: one PORT is required");
  const port = parseInteger("PORT", positionals[0], 0, 65535);
  const exec = stringOf(values, "exec");
  const modes = [values.echo === true, values.broadcast === true, exec !== undefined].filter(Boolean).length;
  if (modes > 1) throw new UsageError("Cannot listen: choose one of --echo, --broadcast and --exec");
  const mode = exec !== undefined ? "exec" : values.broadcast === true ? "broadcast" : "echo";
  const show = parseShow(stringOf(values, "show"));
  const cert = stringOf(values, "cert");
  const key = stringOf(values, "key");
  if ((cert === undefined) !== (key === undefined)) throw new UsageError("Cannot listen: --cert needs --key");
  const dir = stringOf(values, "static");
  const quiet = values.quiet === true;
  const colour = wantsColour(io);
  const log = (peer: string, text: string): void => void io.stdout.write(`${paint(colour, "dim", peer)} ${text}\n`);

  const options: ServeOptions = {
    hostname: stringOf(values, "host") ?? "127.0.0.1",
    port,
    websocket(ws, request) {
      const peer = addressOf(ws.remoteAddress);
      log(peer, paint(colour, "green", "connected") + ` ${new URL(request.url).pathname}`);
      ws.binaryType = "arraybuffer";
      ws.addEventListener("message", (event) => {
        const data = typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer);
        if (!quiet) {
          log(peer, paint(colour, "cyan", "<") + " " + (typeof data === "string" ? data : showBytes(data, show)));
        }
        if (mode === "echo") ws.send(data);
        else if (mode === "broadcast") server.broadcast(data);
      });
      ws.addEventListener("close", (event) => {
        const reason = event.reason === "" ? "" : ` ${event.reason}`;
        log(peer, paint(colour, "yellow", "disconnected") + ` ${event.code}${reason}`);
      });
      if (exec !== undefined) bridgeToProcess(ws, exec);
    },
  };
  if (cert !== undefined && key !== undefined) {
    options.tls = { cert: readPem("--cert", cert), key: readPem("--key", key) };
  }
  if (dir !== undefined) options.fetch = staticFiles(dir);
  const server = await serve(options);
  const scheme = options.tls === undefined ? "ws" : "wss";
  io.stdout.write(`listening on ${scheme}://${hostPort(server.address)}/ (${mode})\n`);
  return await new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void server.shutdown({ timeout: 1000 }).then(() => resolve(0));
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function hostPort(address: NetAddress): string {
  return address.hostname.includes(":")
    ? `[${address.hostname}]:${address.port}`
    : `${address.hostname}:${address.port}`;
}

function addressOf(address: NetAddress | undefined): string {
  return address === undefined ? "(unknown peer)" : hostPort(address);
}

function readPem(option: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read ${option}: ${(error as Error).message}`);
  }
}
