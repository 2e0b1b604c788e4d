// Plain HTTP on persistent connections (server/http_connection.ts, through
// serve()), RFC 9112 §9.3: HTTP/1.1 persists unless `Connection: close`,
// HTTP/1.0 only with `Connection: keep-alive`; pipelined requests are
// answered in order; an idle timeout and a request cap end a connection;
// head and body limits hold per request; an upgrade request on a
// kept-alive connection still upgrades.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, type ServeOptions, type Server } from "../../src/mod.ts";
import { rawClient, type RawSocket, upgradeRequest } from "../_helpers/raw_peer.ts";
import { chunkRandomly, frame, rng } from "../_helpers/frames.ts";
import { selectRuntime } from "../../src/transport/select.ts";

async function withServer(options: ServeOptions, run: (server: Server) => Promise<void>): Promise<void> {
  const server = await serve({ hostname: "127.0.0.1", port: 0, ...options });
  try {
    await run(server);
  } finally {
    await server.shutdown({ timeout: 0 });
  }
}

interface Answer {
  head: string;
  body: string;
}

// One answer, framed by its Content-Length or chunked (as a client on a persistent connection must read it).
async function readAnswer(peer: RawSocket): Promise<Answer> {
  const head = await peer.readHead();
  const length = /\r\ncontent-length: (\d+)\r\n/i.exec(head);
  if (length !== null) return { head, body: new TextDecoder().decode(await peer.read(Number(length[1]))) };
  assert.match(head, /\r\ntransfer-encoding: chunked\r\n/i, "a persistent answer is framed");
  let body = "";
  for (;;) {
    let line = "";
    while (!line.endsWith("\r\n")) line += new TextDecoder().decode(await peer.read(1));
    const size = parseInt(line, 16);
    const data = await peer.read(size + 2);
    if (size === 0) return { head, body };
    body += new TextDecoder().decode(data.subarray(0, size));
  }
}

