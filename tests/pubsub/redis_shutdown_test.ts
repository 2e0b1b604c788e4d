// Two servers in one process share a Redis that asks for a password, as a user
// sets them up from the README: a URL with the password, 1 MiB messages in both
// directions of type, and a shutdown that leaves no channel behind on Redis.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createClient } from "redis";
import { serve, type Server, WebSocket } from "../../src/mod.ts";
import { type RedisBroker, redisBroker } from "../../src/redis.ts";
import { type RedisProcess, startRedis } from "../_helpers/redis.ts";

const PASSWORD = "s3cret pass";

describe("Redis with a password: large messages, then shutdown", () => {
  let redis: RedisProcess;
  let probe: Awaited<ReturnType<typeof connectProbe>>;
  const connectProbe = () => createClient({ url: redis.url }).on("error", () => {}).connect();
  const toDrop: Array<() => void> = [];

  before(async () => {
    redis = await startRedis();
    probe = await connectProbe();
    await probe.sendCommand(["CONFIG", "SET", "requirepass", PASSWORD]);
  });
  after(async () => {
    for (const drop of toDrop.splice(0)) drop();
    probe?.destroy();
    await redis?.stop();
  });

  const channels = async () => (await probe.sendCommand(["PUBSUB", "CHANNELS", "wasmws:*"]) as unknown[]).length;
  async function until(ready: () => Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 400; i++) {
      if (await ready()) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.fail(`Cannot see ${what}: timed out`);
  }

  async function node(
    topics = ["big news"],
  ): Promise<{ server: Server; broker: RedisBroker; close: () => Promise<void> }> {
    const url = `redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:${redis.port}`;
    const publisher = createClient({ url }).on("error", () => {});
    const subscriber = publisher.duplicate().on("error", () => {});
    toDrop.push(() => publisher.destroy(), () => subscriber.destroy());
    await Promise.all([publisher.connect(), subscriber.connect()]);
    const broker = redisBroker({ publisher, subscriber });
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      perMessageDeflate: true,
      broker,
      websocket: (ws) => topics.forEach((topic) => ws.subscribe(topic)),
    });
    const close = async () => {
      await publisher.close();
      await subscriber.close();
    };
    return { server, broker, close };
  }

  it("delivers 1 MiB of bytes and of text intact; shutdown leaves every channel", async () => {
    const [a, b] = [await node(), await node()];
    assert.equal(a.broker.status, "up");
    const ws = new WebSocket(`ws://127.0.0.1:${b.server.address.port}`, { perMessageDeflate: true });
    ws.binaryType = "arraybuffer";
    await once(ws, "open");
    assert.match(ws.extensions, /^permessage-deflate/);
    await until(async () => await channels() === 1, "the channel of b's subscriber on Redis");

    const bytes = new Uint8Array(1 << 20).map((_, i) => (i * 7919) & 255);
    const text = "é🎉".repeat(1 << 17);
    const got: unknown[] = [];
    const three = new Promise<void>((resolve) =>
      ws.addEventListener("message", (event) => got.push(event.data) === 3 && resolve())
    );
    assert.equal(a.server.publish("big news", bytes), 0);
    a.server.publish("big news", text);
    a.server.publish("big news", "last");
    await three;
    assert.deepEqual(new Uint8Array(got[0] as ArrayBuffer), bytes);
    assert.equal(got[1], text);
    assert.equal(got[2], "last");

    ws.close();
    await once(ws, "close");
    await Promise.all([a.server.shutdown(), b.server.shutdown()]);
    await until(async () => await channels() === 0, "no wasmws channel left on Redis");
    await Promise.all([a.broker.close(), b.broker.close()]);
    await Promise.all([a.close(), b.close()]);
    const clients = String(await probe.sendCommand(["CLIENT", "LIST"])).trim().split("\n");
    assert.equal(clients.length, 1, "only the probe is still connected");
  });

  it("broker.close() before the server: channels left at once; sockets that close later, and shutdown, are fine", async () => {
    const { server, broker, close } = await node(["one", "two"]);
    const ws = new WebSocket(`ws://127.0.0.1:${server.address.port}`);
    await once(ws, "open");
    await until(async () => await channels() === 2, "the channels of the subscriber on Redis");
    await broker.close();
    assert.equal(await channels(), 0);
    const closed = new Promise<number>((resolve) => ws.addEventListener("close", (event) => resolve(event.code)));
    ws.close(1000);
    assert.equal(await closed, 1000);
    await until(() => Promise.resolve(server.clients.size === 0), "the server socket gone");
    assert.deepEqual([server.subscriberCount("one"), server.subscriberCount("two")], [0, 0], "it left every topic");
    await server.shutdown();
    await close();
  });

  it("broker.close() while Redis is down settles; its sockets close and the server shuts down after it", async () => {
    const { server, broker } = await node();
    const ws = new WebSocket(`ws://127.0.0.1:${server.address.port}`);
    await once(ws, "open");
    await until(async () => await channels() === 1, "the channel of the subscriber on Redis");
    probe.destroy();
    await redis.kill();
    await until(() => Promise.resolve(broker.status === "down"), "the broker telling Redis is down");
    let guard: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<string>((resolve) => guard = setTimeout(() => resolve("hung"), 20_000));
    assert.equal(await Promise.race([broker.close().then(() => "closed"), hung]), "closed");
    clearTimeout(guard);
    ws.close();
    await once(ws, "close");
    await server.shutdown();
  });
});
