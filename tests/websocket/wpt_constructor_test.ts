// The checks of web-platform-tests `websockets/Create-*` and `constructor`,
// restated against our WebSocket and a local stand-in for the WPT server
// (tests/_helpers/wpt_server.ts), on ws: and on wss: as WPT's `?wss` variant.
// The authority is the WHATWG WebSockets Standard: the constructor parses the
// URL (against the API base URL), turns http(s): into ws(s):, refuses other
// schemes and fragments and bad protocol lists with a SyntaxError; Fetch's
// port blocking makes a bad port a network error (`error`, then `close`), not
// an exception.
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { WebSocket } from "../../src/mod.ts";
import { once } from "../_helpers/events.ts";
import { wptServer } from "../_helpers/wpt_server.ts";
import { accept101, rawServer } from "../_helpers/raw_peer.ts";

function domError(name: string) {
  return (error: unknown) => error instanceof DOMException && error.name === name;
}

/** Open, then close from the client: what the open and close events saw. */
async function openAndClose(ws: WebSocket) {
  const opened = await new Promise<{ readyState: number; protocol: string; extensions: string; binaryType: string }>(
    (resolve, reject) => {
      ws.addEventListener("open", () => {
        const seen = { readyState: ws.readyState, protocol: ws.protocol, extensions: ws.extensions };
        resolve({ ...seen, binaryType: ws.binaryType });
        ws.close();
      });
      ws.addEventListener("error", () => reject(new Error("the connection failed")));
    },
  );
  const close = await once<CloseEvent>(ws, "close");
  return { opened, close, readyState: ws.readyState };
}

// Fetch's "bad port" list, as the Fetch Standard gives it.
// deno-fmt-ignore
const BAD_PORTS = [
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109,
  110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530,
  531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190,
  5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
];

/** A plain TCP listener on `port` counting connections, or undefined when the port is taken. */
function listenOn(port: number): Promise<{ server: Server; connections: () => number } | undefined> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  return new Promise((resolve) => {
    server.once("error", () => resolve(undefined));
    server.listen(port, "127.0.0.1", () => resolve({ server, connections: () => count }));
  });
}

