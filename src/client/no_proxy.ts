/**
 * The proxy the environment asks for, read as curl and undici's
 * `EnvHttpProxyAgent` read it: `https_proxy`/`HTTPS_PROXY` for `wss:`,
 * `http_proxy`/`HTTP_PROXY` for `ws:`, the lower-case name first, and
 * `no_proxy`/`NO_PROXY` for the hosts to reach directly.
 *
 * `NO_PROXY` is a list separated by commas or spaces. Each entry is `*`
 * (no proxy at all), a host name (that host and every name under it, as in
 * curl: `example.com` and `.example.com` both match `example.com` and
 * `a.example.com`; `*.example.com` too), an IP literal (`10.0.0.1`, `::1`,
 * `[::1]`) or IPv4 range (`10.0.0.0/8`), each optionally with `:port`, which
 * then must match too. Names compare case-insensitively, a final dot ignored.
 *
 * Loopback targets (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`) never
 * take a proxy from the environment, as in Go's `net/http`: a proxy cannot
 * reach this machine's loopback. (An explicit `proxy` option still applies.)
 *
 * @example
 * ```ts
 * import { environmentProxy, noProxyMatches } from "./no_proxy.ts";
 * noProxyMatches("api.internal.example", 443, "localhost,.internal.example"); // true
 * const env = new Map([["https_proxy", "http://proxy:3128"]]);
 * environmentProxy({ secure: true, hostname: "example.com", port: 443 }, (name) => env.get(name)); // "http://proxy:3128"
 * ```
 * @module
 */

/** Reads one environment variable (undefined when unset). */
export type EnvLookup = (name: string) => string | undefined;

/** The target of a connection, as far as proxy rules care. */
export interface ProxyTarget {
  /** `wss:` (uses `https_proxy`) or `ws:` (uses `http_proxy`). */
  secure: boolean;
  /** Host name or IP (IPv6 without brackets). */
  hostname: string;
  /** Port. */
  port: number;
}

/**
 * The proxy URL the environment gives for `target`, or undefined (none set,
 * or `NO_PROXY` matches). The value is returned as written.
 *
 * @example
 * ```ts
 * const env: Record<string, string> = { HTTP_PROXY: "http://proxy:3128", NO_PROXY: "localhost" };
 * environmentProxy({ secure: false, hostname: "localhost", port: 80 }, (name) => env[name]); // undefined
 * ```
 */
export function environmentProxy(target: ProxyTarget, env: EnvLookup = runtimeEnv()): string | undefined {
  const names = target.secure ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy", "HTTP_PROXY"];
  // Lower case wins, as in curl; an empty value counts as unset.
  const proxy = env(names[0]) || env(names[1]);
  if (!proxy || isLoopback(target.hostname)) return undefined;
  const noProxy = env("no_proxy") ?? env("NO_PROXY") ?? "";
  return noProxyMatches(target.hostname, target.port, noProxy) ? undefined : proxy;
}

/**
 * True when `noProxy` says to reach `hostname:port` directly.
 *
 * @example
 * ```ts
 * noProxyMatches("localhost", 8080, "localhost:9090"); // false: another port
 * noProxyMatches("10.1.2.3", 80, "10.0.0.0/8"); // true
 * noProxyMatches("anything", 1, "*"); // true
 * ```
 */
export function noProxyMatches(hostname: string, port: number, noProxy: string): boolean {
  const host = canonicalHost(hostname);
  for (const raw of noProxy.split(/[\s,]+/)) {
    if (raw === "") continue;
    if (raw === "*") return true;
    const { name, port: entryPort } = splitEntry(raw);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (name.includes("/")) {
      if (inIpv4Range(host, name)) return true;
      continue;
    }
    const pattern = canonicalHost(name.replace(/^\*?\.?/, ""));
    if (pattern === "") continue;
    if (host === pattern) return true;
    // Names under a domain; IP literals have no such thing.
    if (!isIpLiteral(host) && !isIpLiteral(pattern) && host.endsWith(`.${pattern}`)) return true;
  }
  return false;
}

// "host", "host:80", "[::1]", "[::1]:80", "::1" (a bare IPv6 literal has no port).
function splitEntry(entry: string): { name: string; port: number | undefined } {
  if (entry.startsWith("[")) {
    const close = entry.indexOf("]");
    const rest = close < 0 ? "" : entry.slice(close + 1);
    const port = /^:\d+$/.test(rest) ? Number(rest.slice(1)) : undefined;
    return { name: entry.slice(1, close < 0 ? undefined : close), port };
  }
  const colon = entry.lastIndexOf(":");
  if (colon < 0 || entry.indexOf(":") !== colon || !/^\d+$/.test(entry.slice(colon + 1))) {
    return { name: entry, port: undefined };
  }
  return { name: entry.slice(0, colon), port: Number(entry.slice(colon + 1)) };
}

// Lower case, no brackets, no final dot; IP literals in one spelling ("::0:1" is "::1").
function canonicalHost(host: string): string {
  let name = host.toLowerCase();
  if (name.startsWith("[") && name.endsWith("]")) name = name.slice(1, -1);
  if (name.endsWith(".")) name = name.slice(0, -1);
  if (name.includes(":")) {
    try {
      return new URL(`http://[${name}]/`).hostname.slice(1, -1);
    } catch {
      return name;
    }
  }
  return name;
}

function isLoopback(hostname: string): boolean {
  const host = canonicalHost(hostname);
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" ||
    (ipv4(host) !== undefined && host.startsWith("127."));
}

function isIpLiteral(host: string): boolean {
  return host.includes(":") || ipv4(host) !== undefined;
}

function ipv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

function inIpv4Range(host: string, range: string): boolean {
  const [base, bits] = range.split("/");
  const address = ipv4(host);
  const network = ipv4(base);
  const size = /^\d{1,2}$/.test(bits) ? Number(bits) : NaN;
  if (address === undefined || network === undefined || !(size <= 32)) return false;
  const block = 2 ** (32 - size);
  return Math.floor(address / block) === Math.floor(network / block);
}

/**
 * The runtime's environment: `process.env` on Node and Bun; `Deno.env` on
 * Deno when `--allow-env` already grants it (a proxy lookup must not raise
 * a permission prompt), else nothing; nothing on workerd.
 *
 * @example
 * ```ts
 * const env = runtimeEnv();
 * console.log(env("HTTPS_PROXY"));
 * ```
 */
export function runtimeEnv(): EnvLookup {
  const g = globalThis as {
    Deno?: {
      env: { get(name: string): string | undefined };
      permissions?: { querySync?(descriptor: { name: "env" }): { state: string } };
    };
    process?: { env?: Record<string, string | undefined> };
  };
  const deno = g.Deno;
  if (deno !== undefined) {
    const state = deno.permissions?.querySync?.({ name: "env" }).state;
    return state === "granted" ? (name) => deno.env.get(name) : () => undefined;
  }
  const env = g.process?.env;
  return env === undefined ? () => undefined : (name) => env[name];
}
