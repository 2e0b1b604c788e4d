/**
 * Listening, with the same failures on every runtime: a bad port, a taken
 * port, a hostname that is not this machine's, or a certificate that is
 * not PEM each throw a `WebSocketError` with one `code` and one message
 * ("Cannot listen on 127.0.0.1:8080: the address is in use"), whatever
 * Deno, Bun or Node said; what they said stays reachable as `cause`.
 *
 * @example
 * ```ts
 * import { listen } from "./listen.ts";
 * import { selectRuntime } from "../transport/select.ts";
 * const listener = await listen(await selectRuntime(), { hostname: "127.0.0.1", port: 0 }, (t) => t.destroy());
 * await listener.close();
 * ```
 * @module
 */

import { type ErrorCode, WebSocketError } from "../protocol/errors.ts";
import type { Listener, ListenOptions, RuntimeNet, Transport } from "../transport/types.ts";

/**
 * `net.listen(options)`, its arguments checked first and its failures
 * translated. Checks made here (the port, the PEM shape) have no `cause`:
 * no runtime was asked.
 *
 * @example
 * ```ts
 * import { selectRuntime } from "../transport/select.ts";
 * import { WebSocketError } from "../protocol/errors.ts";
 * try {
 *   await listen(await selectRuntime(), { hostname: "127.0.0.1", port: 70000 }, (t) => t.destroy());
 * } catch (error) {
 *   console.log((error as WebSocketError).code); // "WS_ERR_LISTEN_PORT"
 * }
 * ```
 */
export async function listen(
  net: RuntimeNet,
  options: ListenOptions,
  onConnection: (transport: Transport) => void,
): Promise<Listener> {
  // "[::1]" as URLs write it: Deno takes it, Bun and Node look it up as a name and fail.
  const given = options.hostname ?? "0.0.0.0";
  const hostname = given.startsWith("[") && given.endsWith("]") ? given.slice(1, -1) : given;
  const port: unknown = options.port;
  const action = `listen on ${hostPort(hostname, port)}`;
  const fail = (code: ErrorCode, detail?: string, cause?: unknown) =>
    new WebSocketError(code, detail, { hostname, port }, { cause, action });
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw fail("WS_ERR_LISTEN_PORT");
  }
  // Node would listen everywhere, Deno and Bun refuse: refused here, the same on all.
  if (hostname === "") throw fail("WS_ERR_LISTEN_HOSTNAME", "the hostname is empty");
  if (options.tls !== undefined) {
    for (const part of ["cert", "key"] as const) {
      const pem: unknown = options.tls[part];
      if (typeof pem !== "string" || !pem.includes("-----BEGIN ")) {
        const what = typeof pem === "string" && pem.length > 0
          ? "not PEM text (a file name? pass its contents)"
          : pem instanceof Uint8Array
          ? 'bytes, not PEM text (read the file as text: readFileSync(file, "utf8"))'
          : "empty";
        throw fail("WS_ERR_LISTEN_TLS", `tls.${part} is ${what}`);
      }
    }
  }
  try {
    return await net.listen({ ...options, hostname }, onConnection);
  } catch (error) {
    const [code, detail] = classify(error, options.tls !== undefined);
    throw fail(code, detail, error);
  }
}

// Which failure the runtime's error is, from the codes and names Deno, Bun
// and Node give, and the detail when one code covers cases worth telling apart.
function classify(error: unknown, tls: boolean): [ErrorCode, string?] {
  const { code, name, message } = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
  const text = typeof message === "string" ? message : String(error);
  if (code === "EADDRINUSE" || name === "AddrInUse") return ["WS_ERR_LISTEN_IN_USE"];
  // EAFNOSUPPORT: an IPv6 address on a machine without IPv6.
  if (code === "EADDRNOTAVAIL" || code === "EAFNOSUPPORT" || name === "AddrNotAvailable") {
    return ["WS_ERR_LISTEN_HOSTNAME"];
  }
  if (unresolved(code, name, text)) return ["WS_ERR_LISTEN_HOSTNAME", "the hostname does not resolve"];
  const tlsError = (typeof code === "string" && code.startsWith("ERR_OSSL")) || name === "InvalidData" ||
    /private key|certificate/i.test(text);
  if (tls && tlsError) return ["WS_ERR_LISTEN_TLS"];
  // An unknown refusal keeps the runtime's words: they are all there is to go on.
  return ["WS_ERR_LISTEN", `the runtime refused: ${text}`];
}

function unresolved(code: unknown, name: unknown, text: string): boolean {
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME") return true;
  // Deno: a failed lookup, or a name no lookup is tried for.
  if (name === "URIError" || text.startsWith("failed to lookup address")) return true;
  // Bun says only this, with no code.
  return code === undefined && text.startsWith("Failed to listen at");
}

function hostPort(hostname: string, port: unknown): string {
  const shown = typeof port === "number" ? String(port) : JSON.stringify(port) ?? String(port);
  return hostname.includes(":") ? `[${hostname}]:${shown}` : `${hostname}:${shown}`;
}
