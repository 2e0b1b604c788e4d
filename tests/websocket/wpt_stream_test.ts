// The checks of web-platform-tests `websockets/stream/tentative/close.any.js`,
// restated against our WebSocketStream and a local stand-in for the WPT echo
// server. The stored WPT file predates the WHATWG text it now follows: the
// dictionary member is `closeCode` (WPT's older copy says `code`), and a
// connection given up during the handshake rejects with a WebSocketError
// (the older copy: NetworkError). Both follow the current Standard here.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocketStream } from "../../src/mod.ts";
import { type WptServer, wptServer } from "../_helpers/wpt_server.ts";

function domError(name: string) {
  return (error: unknown) => error instanceof DOMException && error.name === name;
}

type Info = Awaited<WebSocketStream["opened"]>;

/** Open a stream to the echo endpoint, do `act`, and return what `closed` settles with. */
async function closedAfter(server: WptServer, act: (wss: WebSocketStream, info: Info) => void) {
  const wss = new WebSocketStream(server.url("/echo"));
  const info = await wss.opened;
  act(wss, info);
  return await wss.closed;
}

describe("WPT stream/tentative/close.any.js", () => {
  it("close({ closeCode, reason }) is sent and the server's echo comes back in closed", async () => {
    const server = await wptServer(false);
    try {
      const closed = await closedAfter(server, (wss) => wss.close({ closeCode: 3456, reason: "pizza" }));
      assert.deepEqual(closed, { closeCode: 3456, reason: "pizza" });
    } finally {
      await server.shutdown();
    }
  });

  it("no code and no (or an empty) reason send an empty Close: 1005; a reason alone gets 1000", async () => {
    const server = await wptServer(false);
    try {
      assert.deepEqual(await closedAfter(server, (wss) => wss.close()), { closeCode: 1005, reason: "" });
      assert.deepEqual(await closedAfter(server, (wss) => wss.close({})), { closeCode: 1005, reason: "" });
      assert.deepEqual(await closedAfter(server, (wss) => wss.close({ reason: "" })), { closeCode: 1005, reason: "" });
      assert.deepEqual(await closedAfter(server, (wss) => wss.close({ reason: "non-empty" })), {
        closeCode: 1000,
        reason: "non-empty",
      });
      await server.closed(4);
      assert.deepEqual(server.closes.map((close) => close.code), [1005, 1005, 1005, 1000]);
    } finally {
      await server.shutdown();
    }
  });

  it("close(true) is a TypeError (not a dictionary); a 124-byte reason a SyntaxError; bad codes InvalidAccessError", async () => {
    const server = await wptServer(false);
    try {
      const wss = new WebSocketStream(server.url("/echo"));
      await wss.opened;
      assert.throws(() => wss.close(true as never), TypeError);
      assert.throws(() => wss.close({ reason: ".".repeat(124) }), domError("SyntaxError"));
      for (const closeCode of [999, 1001, 2999, 5000]) {
        assert.throws(() => wss.close({ closeCode }), domError("InvalidAccessError"), `${closeCode}`);
      }
      // A lone surrogate in the reason goes out as U+FFFD (USVString).
      wss.close({ closeCode: 3000, reason: "\uD800" });
      assert.deepEqual(await wss.closed, { closeCode: 3000, reason: "\uFFFD" });
    } finally {
      await server.shutdown();
    }
  });

  it("close() during the handshake rejects opened and closed", async () => {
    const server = await wptServer(false);
    try {
      const wss = new WebSocketStream(server.url("/echo"));
      wss.close();
      const [opened, closed] = await Promise.all([wss.opened.catch((e) => e), wss.closed.catch((e) => e)]);
      assert.ok(opened instanceof DOMException, String(opened));
      assert.equal(opened.name, "WebSocketError");
      assert.equal(closed, opened);
    } finally {
      await server.shutdown();
    }
  });

  it("closing the writable, aborting it or cancelling the readable closes cleanly with 1005", async () => {
    const server = await wptServer(false);
    try {
      const cases: Array<[string, (info: Info) => unknown]> = [
        ["writer close", (info) => info.writable.getWriter().close()],
        ["abort", (info) => info.writable.abort()],
        ["cancel", (info) => info.readable.cancel()],
        // The obsolete code and reason given to abort() and cancel() are ignored.
        ["abort with a code", (info) => info.writable.abort({ code: 3456, reason: "set" })],
        ["cancel with a code", (info) => info.readable.cancel({ code: 3456, reason: "set" })],
      ];
      for (const [name, act] of cases) {
        const closed = await closedAfter(server, (_wss, info) => void act(info));
        assert.deepEqual(closed, { closeCode: 1005, reason: "" }, name);
      }
    } finally {
      await server.shutdown();
    }
  });
});
