/**
 * The Redis broker: servers in many processes, on many machines, share
 * topics through Redis pub/sub. One channel per topic (`prefix` + topic),
 * subscribed on Redis only while some server of this process has a local
 * subscriber. Each message carries its member's id, so a server skips its own
 * messages when Redis echoes them back (it delivered them locally already).
 *
 * Redis pub/sub is at-most-once: a message published while a process is cut
 * off from Redis does not reach it later. During an outage local publishing
 * keeps working; what the publisher client does with its own publishes
 * depends on its options (both clients queue commands while offline by
 * default and send them once back, so they arrive late, or fail after the
 * client's retry limit; none arrives twice). The clients reconnect and
 * re-subscribe on their own; the broker re-sends subscribes that failed while
 * Redis was away, and reports every change through `onStatus`.
 *
 * @example
 * ```ts
 * import { redisBroker } from "./redis.ts";
 * import type { RedisClientLike } from "./redis_clients.ts";
 * declare const publisher: RedisClientLike;
 * declare const subscriber: RedisClientLike;
 * const broker = redisBroker({ publisher, subscriber, onStatus: (status) => console.log("Redis", status) });
 * ```
 * @module
 */

import type { Broker, BrokerDelivery, BrokerMember } from "./broker.ts";
import { adaptRedisClient, allocateMessage, type RedisClientLike } from "./redis_clients.ts";

/** Options of {@link redisBroker}. */
export interface RedisBrokerOptions {
  /** A connected client for PUBLISH (node-redis or ioredis). */
  publisher: RedisClientLike;
  /** A second connected client, for SUBSCRIBE only (Redis reserves a subscribed connection for it). */
  subscriber: RedisClientLike;
  /** Channel name prefix, so several applications can share one Redis (default `"wasmws:"`). */
  prefix?: string;
  /** Told when Redis goes away (`"down"`, with the client's error when there is one) and comes back (`"up"`). */
  onStatus?: (status: "up" | "down", error?: Error) => void;
}

/** A broker over Redis, with its connection state. */
export interface RedisBroker extends Broker {
  /** `"up"` while both clients are ready. */
  readonly status: "up" | "down";
  /**
   * Unsubscribe everything and stop listening to the clients: quitting them, and their `error` events, are yours
   * again. Resolves once Redis confirmed, or at once while Redis is down (the clients keep the unsubscribes queued).
   * A server still running then publishes to its own sockets only.
   */
  close(): Promise<void>;
}

const VERSION = 1;
const ID_BYTES = 8;
const HEADER = 1 + ID_BYTES;

interface Member {
  readonly id: Uint8Array;
  readonly deliver: BrokerDelivery;
  readonly topics: Set<string>;
}

/**
 * A broker over Redis pub/sub, for `serve({ broker })`.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * import { serve } from "../server/serve.ts";
 * const publisher = await createClient({ url: "redis://127.0.0.1:6379" }).connect();
 * const subscriber = await publisher.duplicate().connect();
 * const server = await serve({ port: 8080, broker: redisBroker({ publisher, subscriber }) });
 * server.publish("news", "to every subscriber of news, in every process");
 * ```
 */
