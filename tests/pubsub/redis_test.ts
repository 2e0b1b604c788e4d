// Topics across processes through a real Redis: three servers, one each on
// Deno, Bun (with ioredis) and Node 24 (node-redis for the other two),
// sharing one redis-server. Every publish reaches every subscriber exactly
// once, in order per publisher; unsubscribing and exiting stop delivery;
// Redis killed and restarted on the same port costs only what was published
// while it was away, and the servers never go down.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "redis";
import { WebSocket } from "../../src/mod.ts";
import { type RedisProcess, startRedis } from "../_helpers/redis.ts";
import { type ServerProcess, startServer } from "../_helpers/server_process.ts";
import { once } from "../_helpers/events.ts";

type Message = string | Uint8Array;

/** A client of one server process, keeping every message it got. */
class Client {
  readonly messages: Message[] = [];
  readonly ws: WebSocket;
  #wake = () => {};

  constructor(port: number) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}`);
    this.ws.binaryType = "arraybuffer";
    this.ws.onmessage = (event) => {
      const data = event.data;
      this.messages.push(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
      this.#wake();
    };
  }

  async open(): Promise<this> {
    await once(this.ws, "open");
    return this;
  }

  /** Resolves once `ready` holds for the messages (rejects after `timeout` ms). */
  until(ready: (messages: Message[]) => boolean, what: string, timeout = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Cannot see ${what}: timed out; got ${this.texts()}`)), timeout);
      this.#wake = () => {
        if (!ready(this.messages)) return;
        clearTimeout(timer);
        this.#wake = () => {};
        resolve();
      };
      this.#wake();
    });
  }

  /** Send a command and wait for its answer. */
  async command(command: string, answer: string): Promise<void> {
    this.ws.send(command);
    await this.until((messages) => messages.includes(answer), answer);
  }

  /** The text messages from one publisher (`${from}:${n}`), in arrival order. */
  from(prefix: string): string[] {
    return this.messages.filter((m): m is string => typeof m === "string" && m.startsWith(prefix));
  }

  texts(): string {
    return JSON.stringify(this.messages.map((m) => typeof m === "string" ? m : [...m]));
  }
}

const COUNT = 40;
const seq = (prefix: string) => Array.from({ length: COUNT }, (_, i) => `${prefix}:${i}`);

