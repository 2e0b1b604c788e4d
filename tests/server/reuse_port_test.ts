// serve({ reusePort: true }): several processes on one port, the kernel
// spreading connections among them (SO_REUSEPORT); a clear error where the
// runtime cannot.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, type Server, WebSocket, WebSocketError } from "../../src/mod.ts";
import { freePort } from "../_helpers/redis.ts";
import { type ServerProcess, startServer } from "../_helpers/server_process.ts";
import { once } from "../_helpers/events.ts";

const children: ServerProcess[] = [];
after(async () => {
  await Promise.all(children.map((child) => child.kill()));
});

const g = globalThis as {
  Deno?: { listenDatagram?: unknown };
  Bun?: unknown;
  process?: { versions: { node: string } };
};
const [major, minor] = (g.process?.versions.node ?? "0.0").split(".").map(Number);
/** Why this runtime cannot (Deno defines its unstable networking only under --unstable-net), or undefined. */
const unsupported = g.Bun !== undefined
  ? undefined
  : g.Deno !== undefined
  ? (typeof g.Deno.listenDatagram === "function" ? undefined : "Deno needs --unstable-net")
  : major > 22 || (major === 22 && minor >= 12)
  ? undefined
  : `Node ${g.process?.versions.node} (it needs 22.12 or later)`;

describe("serve({ reusePort })", () => {
  it("in this process: two servers share a port, or a clear WS_ERR_REUSE_PORT where the runtime cannot", async () => {
    const port = await freePort();
    const options = { hostname: "127.0.0.1", port, reusePort: true };
    if (unsupported !== undefined) {
      await assert.rejects(serve(options), (error: WebSocketError) => {
        assert.ok(error instanceof WebSocketError);
        assert.equal(error.code, "WS_ERR_REUSE_PORT");
        assert.ok(error.message.startsWith("Cannot "), error.message);
        assert.ok(error.message.includes(`reusePort is not supported: ${unsupported}`), error.message);
        return true;
      });
      return;
    }
    const servers: Server[] = [await serve(options), await serve(options)];
    assert.deepEqual(servers.map((server) => server.address.port), [port, port]);
    await Promise.all(servers.map((server) => server.shutdown()));
  });

  it("without reusePort, a second server on a taken port fails", async () => {
    const first = await serve({ hostname: "127.0.0.1", port: 0 });
    await assert.rejects(serve({ hostname: "127.0.0.1", port: first.address.port }));
    await first.shutdown();
  });

  it("Deno, Bun and Node 24 processes on one port all accept connections", async () => {
    const port = await freePort();
    const env = { PORT: String(port), REUSE_PORT: "1" };
    children.push(await startServer("deno", env), await startServer("bun", env), await startServer("node", env));
    assert.deepEqual(children.map((child) => child.port), [port, port, port]);
    const want = new Set(children.map((child) => child.pid));
    const seen = new Set<number>();
    // Each new connection comes from a new source port, which the kernel hashes to one of the three.
    for (let i = 0; i < 120 && seen.size < want.size; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      await once(ws, "open");
      ws.send("pid");
      const answer = await once<MessageEvent>(ws, "message");
      seen.add(Number(String(answer.data).split(" ")[1]));
      ws.close();
      await once(ws, "close");
    }
    assert.deepEqual([...seen].sort(), [...want].sort());
  });
});
