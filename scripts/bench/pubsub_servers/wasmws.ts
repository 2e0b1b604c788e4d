// wasmws pub/sub benchmark server (Deno, Bun or Node). Sockets on /sub join
// topic "t"; the control socket (/ctl) asks: "pub R" publishes one 64-byte
// message, "burst M" and "paced M RATE" publish timestamped messages (through
// Redis when REDIS_URL is set), "stats" answers with the time spent inside
// publish() and the process's CPU time.
import process from "node:process";
import { type Broker, serve } from "../../../src/mod.ts";

let broker: Broker | undefined;
if (process.env.REDIS_URL !== undefined) {
  const { createClient } = await import("redis");
  const { redisBroker } = await import("../../../src/redis.ts");
  const publisher = await createClient({ url: process.env.REDIS_URL }).connect();
  const subscriber = await publisher.duplicate().connect();
  broker = redisBroker({ publisher, subscriber });
}
const pad = "x".repeat(64);
let publishMs = 0;
const now = () => performance.timeOrigin + performance.now();

const server = await serve({
  hostname: "127.0.0.1",
  port: 0,
  maxConnections: 20_000,
  broker,
  websocket(ws) {
    if (!ws.url.endsWith("/ctl")) return ws.subscribe("t");
    ws.addEventListener("message", async (event) => {
      const [command, a, b] = String(event.data).split(" ");
      if (command === "pub") {
        const started = performance.now();
        server.publish("t", `${a} ${pad}`.slice(0, 64));
        publishMs += performance.now() - started;
      } else if (command === "burst") {
        for (let i = 0; i < Number(a); i++) server.publish("t", `${now()} ${i}`);
      } else if (command === "paced") {
        const gap = 1000 / Number(b);
        for (let i = 0; i < Number(a); i++) {
          server.publish("t", `${now()} ${i}`);
          await new Promise((resolve) => setTimeout(resolve, gap));
        }
        ws.send("paced done");
      } else if (command === "stats") {
        const cpu = process.cpuUsage();
        ws.send(JSON.stringify({ publishMs, cpuMs: (cpu.user + cpu.system) / 1000 }));
      }
    });
  },
});
console.log(`listening on ws://127.0.0.1:${server.address.port}`);