for (const secure of [false, true]) {
  const scheme = secure ? "wss" : "ws";

  describe(`WPT Create-* on ${scheme}:`, () => {
    it("a valid URL opens (readyState OPEN in open) and closes cleanly", async () => {
      const server = await wptServer(secure);
      try {
        const { opened, close, readyState } = await openAndClose(server.open());
        assert.equal(opened.readyState, WebSocket.OPEN);
        assert.equal(close.wasClean, true);
        assert.equal(readyState, WebSocket.CLOSED);
      } finally {
        await server.shutdown();
      }
    });

    it("an http(s): URL reads back as ws(s): and connects (Create-http-urls, valid-url-http)", async () => {
      const server = await wptServer(secure);
      try {
        const http = server.url("/echo", true);
        assert.ok(http.startsWith(secure ? "https://" : "http://"));
        const ws = secure ? new WebSocket(http, server.clientOptions) : new WebSocket(http);
        assert.equal(ws.url, server.url("/echo"));
        const { opened, close } = await openAndClose(ws);
        assert.equal(opened.readyState, WebSocket.OPEN);
        assert.equal(close.wasClean, true);
      } finally {
        await server.shutdown();
      }
    });

    it("protocol is empty before open, then the one the server chose (string and array)", async () => {
      const server = await wptServer(secure);
      try {
        const single = server.open("/echo", "echo");
        assert.equal(single.protocol, "");
        assert.equal((await openAndClose(single)).opened.protocol, "echo");
        const listed = server.open("/echo", ["echo", "chat"]);
        assert.equal(listed.protocol, "");
        const { opened, close } = await openAndClose(listed);
        assert.equal(opened.protocol, "echo");
        assert.equal(close.wasClean, true);
      } finally {
        await server.shutdown();
      }
    });

    it("extensions is empty after open when the server agreed none; binaryType starts as blob", async () => {
      const server = await wptServer(secure);
      try {
        const { opened, close } = await openAndClose(server.open());
        assert.equal(opened.extensions, "");
        assert.equal(opened.binaryType, "blob");
        assert.equal(close.wasClean, true);
      } finally {
        await server.shutdown();
      }
    });

    it("credentials in the URL are sent as Basic authorization (basic-auth.any.js)", async () => {
      const server = await wptServer(secure);
      try {
        const withCredentials = server.url("/basic_auth").replace("://", "://foo:bar@");
        const ws = new WebSocket(withCredentials, server.clientOptions);
        assert.equal(ws.url, withCredentials);
        const { opened, close } = await openAndClose(ws);
        assert.equal(opened.readyState, WebSocket.OPEN);
        assert.equal(close.wasClean, true);
        // Without them the handshake is refused (401): error, then close 1006.
        const refused = new WebSocket(server.url("/basic_auth"), server.clientOptions);
        let errors = 0;
        refused.onerror = () => errors++;
        assert.equal((await once<CloseEvent>(refused, "close")).code, 1006);
        assert.equal(errors, 1);
      } finally {
        await server.shutdown();
      }
    });

    it("the URL argument is converted to a string, as an object's toString gives it (constructor/006)", async () => {
      const server = await wptServer(secure);
      try {
        const href = server.url("/echo");
        const link = { toString: () => href };
        const ws = new WebSocket(link as unknown as string, server.clientOptions);
        assert.equal(ws.url, href);
        const { opened } = await openAndClose(ws);
        assert.equal(opened.readyState, WebSocket.OPEN);
      } finally {
        await server.shutdown();
      }
    });

    it("a non-ASCII query goes out percent-encoded as UTF-8 (constructor/016)", async () => {
      const server = await wptServer(secure);
      try {
        const ws = new WebSocket(server.url("/echo-query?\u00e5\u00e4\u00f6"), server.clientOptions);
        assert.equal((await once<MessageEvent>(ws, "message")).data, "%C3%A5%C3%A4%C3%B6");
        ws.close();
        await once(ws, "close");
      } finally {
        await server.shutdown();
      }
    });

    it("a NUL in the query goes out as %00 (constructor/018; a trailing one the URL parser strips)", async () => {
      const server = await wptServer(secure);
      try {
        // WPT ends the URL with the NUL and expects "x%00"; the URL Standard first strips trailing
        // C0 controls, so there it is "x" (as the runtime's own URL parser gives it).
        const trailing = new WebSocket(server.url("/echo-query?x\u0000"), server.clientOptions);
        assert.equal(trailing.url, server.url("/echo-query?x"));
        trailing.close();
        const ws = new WebSocket(server.url("/echo-query?x\u0000y"), server.clientOptions);
        assert.equal((await once<MessageEvent>(ws, "message")).data, "x%00y");
        ws.close();
        await once(ws, "close");
      } finally {
        await server.shutdown();
      }
    });

    it("the URL is parsed as the URL Standard says: scheme and host lowercased, missing slashes added", () => {
      const cases: Array<[string, string]> = [
        [`${scheme.toUpperCase()}://127.0.0.1:8443/echo`, `${scheme}://127.0.0.1:8443/echo`],
        [`${scheme}://LOCALHOST:8443/echo`, `${scheme}://localhost:8443/echo`],
        [`${scheme}:127.0.0.1:8443/echo`, `${scheme}://127.0.0.1:8443/echo`],
        [`${scheme}:/127.0.0.1:8443/echo`, `${scheme}://127.0.0.1:8443/echo`],
      ];
      for (const [given, serialized] of cases) {
        const ws = new WebSocket(given);
        assert.equal(ws.url, serialized, given);
        ws.close();
      }
    });

    it("the URL keeps a non-default port and drops the scheme's default one", () => {
      const keep = new WebSocket(`${scheme}://127.0.0.1:8443/echo`);
      assert.equal(keep.url, `${scheme}://127.0.0.1:8443/echo`);
      keep.close();
      const fallback = secure ? 443 : 80;
      const dropped = new WebSocket(`${scheme}://127.0.0.1:${fallback}/echo`);
      assert.equal(dropped.url, `${scheme}://127.0.0.1/echo`);
      dropped.close();
    });

    it("a URL that does not parse, or has a space in its host, is a SyntaxError", () => {
      assert.throws(() => new WebSocket(`${scheme}://foo bar.com/`), domError("SyntaxError"));
      assert.throws(() => new WebSocket(`${scheme}://web platform.test:8080/echo`), domError("SyntaxError"));
    });

    it("a URL with a fragment, even an empty one, is a SyntaxError", () => {
      assert.throws(() => new WebSocket(`${scheme}://127.0.0.1:8080/#`), domError("SyntaxError"));
      assert.throws(() => new WebSocket(`${scheme}://127.0.0.1:8080/#test`), domError("SyntaxError"));
    });

    it("protocols that are not tokens, or repeat (case-insensitively), are a SyntaxError", () => {
      const url = `${scheme}://127.0.0.1:8080/echo`;
      assert.throws(() => new WebSocket(url, "\u0080echo"), domError("SyntaxError"));
      assert.throws(() => new WebSocket(url, "/echo"), domError("SyntaxError"));
      assert.throws(() => new WebSocket(url, "ec ho"), domError("SyntaxError"));
      assert.throws(() => new WebSocket(url, ["echo", "echo"]), domError("SyntaxError"));
      assert.throws(() => new WebSocket(url, ["echo", "eCho"]), domError("SyntaxError"));
    });

    it("the server's own port is not blocked: open, and no error", async () => {
      const server = await wptServer(secure);
      try {
        const ws = server.open();
        let errors = 0;
        ws.onerror = () => errors++;
        await openAndClose(ws);
        assert.equal(errors, 0);
      } finally {
        await server.shutdown();
      }
    });

    it("every bad port fails the connection (error, then close 1006) without throwing or opening", async () => {
      const sockets = BAD_PORTS.map((port) => new WebSocket(`${scheme}://127.0.0.1:${port}/echo`));
      const outcomes = await Promise.all(sockets.map(async (ws) => {
        const events: string[] = [];
        ws.onopen = () => events.push("open");
        ws.onerror = () => events.push(`error:${ws.readyState}`);
        const close = await once<CloseEvent>(ws, "close");
        return { url: ws.url, events, code: close.code, wasClean: close.wasClean };
      }));
      for (const outcome of outcomes) {
        assert.deepEqual(outcome.events, ["error:3"], outcome.url);
        assert.equal(outcome.code, 1006, outcome.url);
        assert.equal(outcome.wasClean, false, outcome.url);
      }
    });
  });
}