export function redisBroker(options: RedisBrokerOptions): RedisBroker {
  if (
    typeof options !== "object" || options === null || !isClient(options.publisher) || !isClient(options.subscriber)
  ) {
    throw new TypeError("Cannot make a Redis broker: publisher and subscriber must be node-redis or ioredis clients");
  }
  // A connection that subscribed may only (un)subscribe until it leaves every channel (RESP2).
  if (options.publisher === options.subscriber) {
    throw new TypeError("Cannot make a Redis broker: publisher and subscriber must be two connections");
  }
  const prefix = options.prefix ?? "wasmws:";
  const publisher = adaptRedisClient(options.publisher);
  const subscriber = adaptRedisClient(options.subscriber);
  const interest = new Map<string, Set<Member>>();
  // Subscribes Redis refused while it was away: sent again when it is back.
  const failed = new Set<string>();
  let status: "up" | "down" = publisher.ready && subscriber.ready ? "up" : "down";

  let lastError: Error | undefined;
  // Recomputed at every client event; only changes are told, a "down" with the error that came with it.
  const report = (error?: Error) => {
    if (error !== undefined) lastError = error;
    const now = publisher.ready && subscriber.ready ? "up" : "down";
    if (now === status) return;
    status = now;
    const cause = now === "down" ? lastError : undefined;
    lastError = undefined;
    if (now === "up") { for (const topic of [...failed]) redisSubscribe(topic); }
    try {
      options.onStatus?.(now, cause);
    } catch (listenerError) {
      // The application's callback must not break the broker, nor throw inside the client's event handler.
      queueMicrotask(() => {
        throw listenerError;
      });
    }
  };
  const onStatus = (_up: boolean, error?: Error) => report(error);
  const onPublishError = (error: Error) => report(error);
  publisher.onStatus(onStatus);
  subscriber.onStatus(onStatus);

  const redisSubscribe = (topic: string) => {
    failed.delete(topic);
    subscriber.subscribe(prefix + topic).catch((error: Error) => {
      if (interest.has(topic)) failed.add(topic);
      report(error);
    });
  };
  subscriber.onMessage((channel, bytes) => {
    if (!channel.startsWith(prefix) || bytes.length < HEADER || bytes[0] !== VERSION) return;
    const members = interest.get(channel.slice(prefix.length));
    if (members === undefined) return;
    const message = bytes.subarray(HEADER);
    for (const member of [...members]) {
      if (!sameId(member.id, bytes)) member.deliver(channel.slice(prefix.length), message);
    }
  });

  // Once closed the broker sends Redis nothing more: sockets of a server still running publish locally only.
  let closed = false;
  const release = (member: Member, topic: string) => {
    if (!member.topics.delete(topic)) return;
    // Gone with close(): its sockets leave their topics later, when they close.
    const members = interest.get(topic);
    if (members === undefined) return;
    members.delete(member);
    if (members.size > 0) return;
    interest.delete(topic);
    failed.delete(topic);
    subscriber.unsubscribe(prefix + topic).catch(() => {
      // Redis is away: the client forgets the channel when it does not come back with it.
    });
  };

  return {
    get status() {
      return status;
    },
    join(deliver): BrokerMember {
      const id = crypto.getRandomValues(new Uint8Array(ID_BYTES));
      const member: Member = { id, deliver, topics: new Set() };
      return {
        publish(topic, message) {
          if (closed) return;
          const envelope = allocateMessage(HEADER + message.length);
          envelope[0] = VERSION;
          envelope.set(id, 1);
          envelope.set(message, HEADER);
          publisher.publish(prefix + topic, envelope).catch(onPublishError);
        },
        subscribe(topic) {
          if (closed || member.topics.has(topic)) return;
          member.topics.add(topic);
          let members = interest.get(topic);
          if (members === undefined) {
            interest.set(topic, members = new Set());
            redisSubscribe(topic);
          }
          members.add(member);
        },
        unsubscribe: (topic) => release(member, topic),
        leave() {
          for (const topic of [...member.topics]) release(member, topic);
        },
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      const channels = [...interest.keys()].map((topic) => prefix + topic);
      interest.clear();
      failed.clear();
      const unsubscribes = Promise.allSettled(channels.map((channel) => subscriber.unsubscribe(channel)));
      // While Redis is away the clients queue these until it is back, maybe never: waiting would hang shutdown.
      if (status === "up") await unsubscribes;
      publisher.detach();
      subscriber.detach();
    },
  };
}

function isClient(client: unknown): client is RedisClientLike {
  const methods = client as Record<string, unknown> | null;
  return typeof client === "object" && client !== null &&
    ["publish", "subscribe", "unsubscribe", "on"].every((name) => typeof methods![name] === "function");
}

function sameId(id: Uint8Array, envelope: Uint8Array): boolean {
  for (let i = 0; i < ID_BYTES; i++) if (id[i] !== envelope[1 + i]) return false;
  return true;
}
