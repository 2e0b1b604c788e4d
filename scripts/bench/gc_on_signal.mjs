// Preloaded into every benchmark server (Deno, Bun, Node alike): SIGUSR2 runs
// a full garbage collection, so idle memory is measured as what connections
// keep, not as whatever garbage the collector had not yet got to.
import process from "node:process";

const bun = globalThis.Bun;
const collect = bun ? () => bun.gc(true) : globalThis.gc;
if (typeof collect !== "function") throw new Error("gc_on_signal: start V8 runtimes with --expose-gc");
process.on("SIGUSR2", () => collect());
