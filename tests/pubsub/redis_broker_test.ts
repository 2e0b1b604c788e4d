// redisBroker in one process against a real Redis, at the broker interface:
// what it asks Redis (PUBSUB NUMSUB), what it delivers, what it ignores.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createClient } from "redis";
import { Redis } from "ioredis";
import { redisBroker } from "../../src/redis.ts";
import type { RedisClientLike } from "../../src/pubsub/redis_clients.ts";
import { type RedisProcess, startRedis } from "../_helpers/redis.ts";

type Got = Array<[string, number[]]>;

describe("redisBroker", () => {
  let redis: RedisProcess;
  let probe: Awaited<ReturnType<typeof connectProbe>>;
  const toQuit: Array<() => unknown> = [];

  const connectProbe = () => createClient({ url: redis.url }).on("error", () => {}).connect();
  before(async () => {
    redis = await startRedis();
    probe = await connectProbe();
  });
  // Clients are dropped at once (not QUIT): one may be waiting for a Redis that was killed.
  const dropClients = () => {
    for (const drop of toQuit.splice(0)) drop();
  };
  after(async () => {
    dropClients();
    probe?.destroy();
    await redis?.stop();
  });

  async function clients(kind: "redis" | "ioredis"): Promise<[RedisClientLike, RedisClientLike]> {
    if (kind === "ioredis") {
      const pair = [new Redis(redis.url), new Redis(redis.url)];
      for (const client of pair) toQuit.push(() => client.disconnect());
      // Once the broker is closed these are the test's own: an 'error' without a listener is only logged, but noisy.
      for (const client of pair) client.on("error", () => {});
      await Promise.all(pair.map((client) => new Promise((resolve) => client.once("ready", resolve))));
      return [pair[0], pair[1]];
    }
    const publisher = await createClient({ url: redis.url }).connect();
    const subscriber = await publisher.duplicate().connect();
    // After broker.close() the broker no longer listens: an 'error' without a listener would throw.
    publisher.on("error", () => {});
    subscriber.on("error", () => {});
    toQuit.push(() => publisher.destroy(), () => subscriber.destroy());
    return [publisher, subscriber];
  }

  const numsub = async (channel: string) =>
    Number((await probe.sendCommand(["PUBSUB", "NUMSUB", channel]) as unknown[])[1]);
  async function until(ready: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await ready()) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.fail(`Cannot see ${what}: timed out`);
  }

  for (const kind of ["redis", "ioredis"] as const) {
    it(`${kind}: subscribes on Redis only while a member listens, delivers to other members once, in order`, async () => {
      const [publisher, subscriber] = await clients(kind);
      const prefix = `${kind}-test:`;
      const broker = redisBroker({ publisher, subscriber, prefix });
      assert.equal(broker.status, "up");
      const got: Got[] = [[], []];
      const a = broker.join((topic, message) => got[0].push([topic, [...message]]));
      const b = broker.join((topic, message) => got[1].push([topic, [...message]]));
      a.subscribe("t");
      b.subscribe("t");
      await until(async () => await numsub(`${prefix}t`) === 1, "one SUBSCRIBE for two members");
      for (let i = 0; i < 50; i++) a.publish("t", new Uint8Array([2, i, 0, 0xff]));
      b.publish("t", new Uint8Array([1, 0x68]));
      await until(() => got[1].length === 50 && got[0].length === 1, "deliveries");
      assert.deepEqual(got[1], Array.from({ length: 50 }, (_, i) => ["t", [2, i, 0, 0xff]]));
      assert.deepEqual(got[0], [["t", [1, 0x68]]]);
      // Another program on the channel: not a broker message, dropped.
      for (const garbage of ["", "x", "\u0001short"]) await probe.publish(`${prefix}t`, garbage);
      await probe.publish(`${prefix}t`, Buffer.from([9, 1, 2, 3, 4, 5, 6, 7, 8, 1, 0x68]));
      b.publish("t", new Uint8Array([1, 0x69]));
      await until(() => got[0].length === 2, "the message after the garbage");
      assert.deepEqual(got[0][1], ["t", [1, 0x69]]);
      assert.equal(got[1].length, 50);
      a.unsubscribe("t");
      assert.equal(await numsub(`${prefix}t`), 1, "b still listens");
      b.leave();
      await until(async () => await numsub(`${prefix}t`) === 0, "UNSUBSCRIBE once nobody listens");
      a.subscribe("u");
      await until(async () => await numsub(`${prefix}u`) === 1, "SUBSCRIBE u");
      await broker.close();
      assert.equal(await numsub(`${prefix}u`), 0, "close() leaves every channel");
      dropClients();
    });
  }

  it("refuses what is not two clients (TypeError)", async () => {
    const [publisher] = await clients("redis");
    const bad = [undefined, null, {}, { publisher }, { publisher, subscriber: publisher }, {
      publisher,
      subscriber: {},
    }];
    for (const options of bad) {
      assert.throws(() => redisBroker(options as Parameters<typeof redisBroker>[0]), TypeError);
    }
    dropClients();
  });

  it("reports Redis going away and coming back, and keeps delivering after", async () => {
    const [publisher, subscriber] = await clients("redis");
    const statuses: string[] = [];
    const broker = redisBroker({ publisher, subscriber, onStatus: (status) => statuses.push(status) });
    const got: number[][] = [];
    const a = broker.join(() => {});
    const b = broker.join((_topic, message) => got.push([...message]));
    b.subscribe("s");
    await until(async () => await numsub("wasmws:s") === 1, "SUBSCRIBE s");
    await redis.kill();
    await until(() => broker.status === "down", "status down");
    a.publish("s", new Uint8Array([2, 1]));
    await redis.restart();
    await until(() => broker.status === "up", "status up");
    await until(async () => await numsub("wasmws:s").catch(() => 0) === 1, "re-subscribed");
    a.publish("s", new Uint8Array([2, 2]));
    await until(() => got.some((message) => message[1] === 2), "delivery after the restart");
    assert.deepEqual(statuses.slice(0, 2), ["down", "up"]);
    assert.ok(got.filter((message) => message[1] === 1).length <= 1, "at most once across the outage");
    await broker.close();
    dropClients();
  });
});
