// `npm start`: a chat with rooms. One port serves the page (the `fetch` handler)
// and its WebSockets; each room is a topic, and every message is published to
// it, encoded once for all its members. `/?room=games` opens another room.
//
// With REDIS_URL set (e.g. redis://127.0.0.1:6379), rooms reach across
// processes through Redis and the port is shared (reusePort): start this file
// several times, or run examples/chat_cluster.ts for one process per core.
import process from "node:process";
import { type Broker, serve } from "../src/mod.ts";
import { CHAT_PAGE } from "./chat_page.ts";

const port = Number(process.env.PORT ?? 8080);
const redisUrl = process.env.REDIS_URL;
let nextId = 1;

async function redis(url: string): Promise<Broker> {
  const { createClient } = await import("redis");
  const { redisBroker } = await import("../src/redis.ts");
  // A client without an 'error' listener would crash the process when Redis goes away; the broker adds one.
  const publisher = await createClient({ url }).connect();
  const subscriber = await publisher.duplicate().connect();
  return redisBroker({
    publisher,
    subscriber,
    onStatus: (status, error) => console.log(`redis ${status}${error ? `: ${error.message}` : ""}`),
  });
}

const roomOf = (url: string) => (new URL(url).searchParams.get("room") ?? "lobby").slice(0, 40) || "lobby";

const server = await serve({
  hostname: "127.0.0.1",
  port,
  reusePort: redisUrl !== undefined,
  broker: redisUrl === undefined ? undefined : await redis(redisUrl),
  fetch: (request) =>
    new URL(request.url).pathname === "/"
      ? new Response(CHAT_PAGE, { headers: { "content-type": "text/html; charset=utf-8" } })
      : new Response("Not Found\n", { status: 404 }),
  idleTimeout: 30_000,
  websocket(ws) {
    // Names must not collide across processes sharing the rooms.
    const name = `guest-${process.pid % 1000}-${nextId++}`;
    const room = `room:${roomOf(ws.url)}`;
    const say = (from: string, text: string) => server.publish(room, JSON.stringify({ from, text }));
    ws.send(JSON.stringify({ from: "server", text: `welcome to ${room.slice(5)}, ${name} (process ${process.pid})` }));
    say("server", `${name} joined`);
    ws.subscribe(room);
    ws.addEventListener("message", (event) => {
      if (typeof event.data === "string") say(name, event.data.slice(0, 1000));
    });
    ws.addEventListener("close", () => say("server", `${name} left`));
  },
});
console.log(`chat on http://127.0.0.1:${server.address.port}/ (process ${process.pid})`);

const stop = () => server.shutdown().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
