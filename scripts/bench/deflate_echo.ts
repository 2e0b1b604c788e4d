// Echo with permessage-deflate, one runtime, client and server in this process:
//   node scripts/bench/deflate_echo.ts | deno run -A scripts/bench/deflate_echo.ts | bun scripts/bench/deflate_echo.ts
// Text messages of realistic JSON (128 B, 1 KiB, 16 KiB, 256 KiB), 16 in flight, compression on both ways
// (threshold 0, each library's defaults otherwise) for four pairs: wasmws ↔ wasmws, ws ↔ ws, and each
// client against the other's server, so a role's cost shows. Prints one JSON object of msgs/s.
import { WebSocket as WsClient, WebSocketServer } from "ws";
import { serve, WebSocket } from "../../src/mod.ts";

const quick = (globalThis as { process?: { argv: string[] } }).process?.argv.includes("--quick") ?? false;
const SECONDS = quick ? 0.3 : 1.5;
const SIZES = [128, 1024, 16 * 1024, 256 * 1024];
const IN_FLIGHT = 16;

function json(bytes: number): string {
  const rows: unknown[] = [];
  let text = "";
  for (let i = 0; text.length < bytes; i++) {
    rows.push({ id: i, user: `user${i % 97}`, price: ((i * 7919) % 10000) / 100, side: i % 2 ? "buy" : "sell" });
    text = JSON.stringify(rows);
  }
  return text.slice(0, bytes);
}

interface Client {
  send(text: string): void;
  onMessage(handler: () => void): void;
  close(): void;
}

async function ourClient(url: string): Promise<Client> {
  const ws = new WebSocket(url, {
    perMessageDeflate: { clientMaxWindowBits: true, threshold: 0 },
    maxPayload: 1 << 30,
  });
  await new Promise((resolve) => ws.onopen = resolve);
  if (!ws.extensions.startsWith("permessage-deflate")) throw new Error(`no deflate: ${ws.extensions}`);
  return { send: (t) => ws.send(t), onMessage: (h) => ws.onmessage = h, close: () => ws.close() };
}

async function wsClient(url: string): Promise<Client> {
  const ws = new WsClient(url, { perMessageDeflate: { threshold: 0 } });
  await new Promise((resolve) => ws.once("open", resolve));
  if (!ws.extensions.startsWith("permessage-deflate")) throw new Error(`no deflate: ${ws.extensions}`);
  return { send: (t) => ws.send(t), onMessage: (h) => ws.on("message", h), close: () => ws.close() };
}

async function ourServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    maxPayload: 1 << 30,
    perMessageDeflate: { threshold: 0 },
    websocket: (ws) => ws.addEventListener("message", (event) => ws.send((event as MessageEvent).data)),
  });
  return { url: `ws://127.0.0.1:${server.address.port}`, stop: () => server.shutdown({ timeout: 100 }) };
}

async function wsServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: { threshold: 0 } });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  wss.on("connection", (socket) => socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary })));
  return {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

async function rate(client: Client, text: string): Promise<number> {
  let inFlight = 0;
  let counted = 0;
  let counting = false;
  let started = 0;
  const end = performance.now() + SECONDS * 1200;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => finish = resolve);
  client.onMessage(() => {
    inFlight--;
    if (counting) counted++;
    if (performance.now() < end) {
      inFlight++;
      client.send(text);
    } else if (inFlight === 0) finish();
  });
  // Warm up for a fifth of the time, then count.
  setTimeout(() => {
    counting = true;
    started = performance.now();
  }, SECONDS * 200);
  for (let i = 0; i < IN_FLIGHT; i++) {
    inFlight++;
    client.send(text);
  }
  await done;
  return Math.round(counted / ((performance.now() - started) / 1000));
}

const pairs: Array<[string, () => Promise<{ url: string; stop(): Promise<void> }>, (url: string) => Promise<Client>]> =
  [
    ["wasmws client → wasmws server", ourServer, ourClient],
    ["ws client → ws server", wsServer, wsClient],
    ["wasmws client → ws server", wsServer, ourClient],
    ["ws client → wasmws server", ourServer, wsClient],
  ];
const results: Record<string, Record<number, number>> = {};
for (const [name, startServer, connect] of pairs) {
  results[name] = {};
  for (const size of SIZES) {
    const server = await startServer();
    const client = await connect(server.url);
    results[name][size] = await rate(client, json(size));
    client.close();
    await server.stop();
  }
}
const g = globalThis as { Deno?: unknown; Bun?: unknown; process?: { version: string } };
console.log(
  JSON.stringify({ runtime: g.Deno ? "deno" : g.Bun ? "bun" : `node ${g.process?.version}`, msgsPerSecond: results }),
);
