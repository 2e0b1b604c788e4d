// The wasmws echo server with a handler object (the Bun.serve shape: one plain
// call per message, no MessageEvent) for the benchmark, beside the
// events-based examples/echo_server.ts. PORT env, prints its URL when ready;
// runs on Deno, Bun and Node.
import { serve } from "../../../src/mod.ts";

const port = Number(globalThis.process?.env.PORT ?? 8080);
const server = await serve({
  hostname: "127.0.0.1",
  port,
  websocket: { message: (ws, data) => ws.send(data) },
});
console.log(`listening on ws://127.0.0.1:${server.address.port}`);

const stop = () => server.shutdown().then(() => globalThis.process?.exit(0));
globalThis.process?.on("SIGINT", stop);
globalThis.process?.on("SIGTERM", stop);
