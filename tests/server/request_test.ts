// serve() and what a request brings: the upgrade request's headers, built
// only when asked, yet exactly what was sent (obs-text bytes included); and
// the body of a plain HTTP request, framed strictly.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, type Server, type UpgradeInfo, type WebSocket } from "../../src/mod.ts";
import { exchange, rawClient, upgradeRequest } from "../_helpers/raw_peer.ts";
import { encodeLatin1 } from "../../src/protocol/http1/write.ts";
import { ChunkedDecoder, parseContentLength } from "../../src/protocol/http1/request_body.ts";

const HIGH = Array.from({ length: 128 }, (_, i) => String.fromCharCode(0x80 + i)).join("");

describe("the upgrade request's headers on the server", () => {
  it("carry latin1 bytes 0x80-0xFF exactly into the upgrade hook, the websocket callback and ws.request", async () => {
    let hooked: (UpgradeInfo & { protocols: string[] }) | undefined;
    let given: UpgradeInfo | undefined;
    let accepted: WebSocket | undefined;
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      upgrade: (request) => {
        hooked = request;
        return { protocol: "chat" };
      },
      websocket: (ws, request) => {
        accepted = ws;
        given = request;
      },
    });
    const port = server.address.port;
    const peer = await rawClient(port);
    try {
      const extra = `X-High: ${HIGH}\r\nX-Two: a\r\nx-two: \xe9\r\nSec-WebSocket-Protocol: chat, v2\r\n`;
      peer.write(encodeLatin1(upgradeRequest(port, "/p?q=1", extra)));
      const head = await peer.readHead();
      assert.match(head, /^HTTP\/1\.1 101 /);
      assert.match(head, /\r\nSec-WebSocket-Protocol: chat\r\n/);
      for (const headers of [hooked!.headers, given!.headers, accepted!.request!.headers]) {
        assert.equal(headers.get("x-high"), HIGH);
        assert.equal(headers.get("x-two"), "a, \xe9");
        assert.equal(headers.get("host"), `127.0.0.1:${port}`);
      }
      assert.deepEqual(hooked!.protocols, ["chat", "v2"]);
      assert.equal(hooked!.url, `ws://127.0.0.1:${port}/p?q=1`);
      assert.equal(given!.url, hooked!.url);
      assert.equal(given!.remoteAddress?.hostname, "127.0.0.1");
      assert.deepEqual(Object.keys(given!), ["url", "headers", "remoteAddress"]);
      assert.deepEqual(Object.keys(hooked!), ["url", "headers", "remoteAddress", "protocols"]);
      assert.deepEqual({ ...given! }.headers, given!.headers, "a spread keeps the headers");
    } finally {
      peer.destroy();
      await server.shutdown();
    }
  });

  it("normalizes the URL only where the URL parser would", async () => {
    const urls: string[] = [];
    const server = await serve({ hostname: "127.0.0.1", port: 0, websocket: (_ws, request) => urls.push(request.url) });
    const port = server.address.port;
    try {
      for (const path of ["/a/../b?x=1", "/plain"]) {
        const peer = await rawClient(port);
        peer.write(upgradeRequest(port, path));
        await peer.readHead();
        peer.destroy();
      }
      assert.deepEqual(urls, [`ws://127.0.0.1:${port}/b?x=1`, `ws://127.0.0.1:${port}/plain`]);
    } finally {
      await server.shutdown();
    }
  });
});

const encoder = new TextEncoder();

const post = (fields: string, body: string) => `POST / HTTP/1.1\r\nHost: x\r\n${fields}\r\n${body}`;

