/**
 * `serve()`: one WebSocket server API on Deno, Bun and Node, over raw TCP or
 * TLS. Accepted connections are the same `WebSocket` objects as the client.
 *
 * @example
 * ```ts
 * import { serve } from "./serve.ts";
 * const server = await serve({
 *   port: 8080,
 *   websocket(ws) {
 *     ws.addEventListener("message", (event) => ws.send(event.data));
 *   },
 * });
 * console.log(`listening on ws://${server.address.hostname}:${server.address.port}`);
 * await server.shutdown();
 * ```
 * @module
 */

import { ClientRegistry, type ShutdownOptions } from "./registry.ts";
import { loadCodec } from "../codec/load.ts";
import { type AcceptOptions, acceptTransport, checkAcceptOptions, type ServerWebSocket } from "./accept.ts";
import { ServerFailures, type ServerStats } from "./failures.ts";
import { listen } from "./listen.ts";
import { answerUnavailable } from "./unavailable.ts";
import { selectRuntime } from "../transport/select.ts";
import { DEFAULT_SERVER_HANDSHAKE_TIMEOUT } from "../protocol/defaults.ts";
import { checkReusePort } from "./reuse_port.ts";
import type { NetAddress, ServerTlsOptions } from "../transport/types.ts";
import type { WebSocket } from "../websocket/websocket.ts";
import type { Broker } from "../pubsub/broker.ts";
import type { PublishOptions, TopicData } from "../pubsub/topics.ts";

/**
 * Options of {@link serve}; `T` is the type of `ws.data`, which the
 * `upgrade` hook returns.
 */
export interface ServeOptions<T = undefined> extends AcceptOptions<T> {
  /** Address to bind (default `"0.0.0.0"`). */
  hostname?: string;
  /** Port to bind (default 8080; 0 picks a free one). */
  port?: number;
  /** Serve `wss:` with this certificate and key (the PEM text, not file names). */
  tls?: ServerTlsOptions;
  /**
   * Most simultaneous connections (default: no limit). Past it, a new
   * connection is answered `503 Service Unavailable` with `Retry-After` and
   * `Connection: close`, counted in `stats.refusedConnections`, and told to
   * `onError` once per burst (the first refusal since one was last accepted).
   */
  maxConnections?: number;
  /** Shut down when aborted. */
  signal?: AbortSignal;
  /**
   * Let other processes listen on the same port (`SO_REUSEPORT`; the kernel
   * spreads connections among them). Deno (with `--unstable-net`), Bun, and
   * Node from 22.12; elsewhere `serve()` rejects with `WS_ERR_REUSE_PORT`.
   */
  reusePort?: boolean;
  /**
   * Carries topics to other servers (e.g. `redisBroker` from `wasmws/redis`).
   * Default: a broker of this server's own, so its topics stay in it.
   */
  broker?: Broker;
}

export type { PublishOptions, ServerStats, ShutdownOptions, TopicData };

/** A running server. */
export interface Server<T = undefined> {
  /** The bound address (the real port when 0 was asked for). */
  readonly address: NetAddress;
  /** The open WebSocket connections. */
  readonly clients: ReadonlySet<ServerWebSocket<T>>;
  /** Its failures so far (a snapshot): hooks that threw, connections refused past `maxConnections`. */
  readonly stats: ServerStats;
  /**
   * Send one message to many clients (default: every open one), encoding
   * the frame once. Returns how many clients it was sent to.
   */
  broadcast(data: string | Uint8Array, filter?: (ws: ServerWebSocket<T>) => boolean): number;
  /**
   * Send to every socket subscribed to `topic` (see `ws.subscribe`), here
   * encoding the frame once, and through the broker on other servers.
   * Returns how many sockets of this server it was sent to.
   */
  publish(topic: string, data: TopicData, options?: PublishOptions): number;
  /** How many sockets of this server are subscribed to `topic`. */
  subscriberCount(topic: string): number;
  /**
   * Stop accepting, close every connection with 1001, resolve when all are
   * gone; those left after `timeout` (or at a second call) are terminated.
   */
  shutdown(options?: ShutdownOptions): Promise<void>;
}

/**
 * Listen and serve WebSocket connections (and, with `fetch`, plain HTTP,
 * on persistent connections). Listening fails the same way on every
 * runtime: a `WebSocketError` (`WS_ERR_LISTEN_PORT`, `WS_ERR_LISTEN_IN_USE`,
 * `WS_ERR_LISTEN_HOSTNAME`, `WS_ERR_LISTEN_TLS`, else `WS_ERR_LISTEN`) whose
 * message names the address, with the runtime's own error as `cause`.
 *
 * @example
 * ```ts
 * const server = await serve({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   fetch: () => new Response("<h1>hello</h1>", { headers: { "content-type": "text/html" } }),
 *   upgrade: ({ headers }) => headers.get("cookie")?.includes("session=") ?? false,
 *   websocket: (ws) => ws.send("welcome"),
 * });
 * await server.shutdown();
 * ```
 */
export async function serve<T = undefined>(options: ServeOptions<T> = {}): Promise<Server<T>> {
  checkAcceptOptions(options);
  if (options.reusePort === true) checkReusePort();
  const [net, codec] = await Promise.all([selectRuntime(), loadCodec()]);
  const registry = new ClientRegistry(codec, options.broker);
  const maxConnections = options.maxConnections ?? Infinity;
  const failures = new ServerFailures(options.onError);
  const context = { secure: options.tls !== undefined, failures };
  const listener = await listen(
    net,
    {
      hostname: options.hostname ?? "0.0.0.0",
      port: options.port ?? 8080,
      tls: options.tls,
      // A TLS handshake gets the same bound, where the runtime hands the connection over only after it (Node).
      tlsHandshakeTimeout: options.handshakeTimeout ?? DEFAULT_SERVER_HANDSHAKE_TIMEOUT,
      reusePort: options.reusePort === true,
    },
    (transport) => {
      if (registry.closing) return transport.destroy();
      if (registry.size >= maxConnections) {
        failures.refused(transport.remoteAddress, maxConnections);
        return answerUnavailable(transport, options.handshakeTimeout ?? DEFAULT_SERVER_HANDSHAKE_TIMEOUT);
      }
      failures.accepted();
      acceptTransport(transport, options, registry, context);
    },
  );
  let stopListening: Promise<void> | undefined;
  const clients = registry.clients as ReadonlySet<ServerWebSocket<T>>;
  const server: Server<T> = {
    address: listener.address,
    clients,
    get stats() {
      return failures.stats;
    },
    broadcast: (data, filter) => registry.broadcast(data, filter as ((ws: WebSocket) => boolean) | undefined),
    publish: (topic, data, publishOptions) => registry.topics.publish(topic, data, publishOptions),
    subscriberCount: (topic) => registry.topics.subscriberCount(topic),
    async shutdown(shutdownOptions) {
      // A second call terminates whoever is left, and waits with the first.
      await Promise.all([stopListening ??= listener.close(), registry.shutdown(shutdownOptions)]);
      registry.topics.close();
    },
  };
  if (options.signal?.aborted) void server.shutdown();
  else options.signal?.addEventListener("abort", () => void server.shutdown(), { once: true });
  return server;
}
