/**
 * Reaching a WebSocket server through an HTTP(S) proxy: which proxy (the
 * `proxy` option, else the environment, see `no_proxy.ts`), and the tunnel
 * the transport opens with it — `CONNECT host:port` with `Proxy-Authorization:
 * Basic` from the proxy URL's credentials, then TLS to the target over the
 * tunnel for `wss:` (the target's name checked, not the proxy's).
 *
 * The credentials go into the request bytes and nowhere else: errors name
 * the proxy by host and port only.
 *
 * @example
 * ```ts
 * import { resolveProxy } from "./proxy.ts";
 * import { parseWebSocketUrl } from "../protocol/ws_url.ts";
 * const route = resolveProxy(parseWebSocketUrl("wss://example.com/chat"), "http://user:pass@proxy.lan:3128");
 * console.log(route?.hostname, route?.port); // "proxy.lan" 3128
 * ```
 * @module
 */

import { toBase64 } from "../protocol/accept_key.ts";
import { WebSocketError } from "../protocol/errors.ts";
import { ProxyConnect } from "../protocol/proxy_connect.ts";
import { percentDecode, type WebSocketUrl } from "../protocol/ws_url.ts";
import type { ClientTlsOptions, RuntimeNet, TunnelOptions } from "../transport/types.ts";
import { environmentProxy, type EnvLookup } from "./no_proxy.ts";

/** The `proxy` option: a proxy URL, or `false` for none (default: the environment). */
export type ProxyOption = string | URL | false;

/** A proxy to go through, credentials already turned into a header. */
export interface ProxyRoute {
  /** The proxy's host name or IP (IPv6 without brackets). */
  hostname: string;
  /** The proxy's port (80 or 443 when the URL has none). */
  port: number;
  /** An `https:` proxy: TLS to the proxy itself. */
  secure: boolean;
  /** `Basic …` from the URL's user and password, if any. */
  authorization?: string;
}

/**
 * The proxy for `url`: `option` when given (`false`: none), else the
 * environment's. An invalid proxy URL throws a `TypeError` that does not
 * repeat it (it may hold a password).
 *
 * @example
 * ```ts
 * import { parseWebSocketUrl } from "../protocol/ws_url.ts";
 * resolveProxy(parseWebSocketUrl("ws://127.0.0.1:8080"), false); // undefined
 * ```
 */
export function resolveProxy(url: WebSocketUrl, option?: ProxyOption, env?: EnvLookup): ProxyRoute | undefined {
  if (option === false) return undefined;
  if (option !== undefined) return parseProxyUrl(option, "the proxy option");
  const fromEnv = environmentProxy(url, env);
  if (fromEnv === undefined) return undefined;
  return parseProxyUrl(fromEnv, url.secure ? "HTTPS_PROXY" : "HTTP_PROXY");
}

/**
 * Parse a proxy URL (`http:` or `https:`; a bare `host:port` is `http:`, as in curl).
 *
 * @example
 * ```ts
 * parseProxyUrl("proxy.lan:3128", "HTTP_PROXY"); // { hostname: "proxy.lan", port: 3128, secure: false }
 * ```
 */
export function parseProxyUrl(value: string | URL, source: string): ProxyRoute {
  let parsed: URL;
  try {
    const text = String(value);
    parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new TypeError(`Cannot use the proxy from ${source}: not a valid URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`Cannot use the proxy from ${source}: ${parsed.protocol} proxies are not supported`);
  }
  const secure = parsed.protocol === "https:";
  const route: ProxyRoute = {
    hostname: parsed.hostname.startsWith("[") ? parsed.hostname.slice(1, -1) : parsed.hostname,
    port: parsed.port === "" ? (secure ? 443 : 80) : Number(parsed.port),
    secure,
  };
  if (parsed.username !== "" || parsed.password !== "") {
    route.authorization = `Basic ${toBase64(percentDecode(`${parsed.username}:${parsed.password}`))}`;
  }
  return route;
}

/**
 * What the transport needs to open the tunnel. Throws
 * `WS_ERR_PROXY_UNSUPPORTED` where the runtime cannot: no tunnels at all
 * (workerd), or an `https:` proxy to a `wss:` target where it cannot run
 * TLS inside TLS (Deno).
 *
 * @example
 * ```ts
 * import { parseWebSocketUrl } from "../protocol/ws_url.ts";
 * import { selectRuntime } from "../transport/select.ts";
 * const url = parseWebSocketUrl("wss://example.com");
 * const tunnel = proxyTunnel(parseProxyUrl("http://proxy.lan:3128", "test"), url, await selectRuntime());
 * ```
 */
export function proxyTunnel(
  route: ProxyRoute,
  url: WebSocketUrl,
  net: RuntimeNet,
  proxyTls?: ClientTlsOptions,
): TunnelOptions {
  const support = net.tunnels;
  if (support === undefined || (route.secure && url.secure && !support.tlsInTls)) {
    const what = support === undefined ? "a proxy" : "a wss: connection through an https: proxy";
    throw new WebSocketError("WS_ERR_PROXY_UNSUPPORTED", `this runtime cannot open ${what}`);
  }
  const exchange = new ProxyConnect({ host: url.hostname, port: url.port, authorization: route.authorization });
  return {
    hostname: route.hostname,
    port: route.port,
    tls: route.secure ? (proxyTls ?? true) : undefined,
    request: exchange.request(),
    receive: (bytes) => {
      const step = exchange.receive(bytes);
      return step.done ? { done: true, error: step.ok ? undefined : step.error } : { done: false };
    },
    eof: () => {
      const step = exchange.eof();
      return step.done && !step.ok ? step.error : new Error("the proxy closed the tunnel");
    },
  };
}
