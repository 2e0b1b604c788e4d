/**
 * Attach wasmws to an existing `node:http`/`node:https` server through its
 * `upgrade` event, as ws's `handleUpgrade` does, so Express, Fastify and Koa
 * apps can adopt it. Works on Deno's and Bun's `node:http` too. A separate
 * entry point (`wasmws/node`), so the main one never loads `node:*` modules.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { upgradeHandler } from "./node.ts";
 * const sockets = upgradeHandler({ websocket: (ws) => ws.send("hello") });
 * const http = createServer((_req, res) => res.end("page"));
 * http.on("upgrade", sockets.handleUpgrade);
 * http.listen(8080);
 * ```
 * @module
 */

import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { ClientRegistry, type ShutdownOptions } from "./server/registry.ts";
import { loadCodec } from "./codec/load.ts";
import type { Codec } from "./codec/mod.ts";
import { type AcceptOptions, acceptTransport, checkAcceptOptions, type ServerWebSocket } from "./server/accept.ts";
import { ServerFailures, type ServerStats } from "./server/failures.ts";
import { encodeLatin1 } from "./protocol/http1/write.ts";
import { fromNodeSocket } from "./transport/node.ts";
import type { WebSocket } from "./websocket/websocket.ts";
import type { PublishOptions, TopicData } from "./pubsub/topics.ts";

/** What {@link upgradeHandler} returns; `T` is the type of `ws.data`. */
export interface UpgradeHandler<T = undefined> {
  /** The `upgrade` listener: `server.on("upgrade", handler.handleUpgrade)`. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Uint8Array): void;
  /** The open WebSocket connections. */
  readonly clients: ReadonlySet<ServerWebSocket<T>>;
  /** Hooks that threw or rejected so far (a snapshot; `refusedConnections` stays 0: node:http accepts). */
  readonly stats: ServerStats;
  /** Send to every open client (or those `filter` keeps); returns how many. */
  broadcast(data: string | Uint8Array, filter?: (ws: ServerWebSocket<T>) => boolean): number;
  /** Send to every socket subscribed to `topic` (`ws.subscribe`), encoding once; returns how many. */
  publish(topic: string, data: TopicData, options?: PublishOptions): number;
  /** How many sockets are subscribed to `topic`. */
  subscriberCount(topic: string): number;
  /** Close every connection with 1001 and resolve when all are gone (the HTTP server is yours to close). */
  shutdown(options?: ShutdownOptions): Promise<void>;
}

/**
 * A `node:http` upgrade handler with the same options and hooks as `serve()`
 * (`websocket`, `upgrade`, `onError`, limits, timeouts; `fetch` and the
 * keep-alive options do not apply: node:http serves plain HTTP, and an
 * upgrade to anything but WebSocket, such as `h2c`, is answered 426 and
 * its connection closed).
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * const handler = upgradeHandler({
 *   upgrade: ({ headers }) => headers.get("authorization") === "Bearer secret",
 *   websocket: (ws) => ws.addEventListener("message", (event) => ws.send(event.data)),
 * });
 * createServer().on("upgrade", handler.handleUpgrade).listen(0);
 * ```
 */
export function upgradeHandler<T = undefined>(
  given: Omit<AcceptOptions<T>, "fetch" | "keepAliveTimeout" | "maxRequestsPerConnection"> = {},
): UpgradeHandler<T> {
  // A connection node:http handed over is no longer its to serve: answering
  // HTTP on it here would keep it alive outside that server's reach.
  const options: AcceptOptions<T> = { ...given, fetch: undefined };
  checkAcceptOptions(options);
  let codec: Codec | undefined;
  const registry = new ClientRegistry();
  const failures = new ServerFailures(options.onError);
  const ready = loadCodec().then((loaded) => {
    codec = loaded;
    registry.useCodec(loaded);
  });
  const accept = (request: IncomingMessage, socket: Duplex, head: Uint8Array): void => {
    if (registry.closing) return void socket.destroy();
    // The request was parsed by node:http; replaying its head through our own
    // strict parser keeps one set of upgrade rules for every server.
    let text = `${request.method} ${request.url} HTTP/${request.httpVersion}\r\n`;
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      text += `${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}\r\n`;
    }
    // node:http decoded the head as latin1: encoding it back so gives the bytes as sent.
    const replay = encodeLatin1(text + "\r\n");
    const initial = new Uint8Array(replay.length + head.length);
    initial.set(replay);
    initial.set(head, replay.length);
    const secure = (socket as { encrypted?: boolean }).encrypted === true;
    acceptTransport(fromNodeSocket(socket as Socket), options, registry, { initial, secure, failures });
  };
  return {
    handleUpgrade(request, socket, head) {
      if (codec !== undefined) accept(request, socket, head);
      else ready.then(() => accept(request, socket, head));
    },
    clients: registry.clients as ReadonlySet<ServerWebSocket<T>>,
    get stats() {
      return failures.stats;
    },
    broadcast: (data, filter) => registry.broadcast(data, filter as ((ws: WebSocket) => boolean) | undefined),
    publish: (topic, data, publishOptions) => registry.topics.publish(topic, data, publishOptions),
    subscriberCount: (topic) => registry.topics.subscriberCount(topic),
    shutdown: async (shutdownOptions) => {
      await ready;
      await registry.shutdown(shutdownOptions);
    },
  };
}
