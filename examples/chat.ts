// `npm start`: a chat room. One port serves the page (the `fetch` handler) and
// its WebSockets; every message is broadcast to everyone, encoded once.
import { serve } from "../src/mod.ts";
import { CHAT_PAGE } from "./chat_page.ts";

const port = Number(globalThis.process?.env.PORT ?? 8080);
let nextId = 1;
const names = new WeakMap<object, string>();

const server = await serve({
  hostname: "127.0.0.1",
  port,
  fetch: (request) =>
    new URL(request.url).pathname === "/"
      ? new Response(CHAT_PAGE, { headers: { "content-type": "text/html; charset=utf-8" } })
      : new Response("Not Found\n", { status: 404 }),
  idleTimeout: 30_000,
  websocket(ws) {
    const name = `guest-${nextId++}`;
    names.set(ws, name);
    ws.send(JSON.stringify({ from: "server", text: `welcome, ${name}` }));
    server.broadcast(JSON.stringify({ from: "server", text: `${name} joined` }), (other) => other !== ws);
    ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return;
      server.broadcast(JSON.stringify({ from: name, text: event.data.slice(0, 1000) }));
    });
    ws.addEventListener("close", () => server.broadcast(JSON.stringify({ from: "server", text: `${name} left` })));
  },
});
console.log(`chat on http://127.0.0.1:${server.address.port}/ (WebSocket at ws://127.0.0.1:${server.address.port}/)`);

const stop = () => server.shutdown().then(() => globalThis.process?.exit(0));
globalThis.process?.on("SIGINT", stop);
globalThis.process?.on("SIGTERM", stop);
