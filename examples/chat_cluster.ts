// One chat process per core on one port (reusePort), rooms shared through
// Redis: `REDIS_URL=redis://127.0.0.1:6379 node examples/chat_cluster.ts`.
// Works the same under `bun` and `deno run -A --unstable-net` (Deno's reusePort
// needs that flag; the workers get it too).
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import process from "node:process";

if (process.env.REDIS_URL === undefined) {
  console.error("Cannot start the cluster: set REDIS_URL (the processes share their rooms through Redis)");
  process.exit(1);
}
const script = new URL("./chat.ts", import.meta.url).pathname;
const isDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;
const args = isDeno ? ["run", "-A", "--unstable-net", script] : [script];
const workers = Array.from({ length: availableParallelism() }, () => {
  const worker = spawn(process.execPath, args, { stdio: "inherit" });
  // One crashed worker does not take the port down: the others keep accepting.
  worker.on("exit", (code, signal) => console.log(`worker ${worker.pid} exited (${code ?? signal})`));
  return worker;
});
const stop = () => {
  for (const worker of workers) worker.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