describe("topics across processes through Redis", () => {
  let redis: RedisProcess;
  let numsub: (channel: string) => Promise<number>;
  let quitProbe: () => Promise<void>;
  const servers: ServerProcess[] = [];
  const clients: Client[] = [];

  before(async () => {
    redis = await startRedis();
    const probe = await createClient({ url: redis.url, socket: { reconnectStrategy: () => 100 } })
      .on("error", () => {})
      .connect();
    numsub = async (channel) => Number((await probe.sendCommand(["PUBSUB", "NUMSUB", channel]) as unknown[])[1]);
    quitProbe = async () => void await probe.quit().catch(() => {});
    const env = { REDIS_URL: redis.url };
    servers.push(
      ...await Promise.all([
        startServer("deno", { ...env, REDIS_CLIENT: "redis" }),
        startServer("bun", { ...env, REDIS_CLIENT: "ioredis" }),
        startServer("node", { ...env, REDIS_CLIENT: "redis" }),
      ]),
    );
  });

  after(async () => {
    for (const client of clients) client.ws.terminate();
    await quitProbe?.();
    await Promise.all(servers.map((server) => server.kill()));
    await redis?.stop();
  });

  /** Wait until `count` processes listen to the topic on Redis. */
  async function redisListeners(topic: string, count: number): Promise<void> {
    for (let i = 0; i < 400; i++) {
      if (await numsub(`wasmws:${topic}`).catch(() => -1) === count) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(await numsub(`wasmws:${topic}`), count, `${count} processes subscribed to ${topic} on Redis`);
  }

  it("a publish from any process reaches every subscriber exactly once, in order per publisher", async () => {
    // Two subscribers on the Deno server, one on each of the others, and one publisher each.
    const subscribers = await Promise.all([0, 0, 1, 2].map((i) => new Client(servers[i].port).open()));
    const publishers = await Promise.all([0, 1, 2].map((i) => new Client(servers[i].port).open()));
    clients.push(...subscribers, ...publishers);
    for (const client of subscribers) await client.command("sub room", "ok sub room");
    await redisListeners("room", 3);
    // Each process publishes a numbered series; every fourth is binary (the series number, one byte, plus 0xff).
    for (let i = 0; i < COUNT; i++) {
      for (const [p, client] of publishers.entries()) {
        client.ws.send(
          i % 4 === 3 ? `binpub room ${(p * 64 + i).toString(16).padStart(2, "0")}ff` : `pub room ${p}:${i}`,
        );
      }
    }
    const texts = (p: number) => seq(String(p)).filter((_, i) => i % 4 !== 3);
    const binaries = [0, 1, 2].flatMap((p) =>
      seq("").map((_, i) => i).filter((i) => i % 4 === 3).map((i) => p * 64 + i)
    );
    const total = 3 * COUNT;
    for (const client of subscribers) {
      await client.until((messages) => messages.length >= 1 + total, `${total} messages`);
      for (const p of [0, 1, 2]) assert.deepEqual(client.from(`${p}:`), texts(p), `publisher ${p}, in order, once`);
      const got = client.messages.filter((m): m is Uint8Array => typeof m !== "string");
      for (const p of [0, 1, 2]) {
        assert.deepEqual(
          got.filter((m) => m[0] >> 6 === p).map((m) => [...m]),
          binaries.filter((b) => b >> 6 === p).map((b) => [b, 0xff]),
          `publisher ${p}'s binary messages, in order, once, still binary`,
        );
      }
    }
    // Nothing more arrives: the Redis echo of a process's own publishes is not delivered again.
    for (const client of subscribers) await client.command("sub marker", "ok sub marker");
    for (const client of subscribers) assert.equal(client.messages.length, 1 + total + 1);
  });

  it("ws.publish reaches every subscriber in every process but its sender", async () => {
    const [a, b, c, d] = clients;
    const before = clients.slice(0, 4).map((client) => client.messages.length);
    a.ws.send("wspub room from-a");
    for (const client of [b, c, d]) await client.until((messages) => messages.includes("from-a"), "from-a");
    await a.command("sub other", "ok sub other");
    assert.equal(a.messages.includes("from-a"), false);
    assert.deepEqual(clients.slice(1, 4).map((client, i) => client.messages.length - before[i + 1]), [1, 1, 1]);
  });

  it("unsubscribing stops delivery, and the process leaves the channel on Redis", async () => {
    const [a, , c, d] = clients;
    await c.command("unsub room", "ok unsub room");
    await redisListeners("room", 2);
    clients[4].ws.send("pub room after-unsub");
    for (const client of [a, d]) await client.until((messages) => messages.includes("after-unsub"), "after-unsub");
    await c.command("sub marker2", "ok sub marker2");
    assert.equal(c.messages.includes("after-unsub"), false);
  });

  it("a process that exits drops its subscriptions; the others go on", async () => {
    const [a, , , d] = clients;
    await redisListeners("room", 2);
    await servers[2].kill();
    await redisListeners("room", 1);
    d.ws.terminate();
    clients[5].ws.send("pub room after-exit");
    await a.until((messages) => messages.includes("after-exit"), "after-exit");
  });

  it("Redis killed: local topics still work and servers stay up; restarted: delivery across processes again", async () => {
    const [a, b] = clients;
    const live = servers.slice(0, 2);
    const c = await new Client(live[1].port).open();
    clients.push(c);
    await c.command("sub room", "ok sub room");
    await redisListeners("room", 2);

    await redis.kill();
    for (const server of live) await server.waitFor((event) => event.status === "down");
    // Local publishing goes on: the Deno server's two subscribers get what its publisher sends.
    clients[4].ws.send("pub room during-outage");
    for (const client of [a, b]) await client.until((messages) => messages.includes("during-outage"), "local");
    assert.ok(live.every((server) => server.running), "the servers are still up");

    const downs = live.map((server) => server.events.length);
    await redis.restart();
    for (const [i, server] of live.entries()) {
      await server.waitFor((event) => event.status === "up" && server.events.indexOf(event) >= downs[i]);
    }
    await redisListeners("room", 2);
    clients[5].ws.send("pub room after-restart");
    clients[4].ws.send("pub room after-restart-2");
    for (const client of [a, b, c]) {
      await client.until(
        (messages) => messages.includes("after-restart") && messages.includes("after-restart-2"),
        "after restart",
      );
    }
    // At most once, across the outage too (Redis pub/sub may drop it, never repeats it).
    await Promise.all([a, b, c].map((client) => client.command("sub marker3", "ok sub marker3")));
    for (const client of [a, b, c]) {
      for (const text of ["during-outage", "after-restart", "after-restart-2"]) {
        assert.ok(client.messages.filter((m) => m === text).length <= 1, `${text} at most once`);
      }
      assert.equal(client.messages.filter((m) => m === "after-restart").length, 1);
    }
    assert.equal(c.messages.filter((m) => m === "after-restart-2").length, 1);
    assert.ok(live.every((server) => server.running), "the servers are still up");
  });
});
