// Our client inside a real workerd (Cloudflare's runtime, from npm): the npm
// build's `workerd` entry, the `cloudflare:sockets` transport and workerd's
// own EventTarget, against the `ws` package as the server. It needs the
// packed build (its `mod_workerd.js` and `.wasm` module), so it runs in the
// Node 24 step, where `src/` is the installed package.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server as NetServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";

const here = dirname(fileURLToPath(import.meta.url));
const esm = join(here, "../../src");
const built = existsSync(join(esm, "mod_workerd.js"));
const workerd = findUp(here, "node_modules/.bin/workerd");
const isNode24 = typeof (globalThis as { Deno?: unknown }).Deno === "undefined" &&
  typeof (globalThis as { Bun?: unknown }).Bun === "undefined" && process.versions.node.startsWith("24.");
const skip = !built
  ? "needs the packed npm build (the Node steps)"
  : workerd === undefined
  ? "workerd is not installed"
  : !isNode24
  ? "workerd does not depend on the Node version: run once, in the Node 24 step"
  : undefined;

function findUp(from: string, path: string): string | undefined {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, path))) return join(dir, path);
  }
  return undefined;
}

// Each scenario opens one client inside the worker and answers with what it saw.
const WORKER = `
import { serve, WebSocket, WebSocketStream } from "./esm/mod_workerd.js";

function run(url, protocols, script) {
  const seen = [];
  let opened = 0;
  const ws = new WebSocket(url, protocols);
  ws.binaryType = "arraybuffer";
  seen.push(["readyState", ws.readyState]);
  return new Promise((resolve) => {
    // Both a handler and a listener: each must run once per event.
    ws.onopen = () => {
      opened = Date.now();
      seen.push(["open", ws.protocol]);
      script(ws);
    };
    ws.addEventListener("open", () => seen.push(["listener open"]));
    ws.onmessage = (event) => {
      const data = typeof event.data === "string"
        ? (event.data.length > 20 ? "text of " + event.data.length : event.data)
        : "bytes " + new Uint8Array(event.data).join(",");
      seen.push(["message", data]);
      if (data === "bye") ws.close(1000, "done");
    };
    ws.addEventListener("pong", (event) => seen.push(["pong", new TextDecoder().decode(event.data), event.rtt >= 0]));
    ws.onerror = (event) => seen.push(["error", event.error?.code ?? "no code"]);
    ws.onclose = (event) => {
      // The server closes TCP right after its close frame; the 5 s close timeout must not be what ends it.
      if (opened !== 0 && Date.now() - opened > 2500) seen.push(["closed only after ms", Date.now() - opened]);
      seen.push(["close", event.code, event.reason, event.wasClean, ws.readyState]);
      resolve(seen);
    };
  });
}

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    const url = params.get("url");
    const scenario = params.get("scenario");
    if (scenario === "serve") {
      // No listening sockets here: the README says serve() rejects and names the way a Worker accepts.
      const outcome = await serve({ port: 0, websocket() {} }).then(() => "listening", (error) => [error.code, error.message]);
      return Response.json(outcome);
    }
    if (scenario === "stream") {
      const wss = new WebSocketStream(url);
      const { readable, writable } = await wss.opened;
      const writer = writable.getWriter();
      const reader = readable.getReader();
      await writer.write("streamed");
      const { value } = await reader.read();
      wss.close({ closeCode: 4000, reason: "stream done" });
      return Response.json([value, await wss.closed]);
    }
    const seen = await run(url, ["chat"], (ws) => {
      if (scenario === "echo") {
        // A dispatch by the page runs the handler once too (workerd would call onmessage itself as well).
        ws.dispatchEvent(new MessageEvent("message", { data: "page" }));
        ws.send("héllo");
        ws.send(new Uint8Array([1, 2, 3]));
        ws.send("x".repeat(70000));
        ws.ping("are you there");
        ws.send("bye");
      } else if (scenario === "server-close") {
        ws.send("close me");
      }
    });
    return Response.json(seen);
  },
};
`;