describe("WPT Create-blocked-port: a bad port is refused before any connection is made", () => {
  it("nothing reaches a listener on a bad port above 1023", async () => {
    const listeners = [];
    for (const port of BAD_PORTS.filter((port) => port > 1023)) {
      const listener = await listenOn(port);
      if (listener !== undefined) listeners.push({ port, ...listener });
    }
    try {
      // Most of these ports are free on a test machine; one is enough to tell.
      assert.ok(listeners.length > 0, "could not listen on any unprivileged bad port");
      for (const { port, connections } of listeners) {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
        let opened = false;
        ws.onopen = () => opened = true;
        const error = once(ws, "error");
        const close = await once<CloseEvent>(ws, "close");
        await error;
        assert.equal(opened, false);
        assert.equal(close.code, 1006);
        assert.equal(connections(), 0, `a connection reached port ${port}`);
      }
    } finally {
      await Promise.all(listeners.map(({ server }) => new Promise((resolve) => server.close(resolve))));
    }
  });
});

describe("WPT Create-* without a scheme of ours", () => {
  it("other schemes are a SyntaxError (Create-wrong-scheme, Create-invalid-urls)", () => {
    assert.throws(() => new WebSocket("invalid-scheme://127.0.0.1:8080/echo"), domError("SyntaxError"));
    assert.throws(() => new WebSocket("ftp://127.0.0.1/"), domError("SyntaxError"));
    assert.throws(() => new WebSocket("mailto:example@example.org"), domError("SyntaxError"));
    assert.throws(() => new WebSocket("about:blank"), domError("SyntaxError"));
  });

  it("calling the constructor with a stray third argument does not throw (constructor.any.js)", () => {
    const construct = WebSocket as unknown as new (url: string, protocols: string, extra: string) => WebSocket;
    const ws = new construct("ws://127.0.0.1:8080/echo", "echo", "Stray argument");
    assert.ok(ws instanceof WebSocket);
    ws.close();
  });
});

