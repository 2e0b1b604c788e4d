// Preloaded into every benchmark server (Deno, Bun, Node alike): SIGUSR2 runs
// a full garbage collection, so idle memory is measured as what connections
// keep, not as whatever garbage the collector had not yet got to.
import process from "node:process";

//
// With GC_FLAVOR=last-resort, V8 runtimes collect as they do before giving
// up on memory (what V8's memory reducer does to an idle process after a
// while): the young generation shrinks back and its pages are released. A
// plain full GC leaves the young generation as large as the handshakes grew
// it, and as much of it in RSS as their garbage happened to touch since it
// last grew: at 10,000 connections that moves a figure by ±1.5 KiB per
// connection, and counts handshake garbage as connection state.
const bun = globalThis.Bun;
const v8gc = globalThis.gc;
const options = process.env.GC_FLAVOR ? { type: "major", execution: "sync", flavor: process.env.GC_FLAVOR } : undefined;
const collect = bun ? () => bun.gc(true) : v8gc && (() => v8gc(options));
if (typeof collect !== "function") throw new Error("gc_on_signal: start V8 runtimes with --expose-gc");
process.on("SIGUSR2", () => collect());
