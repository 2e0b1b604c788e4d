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

/** Deno defines its unstable networking only under --unstable-net, which reusePort needs. */
const denoWithoutUnstableNet = (globalThis as { Deno?: { listenDatagram?: unknown } }).Deno !== undefined &&
  typeof (globalThis as { Deno?: { listenDatagram?: unknown } }).Deno?.listenDatagram !== "function";

describe("serve({ reusePort })", () => {
  it("in this process: two servers share a port, or a clear WS_ERR_REUSE_PORT where the runtime cannot", async () => {
    const port = await freePort();
    const options = { hostname: "127.0.0.1", port, reusePort: true };
    if (denoWithoutUnstableNet) {
      await assert.rejects(serve(options), (error: WebSocketError) => {
        assert.ok(error instanceof WebSocketError);
        assert.equal(error.code, "WS_ERR_REUSE_PORT");
        assert.match(error.message, /^Cannot .*reusePort is not supported: Deno needs --unstable-net/);
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
