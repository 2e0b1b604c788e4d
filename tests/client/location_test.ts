// WHATWG WebSockets, the constructor: "Let baseURL be this's relevant
// settings object's API base URL", then "get a URL record" (parse url
// against baseURL with UTF-8; http: and https: become ws: and wss:; a
// failure is a SyntaxError). Fetch: a WebSocket request carries its
// client's origin in `Origin`. The runtime's base URL and origin are
// `globalThis.location`'s, stubbed here and restored after each test.
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "../../src/mod.ts";
import { once } from "../_helpers/events.ts";
import { accept101, rawServer } from "../_helpers/raw_peer.ts";

const original = Object.getOwnPropertyDescriptor(globalThis, "location");

function stubLocation(href: string): void {
  const url = new URL(href);
  Object.defineProperty(globalThis, "location", {
    value: { href: url.href, origin: url.origin, protocol: url.protocol, host: url.host },
    configurable: true,
    writable: true,
  });
}

afterEach(() => {
  if (original === undefined) delete (globalThis as { location?: unknown }).location;
  else Object.defineProperty(globalThis, "location", original);
});

/** A server that answers every upgrade with a 101 and records each request head. */
async function recordingServer() {
  const heads: string[] = [];
  const server = await rawServer(async (peer) => {
    heads.push(await accept101(peer));
  });
  return { ...server, heads };
}

/** Open `url` (with `init`), wait for open, close; the request line and Origin fields the server saw. */
async function request(
  server: Awaited<ReturnType<typeof recordingServer>>,
  url: string,
  init?: ConstructorParameters<typeof WebSocket>[1],
): Promise<{ url: string; line: string; origins: string[] }> {
  const ws = new WebSocket(url, init);
  const opened = ws.url;
  await once(ws, "open");
  ws.terminate();
  await once(ws, "close");
  const head = server.heads.shift()!;
  const origins = [...head.matchAll(/^origin: *(.*?)\r$/gim)].map((match) => match[1]);
  return { url: opened, line: head.slice(0, head.indexOf("\r\n")), origins };
}

describe("relative URLs (WHATWG WebSockets: the constructor parses url against the base URL)", () => {
  it("without a location, a relative URL is a SyntaxError DOMException", () => {
    assert.equal((globalThis as { location?: unknown }).location, undefined, "no location in this test runner");
    for (const relative of ["/chat", "?x", "test", "//host/path"]) {
      assert.throws(
        () => new WebSocket(relative),
        (error: unknown) => error instanceof DOMException && error.name === "SyntaxError",
        relative,
      );
    }
  });

  it("resolves /path, ?query and a bare name against location, http: becoming ws:", async () => {
    const server = await recordingServer();
    try {
      stubLocation(`http://127.0.0.1:${server.port}/app/page?old#frag`);
      const base = `ws://127.0.0.1:${server.port}`;
      const chat = await request(server, "/chat");
      assert.deepEqual([chat.url, chat.line], [`${base}/chat`, "GET /chat HTTP/1.1"]);
      const query = await request(server, "?x=1");
      assert.deepEqual([query.url, query.line], [`${base}/app/page?x=1`, "GET /app/page?x=1 HTTP/1.1"]);
      const name = await request(server, "test");
      assert.deepEqual([name.url, name.line], [`${base}/app/test`, "GET /app/test HTTP/1.1"]);
      const absolute = await request(server, `http://127.0.0.1:${server.port}/abs`);
      assert.equal(absolute.url, `${base}/abs`);
    } finally {
      await server.close();
    }
  });

  it("an https: location gives wss: URLs", async () => {
    stubLocation("https://127.0.0.1:1/app/");
    const ws = new WebSocket("socket");
    assert.equal(ws.url, "wss://127.0.0.1:1/app/socket");
    ws.close();
    await once(ws, "close");
  });

  it("percent-encodes the query as UTF-8, with or without a base", async () => {
    const server = await recordingServer();
    try {
      stubLocation(`http://127.0.0.1:${server.port}/`);
      const relative = await request(server, "/?€");
      assert.deepEqual(
        [relative.url, relative.line],
        [`ws://127.0.0.1:${server.port}/?%E2%82%AC`, "GET /?%E2%82%AC HTTP/1.1"],
      );
      const absolute = await request(server, `ws://127.0.0.1:${server.port}/é?q=€ü`);
      assert.equal(absolute.line, "GET /%C3%A9?q=%E2%82%AC%C3%BC HTTP/1.1");
    } finally {
      await server.close();
    }
  });
});

describe("Origin (Fetch: a WebSocket request carries its client's origin)", () => {
  it("sends location's origin where there is a location", async () => {
    const server = await recordingServer();
    try {
      stubLocation(`https://app.example:8443/page`);
      const sent = await request(server, `ws://127.0.0.1:${server.port}/`);
      assert.deepEqual(sent.origins, ["https://app.example:8443"]);
    } finally {
      await server.close();
    }
  });

  it("an Origin in headers wins, whatever its case or form", async () => {
    const server = await recordingServer();
    try {
      stubLocation(`https://app.example/`);
      const url = `ws://127.0.0.1:${server.port}/`;
      assert.deepEqual((await request(server, url, { headers: { Origin: "https://mine" } })).origins, ["https://mine"]);
      assert.deepEqual((await request(server, url, { headers: [["origin", "https://a"]] })).origins, ["https://a"]);
      const headers = new Headers({ ORIGIN: "https://b" });
      assert.deepEqual((await request(server, url, { headers })).origins, ["https://b"]);
      const other = await request(server, url, { headers: { "X-Other": "1" } });
      assert.deepEqual(other.origins, ["https://app.example"], "other headers do not hide the origin");
    } finally {
      await server.close();
    }
  });

  it("sends no Origin without a location, unless headers give one", async () => {
    const server = await recordingServer();
    try {
      const url = `ws://127.0.0.1:${server.port}/`;
      assert.deepEqual((await request(server, url)).origins, []);
      assert.deepEqual((await request(server, url, { headers: { Origin: "https://x" } })).origins, ["https://x"]);
    } finally {
      await server.close();
    }
  });
});
