// Per-connection data (Bun.serve's `ws.data`): what the `upgrade` hook
// returns as `data` rides on the socket, typed by serve<T>().
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, type ServerWebSocket, WebSocket } from "../../src/mod.ts";
import { once } from "../_helpers/events.ts";

interface Session {
  user: string;
  joined: number;
}

describe("ws.data from the upgrade hook", () => {
  it("carries the hook's data to the websocket callback, the clients set and every later event", async () => {
    let joined = 0;
    const seen: string[] = [];
    const server = await serve<Session>({
      hostname: "127.0.0.1",
      port: 0,
      upgrade: ({ url }) => ({ data: { user: new URL(url).searchParams.get("user") ?? "?", joined: ++joined } }),
      websocket(ws) {
        // Typed: `user` is a string here without a cast.
        const user: string = ws.data.user;
        seen.push(user);
        ws.addEventListener("message", () => ws.send(`${ws.data.user} #${ws.data.joined}`));
      },
    });
    const base = `ws://127.0.0.1:${server.address.port}/`;
    const ada = new WebSocket(`${base}?user=ada`);
    await once(ada, "open");
    const bob = new WebSocket(`${base}?user=bob`);
    await once(bob, "open");
    ada.send("who am I");
    assert.equal((await once<MessageEvent>(ada, "message")).data, "ada #1");
    bob.send("who am I");
    assert.equal((await once<MessageEvent>(bob, "message")).data, "bob #2");
    assert.deepEqual(seen, ["ada", "bob"]);
    assert.deepEqual([...server.clients].map((ws) => ws.data.user).sort(), ["ada", "bob"]);
    assert.equal(server.broadcast("to bob only", (ws) => ws.data.user === "bob"), 1);
    assert.equal((await once<MessageEvent>(bob, "message")).data, "to bob only");
    ada.close();
    bob.close();
    await Promise.all([once(ada, "close"), once(bob, "close")]);
    await server.shutdown();
  });

  it("comes from an async hook too (its type inferred from the hook), and the application may replace it", async () => {
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      upgrade: async () => {
        await Promise.resolve();
        return { protocol: "", data: { count: 0 } };
      },
      websocket(ws) {
        ws.addEventListener("message", () => {
          ws.data = { count: ws.data.count + 1 };
          ws.send(String(ws.data.count));
        });
      },
    });
    const ws = new WebSocket(`ws://127.0.0.1:${server.address.port}/`);
    await once(ws, "open");
    for (const expected of ["1", "2"]) {
      ws.send("again");
      assert.equal((await once<MessageEvent>(ws, "message")).data, expected);
    }
    ws.close();
    await once(ws, "close");
    await server.shutdown();
  });

  it("is undefined when the hook returns none, and on a client socket", async () => {
    const data: unknown[] = [];
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      upgrade: () => true,
      websocket: (ws: ServerWebSocket) => data.push(ws.data),
    });
    const ws = new WebSocket(`ws://127.0.0.1:${server.address.port}/`);
    await once(ws, "open");
    assert.deepEqual(data, [undefined]);
    assert.equal(ws.data, undefined);
    assert.ok("data" in WebSocket.prototype, "an accessor of the class, not a property added per socket");
    assert.equal(Object.hasOwn(ws, "data"), false);
    ws.close();
    await once(ws, "close");
    await server.shutdown();
  });
});
