// The checks of web-platform-tests `websockets/Close-*`, `Secure-Close-*` and
// `close-invalid`, restated against our WebSocket and a local stand-in for the
// WPT echo server, on ws: and wss:. The WHATWG close(code, reason): a code
// other than 1000 or 3000–4999 is an InvalidAccessError (after WebIDL's
// [Clamp] unsigned short conversion), a reason over 123 UTF-8 bytes a
// SyntaxError (after USVString conversion: lone surrogates become U+FFFD);
// readyState is CLOSING at once; without a code the Close frame has no body
// and the close event says 1005.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "../../src/mod.ts";
import { once } from "../_helpers/events.ts";
import { type WptServer, wptServer } from "../_helpers/wpt_server.ts";
import { frame } from "../_helpers/frames.ts";
import { accept101, rawServer } from "../_helpers/raw_peer.ts";

function domError(name: string) {
  return (error: unknown) => error instanceof DOMException && error.name === name;
}

/** Open a socket to the echo endpoint and wait for `open` (failing on `error`). */
async function opened(server: WptServer): Promise<WebSocket> {
  const ws = server.open();
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error("the connection failed")));
  });
  return ws;
}

/** Call `act` in `open`; what `close` then reports, with the readyState seen in it. */
async function closeAfter(server: WptServer, act: (ws: WebSocket) => void) {
  const ws = await opened(server);
  let errors = 0;
  ws.addEventListener("error", () => errors++);
  const closing = new Promise<{ event: CloseEvent; readyState: number }>((resolve) => {
    ws.addEventListener("close", (event) => resolve({ event, readyState: ws.readyState }));
  });
  act(ws);
  const { event, readyState } = await closing;
  return { code: event.code, reason: event.reason, wasClean: event.wasClean, readyState, errors };
}

// Each WPT "invalid code" value, and why it is invalid once WebIDL has converted it.
const INVALID_CODES: Array<[unknown, string]> = [
  [0, "0"],
  [500, "500"],
  [NaN, "NaN, converted to 0"],
  ["string", "a string, converted to 0"],
  [null, "null, converted to 0"],
  [0x10000 + 1000, "2**16+1000, clamped to 65535"],
  [2999, "2999"],
  [1001, "1001 (the standard leaves it to the user agent)"],
  [1005, "1005 (Secure-Close-1005: reserved, never sent)"],
  [1006, "1006 (reserved, never sent)"],
  [5000, "5000"],
];