/**
 * A workerd config listing the worker and every module of the built package,
 * copied beside it: workerd embeds files only from the config's directory.
 */
function config(dir: string, port: number): string {
  cpSync(realpathSync(esm), join(dir, "esm"), { recursive: true });
  writeFileSync(join(dir, "worker.js"), WORKER);
  const modules = [`(name = "worker.js", esModule = embed "worker.js")`];
  const walk = (path: string): void => {
    for (const name of readdirSync(join(dir, path))) {
      const module = `${path}/${name}`;
      if (statSync(join(dir, module)).isDirectory()) walk(module);
      else if (name.endsWith(".js")) modules.push(`(name = "${module}", esModule = embed "${module}")`);
      else if (name.endsWith(".wasm")) modules.push(`(name = "${module}", wasm = embed "${module}")`);
    }
  };
  walk("esm");
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # The default network refuses private and local addresses; the tests' server is on 127.0.0.1.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [${modules.join(",\n    ")}],
  compatibilityDate = "2026-11-01",
);
`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server: NetServer = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("our client inside workerd → ws server", { skip }, () => {
  let wss: WebSocketServer;
  let wsUrl = "";
  let child: ChildProcess;
  let base = "";
  let dir = "";

  before(async () => {
    wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: (p) => p.has("chat") ? "chat" : false });
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
    wsUrl = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/`;
    wss.on("connection", (socket) => {
      socket.on("message", (data, isBinary) => {
        if (String(data) === "close me") socket.close(4001, "go away");
        else socket.send(data, { binary: isBinary });
      });
    });
    dir = mkdtempSync(join(tmpdir(), "wasmws-workerd-"));
    const port = await freePort();
    writeFileSync(join(dir, "config.capnp"), config(dir, port));
    child = spawn(workerd!, ["serve", join(dir, "config.capnp")], { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    child.stderr!.on("data", (chunk) => log += chunk);
    base = `http://127.0.0.1:${port}/`;
    for (let i = 0; i < 200; i++) {
      const up = await fetch(base, { method: "HEAD" }).then(() => true, () => false);
      if (up) return;
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`workerd did not start:\n${log}`);
  });

  after(async () => {
    child?.kill();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const scenario = async (name: string, url = wsUrl) => {
    const response = await fetch(`${base}?scenario=${name}&url=${encodeURIComponent(url)}`);
    assert.equal(response.status, 200, await response.clone().text());
    return await response.json();
  };

  it("echoes text, binary and 70,000 characters, answers a ping, and closes cleanly", async () => {
    assert.deepEqual(await scenario("echo"), [
      ["readyState", 0],
      ["open", "chat"],
      ["message", "page"],
      ["listener open"],
      ["message", "héllo"],
      ["message", "bytes 1,2,3"],
      ["message", "text of 70000"],
      ["pong", "are you there", true],
      ["message", "bye"],
      ["close", 1000, "done", true, 3],
    ]);
  });

  it("reports a server's close code and reason", async () => {
    assert.deepEqual(await scenario("server-close"), [
      ["readyState", 0],
      ["open", "chat"],
      ["listener open"],
      ["close", 4001, "go away", true, 3],
    ]);
  });

  it("WebSocketStream: a message each way, then close({ closeCode, reason }) echoed by the server", async () => {
    assert.deepEqual(await scenario("stream"), ["streamed", { closeCode: 4000, reason: "stream done" }]);
  });

  it("serve() rejects with WS_ERR_LISTEN, naming WebSocketPair as the way a Worker accepts", async () => {
    const [code, message] = await scenario("serve");
    assert.equal(code, "WS_ERR_LISTEN");
    assert.match(message, /^Cannot listen on .*: .*workerd has no listening sockets.*WebSocketPair/);
  });

  it("a refused connection fires error, then close 1006", async () => {
    const seen = await scenario("none", `ws://127.0.0.1:${await freePort()}/`);
    assert.deepEqual(seen.slice(1), [["error", "WS_ERR_CONNECT"], ["close", 1006, "", false, 3]]);
  });
});
