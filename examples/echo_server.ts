// An echo server: text comes back as text, binary as binary. Runs unchanged on
// `deno run -A examples/echo_server.ts`, `bun examples/echo_server.ts` and
// `node examples/echo_server.ts` (Node >= 22.18).
import { serve } from "../src/mod.ts";

const port = Number(globalThis.process?.env.PORT ?? 8080);
const server = await serve({
  hostname: "127.0.0.1",
  port,
  websocket(ws) {
    ws.binaryType = "arraybuffer";
    ws.addEventListener("message", (event) => ws.send(event.data));
  },
});
console.log(`listening on ws://127.0.0.1:${server.address.port}`);

const stop = () => server.shutdown().then(() => globalThis.process?.exit(0));
globalThis.process?.on("SIGINT", stop);
globalThis.process?.on("SIGTERM", stop);
