/**
 * Whether this runtime can share a listening port among processes
 * (`SO_REUSEPORT`), checked before listening: Node before 22.12 ignores the
 * option silently (the second process then fails with `EADDRINUSE`), and
 * Deno without `--unstable-net` exits the whole process when asked for it.
 *
 * @example
 * ```ts
 * import { checkReusePort } from "./reuse_port.ts";
 * checkReusePort(); // throws WS_ERR_REUSE_PORT where the runtime cannot
 * ```
 * @module
 */

import { WebSocketError } from "../protocol/errors.ts";
import { runtimeName } from "../transport/select.ts";

/**
 * Throw `WS_ERR_REUSE_PORT` (saying why) unless `reusePort` works here.
 *
 * @example
 * ```ts
 * try {
 *   checkReusePort();
 * } catch (error) {
 *   console.log((error as Error).message);
 * }
 * ```
 */
export function checkReusePort(): void {
  const why = unsupported();
  if (why !== undefined) throw new WebSocketError("WS_ERR_REUSE_PORT", `reusePort is not supported: ${why}`);
}

function unsupported(): string | undefined {
  const g = globalThis as { Deno?: { listenDatagram?: unknown }; process?: { versions?: { node?: string } } };
  switch (runtimeName()) {
    case "bun":
      return undefined;
    case "deno":
      // Deno defines its unstable networking APIs only under --unstable-net (or "unstable": ["net"]).
      return typeof g.Deno?.listenDatagram === "function" ? undefined : "Deno needs --unstable-net";
    case "workerd":
      return "workerd has no listening sockets";
    default: {
      const [major, minor] = (g.process?.versions?.node ?? "0.0").split(".").map(Number);
      return major > 22 || (major === 22 && minor >= 12)
        ? undefined
        : `Node ${g.process?.versions?.node} (it needs 22.12 or later)`;
    }
  }
}
