// The WebSocket constructor's steps for a client socket (WHATWG WebSockets,
// "new WebSocket(url, protocols)"): a bad URL or protocol list throws a
// SyntaxError before anything connects; a connection that cannot be
// established fails: readyState CLOSED, `error`, then `close` with 1006.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { connectSocket } from "../../src/websocket/connect_socket.ts";

describe("connectSocket", () => {
  it("throws a SyntaxError for a URL with a fragment or another scheme", () => {
    for (const href of ["ws://127.0.0.1/#x", "ftp://127.0.0.1/", "not a url"]) {
      assert.throws(() => connectSocket(new EventTarget(), href, {}), { name: "SyntaxError" }, href);
    }
  });

  it("throws a SyntaxError for a repeated or invalid protocol", () => {
    for (const protocols of [["chat", "chat"], ["a b"], [""]]) {
      assert.throws(() => connectSocket(new EventTarget(), "ws://127.0.0.1/", { protocols }), {
        name: "SyntaxError",
      });
    }
  });

  it("is CONNECTING with the serialized URL, and fails with error then close 1006 when closed before it opened", async () => {
    const target = new EventTarget();
    const core = connectSocket(target, "WS://127.0.0.1:9/a b", {});
    assert.equal(core.url, "ws://127.0.0.1:9/a%20b");
    assert.equal(core.readyState, 0);
    const seen: string[] = [];
    const closed = new Promise<void>((resolve) => {
      target.addEventListener("error", () => seen.push(`error ${core.readyState}`));
      target.addEventListener("close", (event) => {
        const { code, wasClean } = event as CloseEvent;
        seen.push(`close ${code} ${wasClean} ${core.readyState}`);
        resolve();
      });
    });
    core.close(undefined, undefined);
    assert.equal(core.readyState, 2);
    await closed;
    assert.deepEqual(seen, ["error 3", "close 1006 false 3"]);
  });
});
