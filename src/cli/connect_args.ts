/**
 * `wasmws connect`'s command line: its options, its usage text, and the
 * settings they make (the `WebSocket` options among them).
 *
 * @example
 * ```ts
 * import { connectSettings } from "./connect_args.ts";
 * const settings = connectSettings(["ws://127.0.0.1:8080", "-H", "Cookie: a=1", "-x", "hi", "-w", "0.5"]);
 * console.log(settings.execute, settings.wait); // ["hi"] 0.5
 * ```
 * @module
 */

import { readFileSync } from "node:fs";
import type { WebSocketOptions } from "../mod.ts";
import {
  listOf,
  type OptionsConfig,
  parseCloseSpec,
  parseCommand,
  parseHeader,
  parseInteger,
  parseSeconds,
  parseShow,
  stringOf,
  UsageError,
  withWsScheme,
} from "./args.ts";
import type { ShowMode } from "./bytes_text.ts";

/** The usage text of `wasmws connect`. */
export const CONNECT_USAGE = `Usage: wasmws connect URL [options]

Open a WebSocket. On a terminal: type a line to send it; /ping [data], /close [code [reason]],
/binary HEX and /quit are commands (start a line with // to send one starting with /).
Piped: each input line is one message, each message one output line.
A URL without a scheme is taken as ws:// (localhost:8080 is ws://localhost:8080), as wscat does.

Options:
  -H, --header "Name: value"  add a handshake header (repeatable)
  -s, --subprotocol NAME      offer a subprotocol (repeatable)
      --origin ORIGIN         send an Origin header
      --ca FILE               trust the CA certificates in FILE (PEM)
  -k, --insecure              accept any server certificate (not on Deno: use --ca)
      --no-deflate            do not offer permessage-deflate
      --ping SECONDS          ping every SECONDS and print each round trip
  -x, --execute MESSAGE       send MESSAGE once open, read no input (repeatable)
  -w, --wait SECONDS          after the last message sent (-x, or the end of piped input),
                              wait SECONDS for replies, then close (default 1)
      --max-messages N        close after receiving N messages
      --close CODE[:REASON]   the close code and reason to send (default 1000)
  -b, --binary                send binary: piped, all of stdin as one message; else each line
      --show hex|base64|text  how to print binary messages (default hex)
  -v, --verbose               print the handshake request and response heads
      --exit-with-close-code  exit with the close code (modulo 256)
  -h, --help                  print this help

Exit status: 0 after a clean close, 1 when the connection fails (or closes uncleanly),
2 for a bad argument.`;

const OPTIONS = {
  header: { type: "string", short: "H", multiple: true },
  subprotocol: { type: "string", short: "s", multiple: true },
  origin: { type: "string" },
  ca: { type: "string" },
  insecure: { type: "boolean", short: "k" },
  "no-deflate": { type: "boolean" },
  ping: { type: "string" },
  execute: { type: "string", short: "x", multiple: true },
  wait: { type: "string", short: "w" },
  "max-messages": { type: "string" },
  close: { type: "string" },
  binary: { type: "boolean", short: "b" },
  show: { type: "string" },
  verbose: { type: "boolean", short: "v" },
  "exit-with-close-code": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} satisfies OptionsConfig;

/** What a `wasmws connect` command line asks for. */
export interface ConnectSettings {
  /** `--help` was given: print the usage, do nothing else. */
  help: boolean;
  /** Where to connect. */
  url: string;
  /** The `WebSocket` constructor's options. */
  options: WebSocketOptions;
  /** Messages to send once open (`-x`). */
  execute: string[];
  /** Seconds to wait for replies after the last message sent. */
  wait: number;
  /** Close after this many messages received. */
  maxMessages: number | undefined;
  /** Seconds between pings. */
  ping: number | undefined;
  /** The close frame we send. */
  close: { code: number; reason: string };
  /** Send binary messages. */
  binary: boolean;
  /** How binary messages print. */
  show: ShowMode;
  /** Print the handshake heads. */
  verbose: boolean;
  /** Exit with the close code. */
  exitWithCloseCode: boolean;
}

/**
 * Read a `wasmws connect` command line (the arguments after `connect`).
 * Throws a {@link UsageError} for a bad one.
 *
 * @example
 * ```ts
 * connectSettings(["wss://example.com", "--insecure"]).options.tls; // { rejectUnauthorized: false }
 * ```
 */
export function connectSettings(args: string[]): ConnectSettings {
  const { values, positionals } = parseCommand(args, OPTIONS);
  const help = values.help === true;
  if (!help && positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? "Cannot connect: a URL is required" : "Cannot connect: one URL only",
    );
  }
  const headers = listOf(values, "header").map(parseHeader);
  const origin = stringOf(values, "origin");
  if (origin !== undefined) headers.push(["Origin", origin]);
  const options: ConnectSettings["options"] = { headers };
  const protocols = listOf(values, "subprotocol");
  if (protocols.length > 0) options.protocols = protocols;
  const ca = stringOf(values, "ca");
  if (ca !== undefined || values.insecure === true) {
    options.tls = {};
    if (ca !== undefined) options.tls.ca = readPem(ca);
    if (values.insecure === true) options.tls.rejectUnauthorized = false;
  }
  if (values["no-deflate"] === true) options.perMessageDeflate = false;
  const ping = stringOf(values, "ping");
  const wait = stringOf(values, "wait");
  const max = stringOf(values, "max-messages");
  const close = stringOf(values, "close");
  return {
    help,
    url: withWsScheme(positionals[0] ?? ""),
    options,
    execute: listOf(values, "execute"),
    wait: wait === undefined ? 1 : parseSeconds("--wait", wait),
    maxMessages: max === undefined ? undefined : parseInteger("--max-messages", max, 1),
    ping: ping === undefined ? undefined : positive("--ping", parseSeconds("--ping", ping)),
    close: close === undefined ? { code: 1000, reason: "" } : parseCloseSpec(close),
    binary: values.binary === true,
    show: parseShow(stringOf(values, "show")),
    verbose: values.verbose === true,
    exitWithCloseCode: values["exit-with-close-code"] === true,
  };
}

function positive(option: string, seconds: number): number {
  if (seconds === 0) throw new UsageError(`Cannot read ${option}: the interval must be more than 0 seconds`);
  return seconds;
}

function readPem(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read --ca: ${(error as Error).message}`);
  }
}
