// Test helper, not a test: run as its own process by tests/interop/load_test.ts.
// 1,000 clients connect to our server, exchange messages, then the server shuts
// down. It prints one JSON line; the process must then exit by itself (no
// socket, timer or handle may outlive the connections).
import { serve, WebSocket } from "../../src/mod.ts";

const CLIENTS = 1000;
const MESSAGES = 5;
const server = await serve({
  hostname: "127.0.0.1",
  port: 0,
  websocket: (ws) => ws.addEventListener("message", (event) => ws.send(event.data)),
});
const url = `ws://127.0.0.1:${server.address.port}/`;
const closes = new Map<number, number>();
let echoed = 0;

async function client(i: number): Promise<void> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`client ${i} failed to open`));
  });
  for (let m = 0; m < MESSAGES; m++) {
    const reply = new Promise<unknown>((resolve) =>
      ws.addEventListener("message", (event) => resolve(event.data), { once: true })
    );
    ws.send(`client ${i} message ${m}`);
    if (await reply === `client ${i} message ${m}`) echoed++;
  }
  const closed = new Promise<number>((resolve) =>
    ws.addEventListener("close", (event) => resolve(event.code), { once: true })
  );
  opened++;
  if (opened === CLIENTS) allOpen();
  const code = await closed;
  closes.set(code, (closes.get(code) ?? 0) + 1);
}

let opened = 0;
let allOpen = () => {};
const ready = new Promise<void>((resolve) => allOpen = resolve);
const started = Date.now();
// Connect in waves so the listen backlog is never the bottleneck.
const clients: Promise<void>[] = [];
for (let i = 0; i < CLIENTS; i++) {
  clients.push(client(i));
  if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 5));
}
await ready;
const openClients = server.clients.size;
await server.shutdown();
await Promise.all(clients);
console.log(JSON.stringify({
  openClients,
  echoed,
  closes: Object.fromEntries(closes),
  remaining: server.clients.size,
  seconds: (Date.now() - started) / 1000,
}));
