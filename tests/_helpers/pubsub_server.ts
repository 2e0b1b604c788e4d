// Test helper, not a test: a wasmws server in its own process (run by Deno,
// Bun or Node), its topics carried by Redis. Its clients drive it with text
// commands; it reports on stdout, one JSON object a line:
// {"event":"listening","port":N,"pid":N} and {"event":"status","status":"up"|"down"}.
//   sub T / unsub T     ws.subscribe / ws.unsubscribe, answered "ok sub T" / "ok unsub T"
//   pub T DATA          server.publish(T, DATA)
//   wspub T DATA        ws.publish(T, DATA)
//   binpub T HEX        server.publish(T, bytes)
//   pid                 answered "pid N"
// Environment: REDIS_URL, REDIS_CLIENT ("redis" or "ioredis"), PORT (default 0), REUSE_PORT ("1").
import process from "node:process";
import { createClient } from "redis";
import { Redis } from "ioredis";
import { serve } from "../../src/mod.ts";
import { redisBroker } from "../../src/redis.ts";
import type { RedisClientLike } from "../../src/pubsub/redis_clients.ts";

const url = process.env.REDIS_URL;
const report = (event: Record<string, unknown>) => process.stdout.write(JSON.stringify(event) + "\n");
let publisher: RedisClientLike | undefined;
let subscriber: RedisClientLike | undefined;
if (url !== undefined) {
  if (process.env.REDIS_CLIENT === "ioredis") {
    publisher = new Redis(url, { lazyConnect: true });
    subscriber = new Redis(url, { lazyConnect: true });
    await Promise.all([(publisher as Redis).connect(), (subscriber as Redis).connect()]);
  } else {
    // A short reconnect delay keeps the outage test brisk.
    const options = { url, socket: { reconnectStrategy: () => 100 } };
    publisher = await createClient(options).connect();
    subscriber = await createClient(options).connect();
  }
}
const broker = publisher && subscriber
  ? redisBroker({ publisher, subscriber, onStatus: (status) => report({ event: "status", status }) })
  : undefined;
const fromHex = (hex: string) => new Uint8Array((hex.match(/../g) ?? []).map((byte) => parseInt(byte, 16)));

const server = await serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  reusePort: process.env.REUSE_PORT === "1",
  broker,
  websocket(ws) {
    ws.addEventListener("message", (event) => {
      const [command, topic, ...rest] = String(event.data).split(" ");
      const data = rest.join(" ");
      if (command === "sub") ws.subscribe(topic);
      else if (command === "unsub") ws.unsubscribe(topic);
      else if (command === "pub") server.publish(topic, data);
      else if (command === "wspub") ws.publish(topic, data);
      else if (command === "binpub") server.publish(topic, fromHex(data));
      else if (command === "pid") return ws.send(`pid ${process.pid}`);
      if (command === "sub" || command === "unsub") ws.send(`ok ${command} ${topic}`);
    });
  },
});
report({ event: "listening", port: server.address.port, pid: process.pid });
