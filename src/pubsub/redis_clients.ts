/**
 * The two Redis clients the Redis broker accepts, described by the few
 * methods it calls (so wasmws depends on neither): node-redis (npm `redis`)
 * and `ioredis`. Both are adapted to one small shape. Messages go out as
 * `Buffer`s: node-redis refuses other byte arrays (it throws inside a timer,
 * out of reach of any catch) and ioredis turns them into text.
 *
 * @example
 * ```ts
 * import { adaptRedisClient, type RedisClientLike } from "./redis_clients.ts";
 * declare const client: RedisClientLike;
 * const redis = adaptRedisClient(client);
 * await redis.publish("wasmws:news", new Uint8Array([1, 104, 105]));
 * ```
 * @module
 */

import { Buffer } from "node:buffer";

/**
 * A method of a Redis client, loosely typed: the clients' own signatures are
 * generic and overloaded, and the broker calls them only as each documents.
 *
 * @example
 * ```ts
 * const publish: RedisMethod = (channel: string, message: Uint8Array) => Promise.resolve(1);
 * ```
 */
// deno-lint-ignore no-explicit-any
export type RedisMethod = (...args: any[]) => any;

/**
 * What the broker needs of a node-redis client (`createClient()`, connected).
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * const client: NodeRedisClientLike = await createClient({ url: "redis://127.0.0.1:6379" }).connect();
 * ```
 */
export interface NodeRedisClientLike {
  /** node-redis: true while connected and ready. */
  readonly isReady: boolean;
  /** `PUBLISH channel message`. */
  publish: RedisMethod;
  /** `SUBSCRIBE channel` with a listener, in buffer mode. */
  subscribe: RedisMethod;
  /** `UNSUBSCRIBE channel` for that listener. */
  unsubscribe: RedisMethod;
  /** Listen to `error`, `reconnecting`, `end` and `ready`. */
  on: RedisMethod;
  /** Stop listening. */
  off?: RedisMethod;
}

/**
 * What the broker needs of an ioredis client (`new Redis()`).
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * const client: IoRedisClientLike = new Redis("redis://127.0.0.1:6379");
 * ```
 */
export interface IoRedisClientLike {
  /** ioredis: `"ready"` while connected. */
  readonly status: string;
  /** `PUBLISH channel message`. */
  publish: RedisMethod;
  /** `SUBSCRIBE channel` (messages come as `messageBuffer` events). */
  subscribe: RedisMethod;
  /** `UNSUBSCRIBE channel`. */
  unsubscribe: RedisMethod;
  /** Listen to `messageBuffer`, `error`, `close`, `reconnecting`, `end` and `ready`. */
  on: RedisMethod;
  /** Stop listening. */
  off?: RedisMethod;
}

/**
 * A connected client of node-redis or ioredis.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * const client: RedisClientLike = await createClient().connect();
 * ```
 */
export type RedisClientLike = NodeRedisClientLike | IoRedisClientLike;

/** A Redis client as the broker uses it. */
export interface RedisConnection {
  /** Connected and ready now. */
  readonly ready: boolean;
  publish(channel: string, message: Uint8Array): Promise<unknown>;
  /** Deliver the channel's messages (raw bytes) to `onMessage`, once. */
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  /** Messages of subscribed channels, as bytes. */
  onMessage(listener: (channel: string, message: Uint8Array) => void): void;
  /** The connection's ups and downs (both clients reconnect on their own). */
  onStatus(listener: (up: boolean, error?: Error) => void): void;
  /** Stop listening to the client (it stays the caller's to quit). */
  detach(): void;
}

const utf8 = new TextDecoder();
const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * `size` bytes for a message to publish, to be overwritten completely: a
 * `Buffer` from Node's pool, which the clients then take without wrapping.
 *
 * @example
 * ```ts
 * const message = allocateMessage(3);
 * message.set([1, 2, 3]);
 * ```
 */
export function allocateMessage(size: number): Uint8Array {
  return Buffer.allocUnsafe(size);
}

/**
 * One shape for either client.
 *
 * @example
 * ```ts
 * declare const client: RedisClientLike;
 * const redis = adaptRedisClient(client);
 * redis.onStatus((up, error) => console.log(up ? "Redis is back" : `Redis is gone: ${error?.message}`));
 * ```
 */
export function adaptRedisClient(client: RedisClientLike): RedisConnection {
  const isIoRedis = typeof (client as IoRedisClientLike).status === "string";
  const detachers: Array<() => void> = [];
  const listen = (event: string, listener: RedisMethod) => {
    client.on(event, listener);
    detachers.push(() => client.off?.(event, listener));
  };
  let deliver: ((channel: string, message: Uint8Array) => void) | undefined;
  // node-redis keeps one listener per channel: the same function for all, so a second subscribe adds nothing.
  const nodeListener = (message: Uint8Array, channel: Uint8Array) => deliver?.(utf8.decode(channel), message);
  return {
    get ready() {
      return isIoRedis ? (client as IoRedisClientLike).status === "ready" : (client as NodeRedisClientLike).isReady;
    },
    publish: (channel, message) => Promise.resolve(client.publish(channel, asBuffer(message))),
    subscribe: (channel) =>
      Promise.resolve(isIoRedis ? client.subscribe(channel) : client.subscribe(channel, nodeListener, true)),
    unsubscribe: (channel) =>
      Promise.resolve(isIoRedis ? client.unsubscribe(channel) : client.unsubscribe(channel, nodeListener, true)),
    onMessage(listener) {
      deliver = listener;
      if (isIoRedis) {
        listen("messageBuffer", (channel: Uint8Array, message: Uint8Array) => listener(utf8.decode(channel), message));
      }
    },
    onStatus(listener) {
      // Both clients emit these; an 'error' without a listener would crash the process.
      listen("error", (error: Error) => listener(false, error));
      listen("reconnecting", () => listener(false));
      listen("end", () => listener(false));
      listen("close", () => listener(false));
      listen("ready", () => listener(true));
    },
    detach() {
      deliver = undefined;
      for (const detach of detachers.splice(0)) detach();
    },
  };
}
