// Test helper, not a test: Debian's redis-server on a free loopback port, in
// a temporary directory of its own, persisting nothing. Callers stop it in
// `after`, so it goes even when a test fails.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

export const REDIS_SERVER = "/usr/bin/redis-server";

/** A running redis-server. */
export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  /** The running server's process id (undefined while killed). */
  readonly pid: number | undefined;
  /** Kill it at once (SIGKILL: no goodbye to its clients), as a crash would. */
  kill(): Promise<void>;
  /** Start it again on the same port, after `kill`. */
  restart(): Promise<void>;
  /** Kill it and remove its directory. */
  stop(): Promise<void>;
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Start redis-server; fails loudly when Debian's binary is missing (CI installs it through .ci/run). */
export async function startRedis(): Promise<RedisProcess> {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(`Cannot start Redis: ${REDIS_SERVER} is missing (apt-get install redis-server)`);
  }
  const dir = mkdtempSync(join(tmpdir(), "wasmws-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
      args.push("--daemonize", "no", "--dir", dir, "--protected-mode", "yes");
      const started = spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] });
      child = started;
      // Even a test process that crashes takes its Redis along.
      const orphan = () => started.kill("SIGKILL");
      process.once("exit", orphan);
      started.once("exit", () => process.off("exit", orphan));
      let out = "";
      const timer = setTimeout(() => {
        started.kill("SIGKILL");
        reject(new Error(`Cannot start Redis: not ready after 15 s\n${out}`));
      }, 15_000);
      started.stdout!.on("data", (chunk) => {
        out += chunk;
        if (out.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.stderr!.on("data", (chunk) => out += chunk);
      started.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`Cannot start Redis: exited with ${code}\n${out}`));
      });
    });
  const kill = () =>
    new Promise<void>((resolve) => {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return resolve();
      running.once("exit", () => resolve());
      running.kill("SIGKILL");
    });
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    kill,
    restart: launch,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
