/**
 * Pick the runtime's adapter at run time and load exactly that one, lazily,
 * so importing wasmws on one runtime never loads another runtime's modules.
 *
 * @example
 * ```ts
 * import { runtimeName, selectRuntime } from "./select.ts";
 * console.log(runtimeName()); // "deno", "bun", "node" or "workerd"
 * const net = await selectRuntime();
 * ```
 * @module
 */

import type { RuntimeNet } from "./types.ts";

/** The runtimes wasmws knows. */
export type RuntimeName = "deno" | "bun" | "node" | "workerd";

/**
 * Which runtime this is.
 *
 * @example
 * ```ts
 * if (runtimeName() === "workerd") console.log("no listening sockets here");
 * ```
 */
export function runtimeName(): RuntimeName {
  const g = globalThis as { Deno?: unknown; Bun?: unknown; navigator?: { userAgent?: string } };
  // Bun first: it also defines parts of Node's globals; Deno first among the rest for the same reason.
  if (g.Bun !== undefined) return "bun";
  if (g.Deno !== undefined) return "deno";
  if (g.navigator?.userAgent === "Cloudflare-Workers") return "workerd";
  return "node";
}

let selected: Promise<RuntimeNet> | undefined;

/**
 * The current runtime's networking, loaded once.
 *
 * @example
 * ```ts
 * const net = await selectRuntime();
 * const listener = await net.listen({ hostname: "127.0.0.1", port: 0 }, (transport) => transport.destroy());
 * await listener.close();
 * ```
 */
export function selectRuntime(): Promise<RuntimeNet> {
  return selected ??= load(runtimeName());
}

async function load(name: RuntimeName): Promise<RuntimeNet> {
  switch (name) {
    case "deno":
      return (await import("./deno.ts")).denoNet;
    case "bun":
      return (await import("./bun.ts")).bunNet;
    case "workerd":
      return (await import("./workerd.ts")).workerdNet;
    default:
      return (await import("./node.ts")).nodeNet;
  }
}