describe("request bodies", () => {
  const echo = async (request: Request) => new Response(`got ${await request.text()}`);
  async function withServer(run: (server: Server) => Promise<void>): Promise<void> {
    const server = await serve({ hostname: "127.0.0.1", port: 0, fetch: echo });
    try {
      await run(server);
    } finally {
      await server.shutdown({ timeout: 0 });
    }
  }

  it("decodes a chunked body, extensions and trailers skipped, sent a byte at a time", async () => {
    await withServer(async (server) => {
      const peer = await rawClient(server.address.port);
      const request = post(
        "Transfer-Encoding: chunked\r\n",
        "3;name=v\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n",
      );
      for (const char of request) {
        peer.write(char);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      peer.end();
      await peer.readHead();
      await peer.waitEnd();
      assert.equal(new TextDecoder().decode(peer.buffered), "11\r\ngot abc0123456789\r\n0\r\n\r\n");
    });
  });

  it("refuses ambiguous or malformed framing", async () => {
    await withServer(async (server) => {
      const status = async (fields: string, body = "") =>
        (await exchange(server.address.port, post(fields, body))).head.split("\r\n")[0].slice(9, 12);
      assert.equal(await status("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", "0\r\n\r\n"), "400");
      assert.equal(await status("Transfer-Encoding: gzip\r\n"), "400");
      assert.equal(await status("Transfer-Encoding: chunked, gzip\r\n"), "400");
      assert.equal(await status("Transfer-Encoding: gzip, chunked\r\n"), "501");
      assert.equal(await status("Transfer-Encoding: chunked\r\n", "0x3\r\nabc\r\n0\r\n\r\n"), "400");
      assert.equal(await status("Transfer-Encoding: chunked\r\n", "3\nabc\r\n0\r\n\r\n"), "400");
      assert.equal(await status("Transfer-Encoding: chunked\r\n", "100001\r\n"), "413");
      for (const length of ["+3", "0x3", "1e3", "3, 4", "", "-1"]) {
        assert.equal(await status(`Content-Length: ${length}\r\n`, "abc"), "400", length);
      }
      assert.equal(
        (await exchange(server.address.port, post("Content-Length: 3, 3\r\n", "abc"))).body,
        "7\r\ngot abc\r\n0\r\n\r\n",
      );
    });
  });
});

describe("ChunkedDecoder and Content-Length", () => {
  it("copies chunk data: a transport may reuse its read buffer, and a view per chunk would pin each one", () => {
    const decoder = new ChunkedDecoder(100);
    const read = new TextEncoder().encode("3\r\nabc\r\n");
    assert.equal(decoder.push(read), "more");
    read.fill(0x21);
    assert.equal(decoder.push(new TextEncoder().encode("0\r\n\r\n")), "done");
    assert.equal(new TextDecoder().decode(decoder.body()), "abc");
  });

  const bytes = (text: string) => encoder.encode(text);
  const decode = (text: string, max = 100) => {
    const decoder = new ChunkedDecoder(max);
    return { state: decoder.push(bytes(text)), body: new TextDecoder().decode(decoder.body()) };
  };

  it("decodes whole or cut anywhere alike, keeping what follows the end apart (the next request's)", () => {
    const wire = '3\r\nabc\r\n00A ; a="b"\r\n0123456789\r\n0\r\nX: 1\r\nY: 2\r\n\r\n';
    assert.deepEqual(decode(wire + "GET / HTTP/1.1"), { state: "done", body: "abc0123456789" });
    const next = "GET / HTTP/1.1\r\n";
    for (let cut = 0; cut < wire.length; cut++) {
      const decoder = new ChunkedDecoder(100);
      assert.equal(decoder.push(bytes(wire.slice(0, cut))), "more", `cut at ${cut}`);
      assert.equal(decoder.rest().length, 0, "nothing follows a body not yet done");
      assert.equal(decoder.push(bytes(wire.slice(cut) + next)), "done", `cut at ${cut}`);
      assert.equal(new TextDecoder().decode(decoder.body()), "abc0123456789");
      assert.equal(new TextDecoder().decode(decoder.rest()), next, `cut at ${cut}`);
    }
  });

  it("refuses loose sizes and line ends, and sizes beyond the limit", () => {
    const loose = [" 3\r\n", "+3\r\n", "\r\n", "3 \r\n", "3 x\r\n", "3\nabc", "3\r\nabcd", "3\r\nabc\n", "0\r\nX\n"];
    for (const wire of loose) {
      assert.equal(decode(wire).state, "malformed", JSON.stringify(wire));
    }
    assert.equal(decode(`0\r\nX: ${"y".repeat(9000)}`).state, "malformed", "an endless trailer");
    assert.equal(decode("65\r\n").state, "too-large");
    assert.equal(decode("40\r\n" + "x".repeat(64) + "\r\n40\r\n").state, "too-large", "counted over all chunks");
    assert.equal(decode("ffffffffffffffffffffffff").state, "too-large");
  });

  it("reads Content-Length as 1*DIGIT or a list of one value", () => {
    assert.equal(parseContentLength("0042"), 42);
    assert.equal(parseContentLength("7 , 7"), 7);
    for (const value of ["+3", "0x3", "1e3", "3.0", " ", "3, 4", "3,"]) {
      assert.equal(parseContentLength(value), -1, value);
    }
  });
});
