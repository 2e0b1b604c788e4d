// Plain HTTP answers on the WebSocket port, from a raw TCP client: failing
// handlers, streamed bodies and backpressure, and what each kind of answer
// carries (request bodies: server_request_test.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { serve, type Server } from "../../src/mod.ts";
import { exchange, rawClient } from "../_helpers/raw_peer.ts";
import { ByteQueue } from "../../src/bytes/byte_queue.ts";
import { HttpFlow, respondHttp } from "../../src/server/http.ts";
import type { Transport } from "../../src/transport/types.ts";

type Handler = (request: Request) => Response | Promise<Response>;

async function withServer(fetch: Handler | undefined, run: (server: Server) => Promise<void>): Promise<void> {
  const server = await serve({ hostname: "127.0.0.1", port: 0, fetch });
  try {
    await run(server);
  } finally {
    await server.shutdown({ timeout: 0 });
  }
}

const get = (path: string, method = "GET") => `${method} ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
const encoder = new TextEncoder();

describe("plain HTTP answers from serve()", () => {
  it("answers 500 when the handler returns no Response, and keeps serving", async () => {
    await withServer(
      (request) => (request.url.endsWith("/bad") ? undefined : new Response("fine")) as Response,
      async (server) => {
        const bad = await exchange(server.address.port, get("/bad"));
        assert.match(bad.head, /^HTTP\/1\.1 500 Internal Server Error\r\n/);
        assert.equal(bad.body, "Internal Server Error\n");
        assert.equal((await exchange(server.address.port, get("/good"))).body, "4\r\nfine\r\n0\r\n\r\n");
      },
    );
  });

  it("drops the connection when the body stream fails midway, and keeps serving", async () => {
    await withServer((request) => {
      if (request.url.endsWith("/good")) return new Response("fine");
      return new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(encoder.encode("part"));
            setTimeout(() => controller.error(new Error("the body failed (expected by the test)")), 20);
          },
        }),
      );
    }, async (server) => {
      const broken = await exchange(server.address.port, get("/broken"));
      assert.match(broken.head, /^HTTP\/1\.1 200 OK\r\n/);
      assert.equal(broken.body, "4\r\npart\r\n", "no last chunk: the peer can tell the body is cut short");
      assert.match((await exchange(server.address.port, get("/good"))).head, /^HTTP\/1\.1 200 OK\r\n/);
    });
  });

  it("streams an endless body as it is produced, and stops reading it once the peer leaves", async () => {
    let cancelled!: () => void;
    const cancel = new Promise<void>((resolve) => cancelled = resolve);
    let n = 0;
    const events = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        controller.enqueue(encoder.encode(`data: ${n++}\n\n`));
      },
      cancel: () => cancelled(),
    });
    await withServer(
      () => new Response(events, { headers: { "content-type": "text/event-stream" } }),
      async (server) => {
        const peer = await rawClient(server.address.port);
        peer.write(get("/events"));
        const head = await peer.readHead();
        assert.match(head, /\r\ntransfer-encoding: chunked\r\n/);
        assert.match(head, /\r\ncontent-type: text\/event-stream\r\n/);
        assert.doesNotMatch(head, /content-length/);
        assert.equal(new TextDecoder().decode(await peer.read(14)), "9\r\ndata: 0\n\n\r\n");
        peer.destroy();
        await cancel;
        // A pull already under way when the body was cancelled may still finish; none may start after.
        await new Promise((resolve) => setTimeout(resolve, 20));
        const stopped = n;
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(n, stopped, "no more of the body is read");
      },
    );
  });

  it("reads the body no faster than a slow peer takes it", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(97);
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => ++pulls > 320 ? controller.close() : controller.enqueue(chunk.slice()),
    }, { highWaterMark: 0 });
    await withServer(() => new Response(body), async (server) => {
      // Bytes counted, not kept: 20 MiB gathered into one buffer as they come is slow on a loaded machine.
      const socket = connect(server.address.port, "127.0.0.1");
      let received = 0;
      socket.on("data", (data: Uint8Array) => received += data.length);
      const ended = new Promise((resolve) => socket.on("end", resolve));
      socket.pause();
      // The answer ends the connection: the end of the stream is the end of the body.
      socket.write(get("/").replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.ok(pulls < 160, `${pulls} of 320 chunks read while the peer reads nothing`);
      socket.resume();
      await ended;
      assert.equal(received > 320 * chunk.length, true);
      assert.equal(pulls, 321);
      socket.destroy();
    });
  });

  it("keeps a content-length the handler set and sends the body as it is", async () => {
    const body = () => new Blob(["hel", "lo"]).stream();
    await withServer(
      () => new Response(body(), { headers: { "content-length": "5" } }),
      async (server) => {
        const answer = await exchange(
          server.address.port,
          get("/").replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"),
        );
        assert.match(answer.head, /\r\ncontent-length: 5\r\nconnection: close\r\n\r\n$/);
        assert.doesNotMatch(answer.head, /transfer-encoding/);
        assert.equal(answer.body, "hello");
        const head = await exchange(server.address.port, get("/", "HEAD"));
        assert.match(head.head, /\r\ncontent-length: 5\r\n/, "HEAD carries GET's length");
        assert.equal(head.body, "");
      },
    );
  });

  it("gives a null body content-length 0, but no framing to 204, 304 and a HEAD without a length", async () => {
    await withServer((request) => {
      const status = Number(new URL(request.url).pathname.slice(1));
      // A handler answering HEAD with no body must not get a length of 0 made up for it.
      const headers: Record<string, string> = status === 200 ? {} : { "content-length": "7" };
      return new Response(null, { status, headers });
    }, async (server) => {
      assert.match((await exchange(server.address.port, get("/200"))).head, /\r\ncontent-length: 0\r\n/);
      for (const request of [get("/204"), get("/304"), get("/200", "HEAD")]) {
        const answer = await exchange(server.address.port, request);
        assert.doesNotMatch(answer.head, /content-length|transfer-encoding/, request);
        assert.equal(answer.body, "", request);
      }
    });
  });

  it("sends an HTTP/1.0 peer a body of unknown length unchunked, ended by the close", async () => {
    await withServer(() => new Response(new Blob(["fi", "ne"]).stream()), async (server) => {
      const answer = await exchange(server.address.port, "GET / HTTP/1.0\r\nHost: x\r\n\r\n");
      assert.doesNotMatch(answer.head, /transfer-encoding|content-length/);
      assert.equal(answer.body, "fine");
    });
  });

  it("refuses an HTTP/1.0 request with Transfer-Encoding: its framing is faulty (RFC 9112 §6.1)", async () => {
    let called = false;
    await withServer(() => {
      called = true;
      return new Response("read");
    }, async (server) => {
      const request = "POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n";
      assert.match((await exchange(server.address.port, request)).head, /^HTTP\/1\.1 400 Bad Request\r\n/);
      assert.equal(called, false);
    });
  });

  it("answers a client that half-closed after its request (its FIN does not end our side early)", async () => {
    const slow: Handler = async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return new Response("late but here");
    };
    await withServer(slow, async (server) => {
      const peer = await rawClient(server.address.port);
      peer.socket.end(get("/"));
      const head = await peer.readHead();
      assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
      await peer.waitEnd();
      assert.match(new TextDecoder().decode(peer.buffered), /late but here/);
      peer.destroy();
    });
  });

  it("answers HEAD without a fetch handler with the 426's fields and no body", async () => {
    await withServer(undefined, async (server) => {
      const answer = await exchange(server.address.port, get("/", "HEAD"));
      assert.match(answer.head, /^HTTP\/1\.1 426 Upgrade Required\r\n/);
      assert.match(answer.head, /\r\nupgrade: websocket\r\n/);
      assert.equal(answer.body, "");
    });
  });

  it("writes the reason phrase of common statuses, and none for others", async () => {
    await withServer((request) => {
      const status = Number(new URL(request.url).pathname.slice(1));
      return new Response(null, { status, statusText: status === 202 ? "Queued" : "" });
    }, async (server) => {
      const line = async (status: number) =>
        (await exchange(server.address.port, get(`/${status}`))).head.split("\r\n")[0];
      assert.equal(await line(201), "HTTP/1.1 201 Created");
      assert.equal(await line(202), "HTTP/1.1 202 Queued");
      assert.equal(await line(308), "HTTP/1.1 308 Permanent Redirect");
      assert.equal(await line(429), "HTTP/1.1 429 Too Many Requests");
      assert.equal(await line(504), "HTTP/1.1 504 Gateway Timeout");
      assert.equal(await line(299), "HTTP/1.1 299 ");
    });
  });
});

describe("respondHttp's flow control", () => {
  class FakeTransport implements Transport {
    readonly capabilities = { lentBuffer: false };
    readonly remoteAddress = undefined;
    readonly written: string[] = [];
    full = false;
    gone = false;
    ended = false;
    get writableLength(): number {
      return this.full ? 1 : 0;
    }
    write(bytes: Uint8Array): boolean {
      if (this.gone) return false;
      if (bytes.length > 0) this.written.push(new TextDecoder().decode(bytes));
      return !this.full;
    }
    end(): void {
      this.ended = true;
    }
    start(): void {}
    pause(): void {}
    resume(): void {}
    destroy(): void {}
  }
  const head = { method: "GET", target: "/", headers: new Headers({ host: "x" }) };
  const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
  function counting(
    limit: number,
  ): { stream: ReadableStream<Uint8Array>; pulls: () => number; cancelled: () => boolean } {
    let pulls = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (++pulls > limit) controller.close();
        else controller.enqueue(encoder.encode("x"));
      },
      cancel: () => void (cancelled = true),
    }, { highWaterMark: 0 });
    return { stream, pulls: () => pulls, cancelled: () => cancelled };
  }

  it("reads no more of the body while the transport is full, and goes on at its drain", async () => {
    const transport = new FakeTransport();
    const flow = new HttpFlow();
    const body = counting(3);
    transport.full = true;
    const done = respondHttp(transport, head, new ByteQueue(), () => new Response(body.stream), { flow });
    await tick();
    assert.equal(transport.written.length, 1, "only the head");
    assert.equal(body.pulls(), 0);
    transport.full = false;
    flow.drain();
    await done;
    assert.deepEqual(transport.written.slice(1), ["1\r\nx\r\n", "1\r\nx\r\n", "1\r\nx\r\n", "0\r\n\r\n"]);
    assert.equal(transport.ended, true);
  });

  it("cancels the body when the connection closes, told by the flow or found by a refused write", async () => {
    for (const told of [true, false]) {
      const transport = new FakeTransport();
      const flow = told ? new HttpFlow() : undefined;
      const body = counting(Infinity);
      transport.full = true;
      const done = respondHttp(transport, head, new ByteQueue(), () => new Response(body.stream), { flow });
      await tick();
      transport.gone = true;
      transport.full = false;
      flow?.close();
      await done;
      assert.equal(body.cancelled(), true, told ? "told" : "found");
      assert.equal(transport.ended, false);
    }
  });
});
