// Test helper, not a test: Debian's tinyproxy, run in the foreground on a
// free loopback port with its own config and log in a temp dir. A missing
// binary fails loudly (CI installs the `tinyproxy` package via .ci/run).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BINARIES = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"];

/** A running tinyproxy. */
export interface Tinyproxy {
  readonly port: number;
  /** Everything tinyproxy logged so far. */
  log(): string;
  /** Kill it and remove its temp dir (safe to call twice). */
  stop(): Promise<void>;
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Start tinyproxy; with `auth`, it demands `Proxy-Authorization: Basic`. */
export async function startTinyproxy(auth?: { user: string; password: string }): Promise<Tinyproxy> {
  const binary = BINARIES.find((path) => existsSync(path));
  if (binary === undefined) {
    throw new Error(`tinyproxy not found at ${BINARIES.join(" or ")}: install the Debian package "tinyproxy"`);
  }
  const dir = mkdtempSync(join(tmpdir(), "wasmws-tinyproxy-"));
  const port = await freePort();
  const logFile = join(dir, "tinyproxy.log");
  const config = [
    `Port ${port}`,
    "Listen 127.0.0.1",
    "Timeout 30",
    "MaxClients 64",
    "Allow 127.0.0.1",
    "LogLevel Info",
    `LogFile "${logFile}"`,
    ...(auth ? [`BasicAuth ${auth.user} ${auth.password}`] : []),
  ].join("\n");
  writeFileSync(join(dir, "tinyproxy.conf"), config + "\n");
  const child: ChildProcess = spawn(binary, ["-d", "-c", join(dir, "tinyproxy.conf")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => output += chunk);
  child.stderr?.on("data", (chunk) => output += chunk);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      child.kill("SIGKILL");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const log = () => output + (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
  // Ready once it accepts connections (its log says so), or failed once it exits.
  const deadline = Date.now() + 10_000;
  while (!log().includes("Accepting connections")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const text = log();
      await stop();
      throw new Error(`tinyproxy did not start:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { port, log, stop };
}