for (const secure of [false, true]) {
  const scheme = secure ? "wss" : "ws";

  describe(`WPT Close-* on ${scheme}:`, () => {
    it("close(1000, reason) closes cleanly with that code and reason", async () => {
      const server = await wptServer(secure);
      try {
        const seen = await closeAfter(server, (ws) => ws.close(1000, "Clean Close"));
        assert.deepEqual(seen, { code: 1000, reason: "Clean Close", wasClean: true, readyState: 3, errors: 0 });
        await server.closed(1);
        assert.deepEqual(server.closes, [{ code: 1000, reason: "Clean Close", wasClean: true }]);
      } finally {
        await server.shutdown();
      }
    });

    it("close(1000) closes cleanly with 1000 and no reason", async () => {
      const server = await wptServer(secure);
      try {
        const seen = await closeAfter(server, (ws) => ws.close(1000));
        assert.deepEqual(seen, { code: 1000, reason: "", wasClean: true, readyState: 3, errors: 0 });
      } finally {
        await server.shutdown();
      }
    });

    it("close() and close(undefined) send no code: the close event says 1005, reason empty", async () => {
      const server = await wptServer(secure);
      try {
        const bare = await closeAfter(server, (ws) => ws.close());
        assert.deepEqual(bare, { code: 1005, reason: "", wasClean: true, readyState: 3, errors: 0 });
        const undef = await closeAfter(server, (ws) => ws.close(undefined));
        assert.deepEqual(undef, { code: 1005, reason: "", wasClean: true, readyState: 3, errors: 0 });
        // The server saw a Close without a status code both times.
        await server.closed(2);
        assert.deepEqual(server.closes.map((close) => close.code), [1005, 1005]);
      } finally {
        await server.shutdown();
      }
    });

    it("close(3000, reason) and close(4999, reason): the code comes back in the close event", async () => {
      const server = await wptServer(secure);
      try {
        const low = await closeAfter(server, (ws) => ws.close(3000, "Clean Close"));
        assert.deepEqual(low, { code: 3000, reason: "Clean Close", wasClean: true, readyState: 3, errors: 0 });
        const high = await closeAfter(server, (ws) => ws.close(4999, "Clean Close"));
        assert.deepEqual(high, { code: 4999, reason: "Clean Close", wasClean: true, readyState: 3, errors: 0 });
      } finally {
        await server.shutdown();
      }
    });

    it("an invalid code is an InvalidAccessError, while CONNECTING and while OPEN, and changes nothing", async () => {
      const server = await wptServer(secure);
      try {
        const connecting = server.open();
        for (const [code, why] of INVALID_CODES) {
          assert.throws(() => connecting.close(code as number), domError("InvalidAccessError"), why);
          assert.throws(() => connecting.close(code as number, "reason"), domError("InvalidAccessError"), why);
        }
        assert.equal(connecting.readyState, WebSocket.CONNECTING);
        let errors = 0;
        connecting.onerror = () => errors++;
        await once(connecting, "open");
        for (const [code, why] of INVALID_CODES) {
          assert.throws(() => connecting.close(code as number), domError("InvalidAccessError"), why);
        }
        assert.equal(connecting.readyState, WebSocket.OPEN);
        // Still usable: the echo comes back, and the close is clean.
        connecting.send("still open");
        assert.equal((await once<MessageEvent>(connecting, "message")).data, "still open");
        connecting.close();
        assert.equal((await once<CloseEvent>(connecting, "close")).wasClean, true);
        assert.equal(errors, 0);
      } finally {
        await server.shutdown();
      }
    });

    it("close(reason) alone is an InvalidAccessError: the string is the code, converted to 0", async () => {
      const server = await wptServer(secure);
      try {
        const ws = await opened(server);
        assert.throws(() => ws.close("Close with only reason" as unknown as number), domError("InvalidAccessError"));
        assert.equal(ws.readyState, WebSocket.OPEN);
        ws.close();
        await once(ws, "close");
      } finally {
        await server.shutdown();
      }
    });

    it("a reason of 124 UTF-8 bytes is a SyntaxError; 123 bytes is accepted and sent", async () => {
      const server = await wptServer(secure);
      try {
        const ws = await opened(server);
        const long = "0123456789".repeat(12) + "0123";
        assert.equal(long.length, 124);
        assert.throws(() => ws.close(1000, long), domError("SyntaxError"));
        // Counted in bytes, not UTF-16 units: 62 two-byte characters are 124 bytes.
        assert.throws(() => ws.close(1000, "\u00e9".repeat(62)), domError("SyntaxError"));
        assert.equal(ws.readyState, WebSocket.OPEN);
        const fits = long.slice(0, 123);
        ws.close(1000, fits);
        const close = await once<CloseEvent>(ws, "close");
        assert.equal(close.reason, fits);
        assert.equal(close.wasClean, true);
      } finally {
        await server.shutdown();
      }
    });

    it("a reason with an unpaired surrogate goes out as U+FFFD and comes back so", async () => {
      const server = await wptServer(secure);
      try {
        const seen = await closeAfter(server, (ws) => ws.close(1000, "\uD807"));
        assert.equal(seen.reason, "\uFFFD");
        await server.closed(1);
        assert.equal(server.closes[0].reason, "\uFFFD");
      } finally {
        await server.shutdown();
      }
    });

    it("readyState is CLOSING right after close(), and CLOSED in the close event, which is clean", async () => {
      const server = await wptServer(secure);
      try {
        let during = -1;
        const seen = await closeAfter(server, (ws) => {
          ws.close();
          during = ws.readyState;
        });
        assert.equal(during, WebSocket.CLOSING);
        assert.equal(seen.readyState, WebSocket.CLOSED);
        assert.equal(seen.wasClean, true);
      } finally {
        await server.shutdown();
      }
    });

    it("a close the server starts (after echoing Goodbye) is answered: CLOSED, clean, 1000", async () => {
      const server = await wptServer(secure);
      try {
        const messages: string[] = [];
        const seen = await closeAfter(server, (ws) => {
          ws.onmessage = (event) => messages.push(event.data);
          ws.send("Goodbye");
        });
        assert.deepEqual(messages, ["Goodbye"]);
        assert.deepEqual(seen, { code: 1000, reason: "", wasClean: true, readyState: 3, errors: 0 });
        // The server's side is clean too: our Close answered its own.
        await server.closed(1);
        assert.deepEqual(server.closes, [{ code: 1000, reason: "", wasClean: true }]);
      } finally {
        await server.shutdown();
      }
    });

    it("close() while CONNECTING fails the connection: no open, error, then close 1006", async () => {
      const server = await wptServer(secure);
      try {
        const ws = server.open();
        const events: string[] = [];
        ws.onopen = () => events.push("open");
        ws.onerror = () => events.push(`error:${ws.readyState}`);
        ws.close();
        assert.equal(ws.readyState, WebSocket.CLOSING);
        const close = await once<CloseEvent>(ws, "close");
        assert.deepEqual(events, ["error:3"]);
        assert.equal(close.code, 1006);
        assert.equal(close.wasClean, false);
      } finally {
        await server.shutdown();
      }
    });
  });
}

