// Child processes for the echo benchmark (scripts/bench/echo.ts): servers that
// print "listening on ws://…", clients that print one JSON line, idle
// connection holders, and the machine-quiet wait. Nothing outlives the script.
export const root = decodeURIComponent(new URL("../..", import.meta.url).pathname);
export const bin = (name: string): string => `${root}node_modules/.bin/${name}`;
export const NODE = `${root}node_modules/node24/bin/node`;

/** A running server and the URL it printed. */
export interface Proc {
  child: Deno.ChildProcess;
  pid: number;
  url: string;
}

// With two cores or more, a server and the process driving it get one core
// each, so neither is scheduled onto the other's and runs are steadier.
const PIN = navigator.hardwareConcurrency >= 2 && !Deno.args.includes("--no-pin") &&
  (await Deno.stat("/usr/bin/taskset").then(() => true, () => false));
/** Whether servers and drivers are pinned to separate cores. */
export const pinned: boolean = PIN;

/** `command` run on core `core` when pinning is on. */
export function onCore(core: number, command: string[]): string[] {
  return PIN ? ["/usr/bin/taskset", "-c", String(core), ...command] : command;
}

const children = new Set<Deno.ChildProcess>();
function spawn(command: string, options: Deno.CommandOptions): Deno.ChildProcess {
  const child = new Deno.Command(command, options).spawn();
  children.add(child);
  child.status.then(() => children.delete(child));
  return child;
}
function kill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // Already gone.
  }
}
/** Kill every child still running. */
export function killAll(): void {
  for (const child of children) kill(child);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  Deno.addSignalListener(signal, () => {
    killAll();
    Deno.exit(130);
  });
}

/** Start a server (with `env` added to its environment) and wait (15 s at most) for its "listening on" line. */
export async function startServer(command: string[], script: string, env: Record<string, string> = {}): Promise<Proc> {
  const args = [...command.slice(1), script];
  const child = spawn(command[0], {
    args,
    cwd: root,
    env: { PORT: "0", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  });
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  // A server that hangs before printing would block the read below forever; killing it ends the read.
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    kill(child);
  }, 15_000);
  try {
    while (!/listening on (ws:\/\/\S+)/.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`Cannot start ${script}: ${late ? 'no "listening on" line in 15 s' : "it exited"}`);
      text += value;
    }
  } catch (error) {
    await stop({ child, pid: child.pid, url: "" });
    throw error;
  } finally {
    clearTimeout(timer);
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  // Under taskset the child is taskset's exec of the server: same pid.
  return { child, pid: child.pid, url: text.match(/listening on (ws:\/\/\S+)/)![1] };
}

/** Kill a server and wait until it is gone. */
export function stop(proc: Proc): Promise<void> {
  kill(proc.child);
  return proc.child.status.then(() => {});
}

/** Run a process that prints one JSON line last; `{ error }` if it fails or prints none within `ms`. */
export async function runJson(command: string[], args: string[], ms: number): Promise<Record<string, unknown>> {
  const child = spawn(command[0], {
    args: [...command.slice(1), ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
  const timer = setTimeout(() => kill(child), ms);
  const { stdout, stderr, success } = await child.output();
  clearTimeout(timer);
  const errors = new TextDecoder().decode(stderr).trim();
  // A server that fails the generator's checks must be seen, not just shown as "error" in a cell.
  if (errors) console.error(errors.replace(/^/gm, "  "));
  const line = new TextDecoder().decode(stdout).trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line);
  } catch {
    return { error: success ? line : errors.slice(-300) };
  }
}

/** Resident memory of `pid` in bytes. */
export async function rss(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(status.match(/VmRSS:\s+(\d+) kB/)![1]) * 1024;
}

/** Open `count` idle ws connections from a child process; resolves once they are open, with a stop(). */
export async function idleClients(url: string, count: number): Promise<() => Promise<void>> {
  const client = spawn(NODE, {
    args: ["scripts/bench/idle_client.ts", url, String(count)],
    cwd: root,
    stdin: "piped",
    stdout: "piped",
  });
  const reader = client.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("open ")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`idle_client could not open ${count} connections`);
    text += value;
  }
  reader.releaseLock();
  return async () => {
    const writer = client.stdin.getWriter();
    await writer.write(new TextEncoder().encode("close\n")).catch(() => {});
    await writer.close().catch(() => {});
    await client.status;
  };
}

/** Busy cores of the whole machine over `ms`, from /proc/stat. */
async function machineBusy(ms: number): Promise<number> {
  const read = async () => {
    const times = (await Deno.readTextFile("/proc/stat")).split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = times;
    return {
      busy: user + nice + system + irq + softirq + steal,
      all: user + nice + system + idle + iowait + irq + softirq + steal,
    };
  };
  const before = await read();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await read();
  return (after.busy - before.busy) / (after.all - before.all) * navigator.hardwareConcurrency;
}

/**
 * Wait (boundedly) until the machine is nearly idle: with two cores, anything
 * else running takes the server's or the generator's core, and the run would
 * measure the neighbour.
 */
export async function waitForQuiet(quick: boolean): Promise<void> {
  const deadline = Date.now() + (quick ? 5_000 : 60_000);
  let busy = await machineBusy(500);
  while (busy > 0.25 && Date.now() < deadline) busy = await machineBusy(500);
  if (busy > 0.25) console.error(`  (machine still busy: ${busy.toFixed(2)} cores in use by others; measuring anyway)`);
}

/**
 * Memory per idle connection, in bytes: the server's RSS growth from `base`
 * to `base + count` connections, so start-up costs cancel out. Each reading
 * follows a full garbage collection in the server (SIGUSR2, see
 * gc_on_signal.mjs): handshakes leave about 11 KiB of garbage per connection
 * for wasmws and ws alike, and whether the collector had got to it moved a
 * figure by ±2 KiB from run to run.
 */
export async function idleMemory(proc: Proc, base: number, count: number): Promise<number> {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));
  const collected = async () => {
    await settle();
    Deno.kill(proc.pid, "SIGUSR2");
    await settle();
    return await rss(proc.pid);
  };
  const stopBase = await idleClients(proc.url, base);
  const before = await collected();
  const stopMore = await idleClients(proc.url, count);
  const after = await collected();
  await Promise.all([stopBase(), stopMore()]);
  return (after - before) / count;
}
