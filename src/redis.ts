/**
 * `wasmws/redis`: topics across processes and machines through Redis
 * pub/sub. Give `redisBroker()` two connected clients of node-redis (npm
 * `redis`) or `ioredis` (wasmws depends on neither) and pass it to
 * `serve({ broker })`; a publish in any process then reaches the subscribers
 * of every process, each exactly once, in order per publisher.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * import { serve } from "./mod.ts";
 * import { redisBroker } from "./redis.ts";
 * const publisher = await createClient({ url: "redis://127.0.0.1:6379" }).connect();
 * const subscriber = await publisher.duplicate().connect();
 * const broker = redisBroker({ publisher, subscriber, onStatus: (status, error) => console.log(status, error) });
 * const server = await serve({
 *   port: 8080,
 *   reusePort: true,
 *   broker,
 *   websocket(ws) {
 *     ws.binaryType = "arraybuffer"; // a Blob cannot be published
 *     ws.subscribe("lobby");
 *     ws.addEventListener("message", (event) => ws.publish("lobby", event.data));
 *   },
 * });
 * // On the way out: the clients are yours to close, or they keep the process alive.
 * await server.shutdown();
 * await broker.close();
 * await Promise.all([publisher.close(), subscriber.close()]);
 * ```
 * @module
 */

export { type RedisBroker, redisBroker, type RedisBrokerOptions } from "./pubsub/redis.ts";
export type { IoRedisClientLike, NodeRedisClientLike, RedisClientLike, RedisMethod } from "./pubsub/redis_clients.ts";