describe("WPT interfaces/WebSocket/close and closing-handshake: one close, and nothing after it", () => {
  /** Let pending tasks and timers of this turn run, so a second event would have fired. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

  it("close() three times while CONNECTING fires one close event (close-multiple)", async () => {
    const server = await wptServer(false);
    try {
      const ws = server.open();
      let closes = 0;
      ws.onclose = () => closes++;
      ws.close();
      ws.close();
      ws.close();
      await once(ws, "close");
      await settle();
      assert.equal(closes, 1);
    } finally {
      await server.shutdown();
    }
  });

  it("close() inside the close event leaves readyState CLOSED and fires nothing more (close-nested)", async () => {
    const server = await wptServer(false);
    try {
      const ws = server.open();
      const seen: number[] = [];
      ws.onclose = () => {
        seen.push(ws.readyState);
        ws.close();
        seen.push(ws.readyState);
      };
      ws.close();
      assert.equal(ws.readyState, WebSocket.CLOSING);
      await once(ws, "close");
      await settle();
      assert.deepEqual(seen, [WebSocket.CLOSED, WebSocket.CLOSED]);
    } finally {
      await server.shutdown();
    }
  });

  it("a message the server sends after its Close is not delivered; the close is clean (closing-handshake/004)", async () => {
    const server = await rawServer(async (peer) => {
      await accept101(peer);
      await peer.readFrame();
      // Close (1000), then a text frame that must be ignored, in one write.
      const close = frame({ opcode: 8, payload: Uint8Array.of(0x03, 0xe8) });
      const late = frame({ opcode: 1, payload: "after close" });
      peer.write(Uint8Array.from([...close, ...late]));
      await peer.readFrame();
      peer.end();
    });
    try {
      const ws = new WebSocket(server.url);
      const events: string[] = [];
      ws.onopen = () => ws.send("Goodbye");
      ws.onmessage = (event) => events.push(`message:${event.data}`);
      ws.onerror = () => events.push("error");
      const close = await once<CloseEvent>(ws, "close");
      await settle();
      assert.deepEqual(events, []);
      assert.equal(close.code, 1000);
      assert.equal(close.wasClean, true);
    } finally {
      await server.close();
    }
  });
});