describe("WPT Create-non-absolute-url, Create-valid-url-relative: relative URLs and the base URL", () => {
  const original = Object.getOwnPropertyDescriptor(globalThis, "location");
  afterEach(() => {
    if (original === undefined) delete (globalThis as { location?: unknown }).location;
    else Object.defineProperty(globalThis, "location", original);
  });

  it("without a base URL, a bare host name or a lone fragment does not parse: SyntaxError", () => {
    assert.equal((globalThis as { location?: unknown }).location, undefined, "no location in this runner");
    assert.throws(() => new WebSocket("web-platform.test"), domError("SyntaxError"));
    assert.throws(() => new WebSocket("#test"), domError("SyntaxError"));
  });

  it("with a base URL, /echo resolves against it, opens and closes cleanly; #test is a fragment", async () => {
    const server = await wptServer(false);
    try {
      const base = new URL(`http://127.0.0.1:${server.port}/websockets/page.html`);
      Object.defineProperty(globalThis, "location", {
        value: { href: base.href, origin: base.origin },
        configurable: true,
        writable: true,
      });
      assert.throws(() => new WebSocket("#test"), domError("SyntaxError"));
      const ws = new WebSocket("/echo");
      assert.equal(ws.url, server.url("/echo"));
      const { opened, close } = await openAndClose(ws);
      assert.equal(opened.readyState, WebSocket.OPEN);
      assert.equal(close.wasClean, true);
    } finally {
      await server.shutdown();
    }
  });
});

describe("WPT constructor/010-012: the server's answer to the protocols offered", () => {
  /** Offer `offered`; a raw server answers 101 with `extra` header lines. What the client saw. */
  async function answered(offered: string[], extra: string) {
    const server = await rawServer(async (peer) => {
      await accept101(peer, extra);
    });
    try {
      const ws = new WebSocket(server.url, offered);
      const events: string[] = [];
      ws.onopen = () => {
        events.push("open");
        // Wrongly opened: drop the connection so the close below still comes.
        for (const peer of server.peers) peer.destroy();
      };
      ws.onerror = () => events.push(`error:${ws.readyState}`);
      const close = await once<CloseEvent>(ws, "close");
      return { events, code: close.code, protocol: ws.protocol };
    } finally {
      await server.close();
    }
  }

  it("protocols offered and none in the response: the connection fails (the standard's own check)", async () => {
    assert.deepEqual(await answered(["echo"], ""), { events: ["error:3"], code: 1006, protocol: "" });
  });

  it("a protocol in the response when none was offered, or one not offered: the connection fails", async () => {
    assert.deepEqual(await answered([], "Sec-WebSocket-Protocol: echo\r\n"), {
      events: ["error:3"],
      code: 1006,
      protocol: "",
    });
    assert.deepEqual(await answered(["echo"], "Sec-WebSocket-Protocol: chat\r\n"), {
      events: ["error:3"],
      code: 1006,
      protocol: "",
    });
  });
});