const get = (path: string, extra = "", version = "1.1") => `GET ${path} HTTP/${version}\r\nHost: x\r\n${extra}\r\n`;
const post = (path: string, body: string) =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${new TextEncoder().encode(body).length}\r\n\r\n${body}`;

// Answers with the path and the body it got; `/slow` waits a little first, so a server that answered
// pipelined requests side by side would answer out of order.
async function echoPath(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path === "/slow") await new Promise((resolve) => setTimeout(resolve, 30));
  const body = request.body === null ? "" : await request.text();
  return new Response(`${path} ${body}`);
}

describe("plain HTTP on persistent connections", () => {
  it("HTTP/1.1: one connection carries request after request, none of the answers closing it", async () => {
    await withServer({ fetch: echoPath }, async (server) => {
      const peer = await rawClient(server.address.port);
      for (const path of ["/a", "/b", "/c"]) {
        peer.write(get(path));
        const answer = await readAnswer(peer);
        assert.match(answer.head, /^HTTP\/1\.1 200 OK\r\n/);
        assert.doesNotMatch(answer.head, /connection:/i);
        assert.match(answer.head, /\r\nkeep-alive: timeout=5\r\n/, "the idle timeout, told as node:http tells it");
        assert.equal(answer.body, `${path} `);
      }
      assert.equal(peer.ended, false);
      peer.destroy();
    });
  });

  it("pipelined requests, bodies by length and chunked among them, are answered in order", async () => {
    await withServer({ fetch: echoPath }, async (server) => {
      const peer = await rawClient(server.address.port);
      peer.write(
        get("/slow") + post("/two", "héllo") +
          "POST /three HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + get("/four"),
      );
      const bodies = [];
      for (let i = 0; i < 4; i++) bodies.push((await readAnswer(peer)).body);
      assert.deepEqual(bodies, ["/slow ", "/two héllo", "/three abc", "/four "]);
      peer.destroy();
    });
  });

  it("a pipeline cut at random places (seeded) is answered whole and in order", async () => {
    await withServer({ fetch: echoPath }, async (server) => {
      const requests = [
        post("/1", "one"),
        get("/2"),
        "POST /3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nab\r\n1\r\nc\r\n0\r\nT: 1\r\n\r\n",
        post("/4", ""),
        get("/5"),
      ];
      const expected = ["/1 one", "/2 ", "/3 abc", "/4 ", "/5 "];
      for (const seed of [1, 2, 3]) {
        const peer = await rawClient(server.address.port);
        const wire = new TextEncoder().encode(requests.join(""));
        for (const piece of chunkRandomly(wire, rng(seed), 7)) {
          peer.write(piece);
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
        const bodies = [];
        for (let i = 0; i < expected.length; i++) bodies.push((await readAnswer(peer)).body);
        assert.deepEqual(bodies, expected, `seed ${seed}`);
        peer.destroy();
      }
    });
  });

  it("pipelined requests beyond what the server holds unread (2 MiB) are all answered: reading resumes between them", async () => {
    // The first answer waits, so that the rest arrives meanwhile and the server stops reading past 2 MiB.
    const sizes = async (request: Request) => {
      if (request.url.endsWith("/0")) await new Promise((resolve) => setTimeout(resolve, 300));
      return new Response(`${(await request.arrayBuffer()).byteLength}`);
    };
    await withServer({ fetch: sizes }, async (server) => {
      const peer = await rawClient(server.address.port);
      const body = "x".repeat(64 * 1024);
      peer.write(Array.from({ length: 48 }, (_, i) => post(`/${i}`, body)).join(""));
      for (let i = 0; i < 48; i++) assert.equal((await readAnswer(peer)).body, String(body.length), `answer ${i}`);
      peer.destroy();
    });
  });

  // Node's fetch (undici) opens a second connection early on, against node:http as well: up to two count as reuse.
  it("the runtime's own fetch() reuses its connections for a page's dozen assets", async () => {
    const dozen = async (options: ServeOptions): Promise<number> => {
      let connections = 0;
      const net = await selectRuntime();
      const listen = net.listen;
      net.listen = (listenOptions, onConnection) =>
        listen(listenOptions, (transport) => {
          connections++;
          onConnection(transport);
        });
      try {
        await withServer({ fetch: echoPath, ...options }, async (server) => {
          for (let i = 0; i < 12; i++) {
            const response = await fetch(`http://127.0.0.1:${server.address.port}/asset${i}`);
            assert.equal(await response.text(), `/asset${i} `);
          }
        });
      } finally {
        net.listen = listen;
      }
      return connections;
    };
    const kept = await dozen({});
    assert.ok(kept <= 2, `${kept} connections for 12 requests`);
    assert.equal(await dozen({ keepAliveTimeout: 0 }), 12, "one request per connection when keep-alive is off");
  });

  it("Connection: close from the client: the answer says so and the server ends the connection", async () => {
    await withServer({ fetch: echoPath }, async (server) => {
      const peer = await rawClient(server.address.port);
      peer.write(get("/a", "Connection: close\r\n") + get("/never"));
      const answer = await readAnswer(peer);
      assert.match(answer.head, /\r\nconnection: close\r\n/);
      await peer.waitEnd();
      assert.equal(peer.buffered.length, 0, "what followed the closing request is not answered");
      peer.destroy();
    });
  });

  it("a Response with Connection: close ends the connection after it", async () => {
    const closing = () => new Response("bye", { headers: { connection: "close", "content-length": "3" } });
    await withServer({ fetch: closing }, async (server) => {
      const peer = await rawClient(server.address.port);
      peer.write(get("/a") + get("/b"));
      const answer = await readAnswer(peer);
      assert.equal(answer.body, "bye");
      assert.match(answer.head, /\r\nconnection: close\r\n/);
      await peer.waitEnd();
      assert.equal(peer.buffered.length, 0);
      peer.destroy();
    });
  });

  it("HTTP/1.0: closes without keep-alive, persists with it (for a body of known length)", async () => {
    const sized = (request: Request) => {
      const text = `${new URL(request.url).pathname} `;
      return new Response(text, { headers: { "content-length": String(text.length) } });
    };
    await withServer({ fetch: sized }, async (server) => {
      const plain = await rawClient(server.address.port);
      plain.write(get("/a", "", "1.0"));
      const closing = (await readAnswer(plain)).head;
      assert.match(closing, /\r\nconnection: close\r\n/);
      assert.doesNotMatch(closing, /keep-alive/i);
      await plain.waitEnd();
      plain.destroy();
      const kept = await rawClient(server.address.port);
      for (const path of ["/a", "/b"]) {
        kept.write(get(path, "Connection: keep-alive\r\n", "1.0"));
        const answer = await readAnswer(kept);
        assert.match(answer.head, /^HTTP\/1\.1 200 OK\r\n/);
        assert.match(answer.head, /\r\nconnection: keep-alive\r\n/);
        assert.equal(answer.body, `${path} `);
      }
      kept.destroy();
    });
  });

  it("HTTP/1.0 with keep-alive, a body of unknown length: it ends where the connection does", async () => {
    const stream = () => new Blob(["streamed"]).stream();
    await withServer({ fetch: () => new Response(stream()) }, async (server) => {
      const peer = await rawClient(server.address.port);
      peer.write(get("/", "Connection: keep-alive\r\n", "1.0"));
      const head = await peer.readHead();
      assert.match(head, /\r\nconnection: close\r\n/);
      assert.doesNotMatch(head, /content-length|transfer-encoding/);
      await peer.waitEnd();
      assert.equal(new TextDecoder().decode(peer.buffered), "streamed");
      peer.destroy();
    });
  });

  it("the idle timeout ends a connection that sends no next request", async () => {
    await withServer({ fetch: echoPath, keepAliveTimeout: 50 }, async (server) => {
      const peer = await rawClient(server.address.port);
      peer.write(get("/a"));
      await readAnswer(peer);
      await peer.waitEnd();
      peer.destroy();
    });
  });

  it("the request cap: the last answer says Connection: close and ends the connection", async () => {
    await withServer({ fetch: echoPath, maxRequestsPerConnection: 2 }, async (server) => {
      const peer = await rawClient(server.address.port);
      peer.write(get("/a") + get("/b") + get("/c"));
      assert.doesNotMatch((await readAnswer(peer)).head, /connection:/i);
      const last = await readAnswer(peer);
      assert.equal(last.body, "/b ");
      assert.match(last.head, /\r\nconnection: close\r\n/);
      await peer.waitEnd();
      assert.equal(peer.buffered.length, 0);
      peer.destroy();
    });
  });

  it("shutdown() ends idle persistent connections at once, without waiting for their timeout", async () => {
    const server = await serve({ hostname: "127.0.0.1", port: 0, fetch: echoPath, keepAliveTimeout: 60_000 });
    const peer = await rawClient(server.address.port);
    peer.write(get("/a"));
    await readAnswer(peer);
    await server.shutdown({ timeout: 60_000 });
    await peer.waitEnd();
    peer.destroy();
  });

  it("keepAliveTimeout 0: one request per connection", async () => {
    await withServer({ fetch: echoPath, keepAliveTimeout: 0 }, async (server) => {
      const peer = await rawClient(server.address.port);
      peer.write(get("/a"));
      assert.match((await readAnswer(peer)).head, /\r\nconnection: close\r\n/);
      await peer.waitEnd();
      peer.destroy();
    });
  });

  it("head and body limits hold for each request, not the connection", async () => {
    await withServer({ fetch: echoPath, maxHeadBytes: 256 }, async (server) => {
      const peer = await rawClient(server.address.port);
      // Together well over 256 bytes of heads: each one alone is within the limit.
      for (let i = 0; i < 5; i++) {
        peer.write(get(`/${i}`, `X-Pad: ${"p".repeat(100)}\r\n`));
        assert.equal((await readAnswer(peer)).body, `/${i} `);
      }
      peer.write(get("/big", `X-Pad: ${"p".repeat(300)}\r\n`));
      assert.match((await readAnswer(peer)).head, /^HTTP\/1\.1 431 /);
      await peer.waitEnd();
      peer.destroy();
      const upload = await rawClient(server.address.port);
      upload.write(post("/small", "x"));
      assert.equal((await readAnswer(upload)).body, "/small x");
      upload.write(`POST /huge HTTP/1.1\r\nHost: x\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n`);
      const refused = await readAnswer(upload);
      assert.match(refused.head, /^HTTP\/1\.1 413 /);
      assert.match(refused.head, /\r\nconnection: close\r\n/, "the unread body cannot be skipped: the connection ends");
      await upload.waitEnd();
      upload.destroy();
    });
  });

  it("an upgrade request on a kept-alive connection still upgrades", async () => {
    await withServer({
      fetch: echoPath,
      websocket: (ws) => ws.addEventListener("message", (event) => ws.send(event.data)),
    }, async (server) => {
      const peer = await rawClient(server.address.port);
      peer.write(get("/page"));
      assert.equal((await readAnswer(peer)).body, "/page ");
      peer.write(upgradeRequest(server.address.port));
      assert.match(await peer.readHead(), /^HTTP\/1\.1 101 /);
      peer.write(frame({ opcode: 1, payload: "over the same connection", mask: true }));
      assert.equal(new TextDecoder().decode((await peer.readFrame()).payload), "over the same connection");
      peer.destroy();
    });
  });

  it("a client that half-closes after pipelined requests gets every answer, then the end", async () => {
    await withServer({ fetch: echoPath }, async (server) => {
      const peer = await rawClient(server.address.port);
      peer.write(get("/slow") + get("/b"));
      peer.end();
      assert.equal((await readAnswer(peer)).body, "/slow ");
      assert.equal((await readAnswer(peer)).body, "/b ");
      await peer.waitEnd();
      peer.destroy();
    });
  });
});
