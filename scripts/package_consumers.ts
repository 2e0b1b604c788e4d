// The consumers scripts/package_tests.ts installs beside the packed build: each opens a server on a free
// port, echoes "hi" through a client and prints the reply, so a module that fails to load, a WASM core that
// cannot compile or a missing export all show.

const ESM_BODY = `const server = await serve({
  hostname: "127.0.0.1",
  port: 0,
  websocket: (ws) => ws.addEventListener("message", (event) => ws.send(\`echo: \${event.data}\`)),
});
const ws = new WebSocket(\`ws://127.0.0.1:\${server.address.port}\`);
const reply = await new Promise((resolve, reject) => {
  ws.onopen = () => ws.send("hi");
  ws.onmessage = (event) => resolve(event.data);
  ws.onerror = (event) => reject(event.error);
});
ws.close();
await server.shutdown();
if (typeof upgradeHandler !== "function") throw new Error("Cannot find upgradeHandler in wasmws/node");
console.log(reply);
`;

/** File name → text. */
export const CONSUMERS: Record<string, string> = {
  "consumer.cjs": `"use strict";
// CommonJS: require() of the ESM build (Node's require(esm), Bun).
const { serve, WebSocket } = require("wasmws");
const { upgradeHandler } = require("wasmws/node");

async function main() {
${ESM_BODY.replace(/^(?=.)/gm, "  ").replace("  console.log(reply);\n", "  return reply;\n")}}
main().then(console.log, (error) => {
  console.error(error);
  process.exitCode = 1;
});
`,
  "consumer.mjs": `import { serve, WebSocket } from "wasmws";
import { upgradeHandler } from "wasmws/node";

${ESM_BODY}`,
  // Also what tsc and deno check read: it touches the typed surface a user reaches first.
  "consumer.ts": `import { type Server, serve, WebSocket, WebSocketError, type WebSocketOptions } from "wasmws";
import { upgradeHandler } from "wasmws/node";

const server: Server = await serve({
  hostname: "127.0.0.1",
  port: 0,
  upgrade: ({ headers }) => headers.get("x-from") === "consumer",
  websocket(ws) {
    ws.addEventListener("message", (event) => ws.send(\`echo: \${event.data}\`));
  },
});
const options: WebSocketOptions = { headers: { "x-from": "consumer" } };
const ws = new WebSocket(\`ws://127.0.0.1:\${server.address.port}\`, options);
ws.binaryType = "arraybuffer";
const reply = await new Promise<string>((resolve, reject) => {
  ws.onopen = () => ws.send("hi");
  ws.onmessage = (event) => resolve(String(event.data));
  ws.onerror = (event) => reject(event.error instanceof WebSocketError ? event.error : new Error("error event"));
});
ws.close(1000, "done");
await server.shutdown();
if (typeof upgradeHandler !== "function") throw new Error("Cannot find upgradeHandler in wasmws/node");
console.log(reply);
`,
  // TypeScript compiled to CommonJS (module nodenext, a .cts file): require() of the package, typed. Type-checked
  // only: `import x = require()` is not erasable, so Node's type stripping cannot run it.
  "consumer.cts": `import wasmws = require("wasmws");
import node = require("wasmws/node");

const ws: wasmws.WebSocket = new wasmws.WebSocket("ws://127.0.0.1:8080", { headers: { "x-from": "cjs" } });
ws.onerror = (event) => console.log(event.error instanceof wasmws.WebSocketError);
ws.close();
const handler: node.UpgradeHandler = node.upgradeHandler({ websocket: (socket) => socket.send("hi") });
console.log(typeof handler.handleUpgrade);
`,
  // A browser-side project (DOM library, no Node types) that only opens a client.
  "consumer_web.ts": `import { WebSocket, WebSocketError } from "wasmws";

const ws = new WebSocket("wss://example.com/feed", ["v1"]);
ws.binaryType = "arraybuffer";
ws.addEventListener("message", (event) => console.log(event.data), { once: true, signal: AbortSignal.timeout(1000) });
ws.addEventListener("close", { handleEvent: (event) => console.log(event.type) });
ws.onerror = (event) => {
  if (event.error instanceof WebSocketError) console.log(event.error.code);
};
ws.close(4000, "bye");
`,
};

/** Node only: no DOM library, Node's globals from @types/node (found under `typeRoots`). */
export const TSCONFIG_NODE = (typeRoots: string) => ({
  compilerOptions: {
    target: "es2022",
    lib: ["es2022"],
    module: "nodenext",
    moduleResolution: "nodenext",
    types: ["node"],
    typeRoots: [typeRoots],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
  },
  // entries_types.ts (written by package_tests.ts) re-exports every entry deno.json names.
  files: ["consumer.ts", "consumer.cts", "entries_types.ts"],
});

/** A browser-style project: the DOM library, no @types at all. */
export const TSCONFIG_DOM = {
  compilerOptions: {
    target: "es2022",
    lib: ["es2022", "dom"],
    module: "esnext",
    moduleResolution: "bundler",
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
  },
  files: ["consumer_web.ts"],
};

/** The common mix: Node's types and the DOM library together. */
export const TSCONFIG_NODE_DOM = (typeRoots: string) => {
  const config = TSCONFIG_NODE(typeRoots);
  return { ...config, compilerOptions: { ...config.compilerOptions, lib: ["es2022", "dom"] } };
};
