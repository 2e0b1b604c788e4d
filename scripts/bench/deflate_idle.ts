// Memory per idle connection with permessage-deflate agreed, on the server side:
//   node --expose-gc scripts/bench/deflate_idle.ts [count]   (Node 24; prints one JSON object)
// For each server (wasmws serve() with perMessageDeflate, ws's WebSocketServer with perMessageDeflate,
// each with its defaults, and each without deflate for reference), a child process opens `count` ws
// clients (deflate on, context takeover, as browsers), each sends one 4 KiB JSON message and gets it back
// compressed, so every lazily made (de)compressor exists; then all sit idle. The server process's heap +
// external + ArrayBuffer memory (what V8 and Node account for, zlib's native state included) and the RSS
// are read after a full GC before and after: the growth per connection.
import { spawn } from "node:child_process";
import { WebSocketServer } from "ws";
import { serve } from "../../src/mod.ts";

const g = globalThis as unknown as {
  gc?: () => void;
  process: { argv: string[]; execPath: string; memoryUsage(): Record<string, number> };
};
const COUNT = Number(g.process.argv[2] ?? 300);
if (g.gc === undefined) throw new Error("Cannot measure: run with --expose-gc");

const CLIENT = `
const { WebSocket } = require(process.argv[1] + "/node_modules/ws");
const [url, count, deflate] = process.argv.slice(2);
const message = JSON.stringify(Array.from({ length: 60 }, (_, i) => ({ id: i, user: "user" + i, ok: true }))).slice(0, 4096);
(async () => {
  const sockets = [];
  for (let i = 0; i < Number(count); i++) {
    const socket = new WebSocket(url, { perMessageDeflate: deflate === "1" ? { threshold: 0 } : false });
    await new Promise((resolve, reject) => { socket.once("open", resolve); socket.once("error", reject); });
    socket.send(message);
    await new Promise((resolve) => socket.once("message", resolve));
    sockets.push(socket);
  }
  console.log("ready " + sockets[0].extensions);
  process.stdin.on("data", () => process.exit(0));
})();
`;

function memory(): { tracked: number; rss: number } {
  for (let i = 0; i < 3; i++) g.gc!();
  const usage = g.process.memoryUsage();
  return { tracked: usage.heapUsed + usage.external + usage.arrayBuffers, rss: usage.rss };
}

async function measure(url: string, deflate: boolean): Promise<Record<string, number | string>> {
  const before = memory();
  const child = spawn(g.process.execPath, ["-e", CLIENT, process.cwd(), url, String(COUNT), deflate ? "1" : "0"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const ready = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Uint8Array) => resolve(String(chunk).trim()));
    child.on("exit", (code) => reject(new Error(`Cannot measure: the clients exited with ${code}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = memory();
  child.stdin!.write("done\n");
  await new Promise((resolve) => child.on("exit", resolve));
  return {
    bytesPerConnection: Math.round((after.tracked - before.tracked) / COUNT),
    rssPerConnection: Math.round((after.rss - before.rss) / COUNT),
    extensions: ready.slice(6),
  };
}

const results: Record<string, unknown> = {};
{
  // The server demands client_no_context_takeover: no inflater outlives a message.
  const ours = await serve({
    hostname: "127.0.0.1",
    port: 0,
    perMessageDeflate: { threshold: 0, clientNoContextTakeover: true },
    websocket: (ws) => ws.addEventListener("message", (event) => ws.send((event as MessageEvent).data)),
  });
  results["wasmws deflate, clientNoContextTakeover"] = await measure(`ws://127.0.0.1:${ours.address.port}`, true);
  await ours.shutdown();
}
for (const deflate of [true, false]) {
  const ours = await serve({
    hostname: "127.0.0.1",
    port: 0,
    perMessageDeflate: deflate ? { threshold: 0 } : false,
    websocket: (ws) => ws.addEventListener("message", (event) => ws.send((event as MessageEvent).data)),
  });
  results[`wasmws${deflate ? " deflate" : ""}`] = await measure(`ws://127.0.0.1:${ours.address.port}`, deflate);
  await ours.shutdown();
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    perMessageDeflate: deflate ? { threshold: 0 } : false,
  });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  wss.on("connection", (socket) => socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary })));
  results[`ws${deflate ? " deflate" : ""}`] = await measure(
    `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    deflate,
  );
  for (const client of wss.clients) client.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}
console.log(JSON.stringify({ runtime: `node ${process.version}`, connections: COUNT, results }));
