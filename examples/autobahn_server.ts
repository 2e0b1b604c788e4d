// The echo server to run the Autobahn|Testsuite's fuzzingclient against:
// every message comes back as it came (text as text, binary as binary), with
// permessage-deflate on so that the 12.x and 13.x cases run (they are
// "unimplemented" against a server without it). Runs unchanged on
// `deno run -A examples/autobahn_server.ts`, `bun examples/autobahn_server.ts`
// and `node examples/autobahn_server.ts` (Node >= 22.18); PORT sets the port
// (default 9001). Then, from the suite's folder:
//   wstest -m fuzzingclient -s fuzzingclient.json
// with fuzzingclient.json listing `{ "agent": "wasmws", "url": "ws://127.0.0.1:9001" }`
// among its "servers" and `"cases": ["*"]`.
import { serve } from "../src/mod.ts";

const port = Number(globalThis.process?.env.PORT ?? 9001);
const server = await serve({
  hostname: "127.0.0.1",
  port,
  perMessageDeflate: true,
  websocket(ws) {
    ws.binaryType = "arraybuffer";
    ws.addEventListener("message", (event) => ws.send(event.data));
  },
});
console.log(`Autobahn echo server on ws://127.0.0.1:${server.address.port}`);

const stop = () => server.shutdown().then(() => globalThis.process?.exit(0));
globalThis.process?.on("SIGINT", stop);
globalThis.process?.on("SIGTERM", stop);
