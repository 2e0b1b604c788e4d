// Test helper, not a test: Python `websockets` (Debian's python3-websockets)
// as a real peer, in a child process. Debian's python is /usr/bin/python3;
// the python3 first on PATH may be another one without the package.
import { spawn, spawnSync } from "node:child_process";

export const PYTHON = "/usr/bin/python3";

/** Why Python peers cannot run here, or undefined when they can. */
export function pythonMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ["-c", "import websockets"], { stdio: "ignore" });
  return probe.status === 0
    ? undefined
    : `${PYTHON} with the websockets package is not installed (apt-get install python3-websockets)`;
}

/** Run a Python script; resolves with its stdout once it exits (rejects after `timeout` ms). */
export function runPython(script: string, args: string[] = [], timeout = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["-c", script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => out += chunk);
    child.stderr.on("data", (chunk) => err += chunk);
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`Cannot finish the Python peer: timed out\n${err}`));
    }, timeout);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`Cannot run the Python peer (exit ${code}):\n${err}`));
    });
  });
}

/** Start a long-running Python server script that prints its port first; returns the port and a stop(). */
export function startPython(script: string, args: string[] = []): Promise<{ port: number; stop(): void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["-c", script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error("Cannot start the Python peer: no port printed"));
    }, 15_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n")[0];
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve({ port: Number(line), stop: () => child.kill() });
      }
    });
    child.on("error", reject);
  });
}
