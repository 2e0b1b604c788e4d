// RFC 6455 §4.1, client requirement 2: "There MUST be no more than one
// connection in a CONNECTING state. If multiple connections to the same IP
// address are attempted simultaneously, the client MUST serialize them";
// the WHATWG WebSockets Standard defers to it. A connection holds its
// host's slot from before its TCP connect until it opens or fails: refused,
// aborted and timed-out attempts give it up too.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "../../src/mod.ts";
import { hostKey, HostQueue } from "../../src/client/host_queue.ts";
import { once } from "../_helpers/events.ts";
import { accept101, acceptFor as acceptOf, rawServer, type RawSocket } from "../_helpers/raw_peer.ts";

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("HostQueue", () => {
  it("grants one host's slot in turn, in the order asked, and other hosts at once", async () => {
    const queue = new HostQueue();
    const order: string[] = [];
    const first = await queue.acquire("a:80");
    const second = queue.acquire("a:80").then((release) => (order.push("second"), release));
    const third = queue.acquire("a:80").then((release) => (order.push("third"), release));
    (await queue.acquire("b:80"))();
    await tick();
    assert.deepEqual(order, [], "a:80 is held");
    first();
    first();
    (await second)();
    (await third)();
    assert.deepEqual(order, ["second", "third"]);
    assert.equal(queue.connecting("a:80"), false, "the last release frees the host");
  });

  it("a waiter whose signal aborts leaves the line with the signal's reason", async () => {
    const queue = new HostQueue();
    const holder = await queue.acquire("a:80");
    const abort = new AbortController();
    const gone = queue.acquire("a:80", abort.signal);
    const next = queue.acquire("a:80");
    abort.abort(new Error("given up"));
    await assert.rejects(gone, /given up/);
    holder();
    (await next)();
    assert.equal(queue.connecting("a:80"), false);
    await assert.rejects(queue.acquire("a:80", AbortSignal.abort(new Error("already"))), /already/);
  });

  it("keys IPv6 hosts with brackets, so no host:port pair collides", () => {
    assert.equal(hostKey("::1", 80), "[::1]:80");
    assert.equal(hostKey("example.com", 443), "example.com:443");
  });
});

/** A server that logs when each handshake arrives and when it is answered, and can hold answers. */
async function loggingServer(answer: (peer: RawSocket, head: string) => Promise<void>) {
  const log: string[] = [];
  const server = await rawServer(async (peer) => {
    const head = await peer.readHead();
    const path = head.slice(4, head.indexOf(" ", 4));
    log.push(`arrived ${path}`);
    await answer(peer, head);
    log.push(`answered ${path}`);
  });
  return { ...server, log };
}

function reply101(peer: RawSocket, head: string): void {
  const key = /^sec-websocket-key: *(.*?)\r$/im.exec(head)![1];
  peer.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Accept: ${acceptOf(key)}\r\n\r\n`,
  );
}

describe("one CONNECTING connection per host and port (RFC 6455 §4.1)", () => {
  it("sockets opened in one tick reach the server one after another", async () => {
    // Each answer waits a little: sockets that did not wait their turn would arrive meanwhile.
    const server = await loggingServer(async (peer, head) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      reply101(peer, head);
    });
    try {
      const sockets = [0, 1, 2, 3, 4].map((i) => new WebSocket(`${server.url}/${i}`));
      await Promise.all(sockets.map((ws) => once(ws, "open")));
      const expected = [0, 1, 2, 3, 4].flatMap((i) => [`arrived /${i}`, `answered /${i}`]);
      assert.deepEqual(server.log, expected);
      for (const ws of sockets) ws.terminate();
      await Promise.all(sockets.map((ws) => ws.readyState === 3 ? undefined : once(ws, "close")));
    } finally {
      await server.close();
    }
  });

  it("a refused handshake gives the slot up", async () => {
    let count = 0;
    const server = await loggingServer((peer, head) => {
      if (count++ === 0) peer.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
      else reply101(peer, head);
      return Promise.resolve();
    });
    try {
      const refused = new WebSocket(`${server.url}/refused`);
      const next = new WebSocket(`${server.url}/next`);
      await once(refused, "close");
      await once(next, "open");
      assert.deepEqual(server.log, ["arrived /refused", "answered /refused", "arrived /next", "answered /next"]);
      next.terminate();
      await once(next, "close");
    } finally {
      await server.close();
    }
  });

  it("close() while CONNECTING gives the slot up, and a waiting socket closed leaves the line", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => release = resolve);
    let arrived!: () => void;
    const firstArrived = new Promise<void>((resolve) => arrived = resolve);
    const server = await loggingServer(async (peer, head) => {
      if (head.startsWith("GET /held ")) {
        arrived();
        await held;
      } else reply101(peer, head);
    });
    try {
      const first = new WebSocket(`${server.url}/held`);
      const waiting = new WebSocket(`${server.url}/waiting`);
      const last = new WebSocket(`${server.url}/last`);
      await firstArrived;
      waiting.close();
      const closed = await once<CloseEvent>(waiting, "close");
      assert.equal(closed.code, 1006);
      assert.deepEqual(server.log, ["arrived /held"], "the waiting socket never connected");
      first.close();
      await once(first, "close");
      await once(last, "open");
      assert.deepEqual(server.log, ["arrived /held", "arrived /last", "answered /last"]);
      last.terminate();
      await once(last, "close");
    } finally {
      release();
      await server.close();
    }
  });

  it("a handshake timeout gives the slot up", async () => {
    const server = await loggingServer(async (peer, head) => {
      if (head.startsWith("GET /slow ")) await new Promise(() => {});
      reply101(peer, head);
    });
    try {
      const slow = new WebSocket(`${server.url}/slow`, { handshakeTimeout: 100 });
      const next = new WebSocket(`${server.url}/next`);
      const failed = await once<Event & { error: { code: string } }>(slow, "error");
      assert.equal(failed.error.code, "WS_ERR_HANDSHAKE_TIMEOUT");
      await once(next, "open");
      next.terminate();
      await once(next, "close");
    } finally {
      await server.close();
    }
  });

  it("does not hold back a connection to another port", async () => {
    const held = await loggingServer(() => new Promise(() => {}));
    const other = await rawServer(async (peer) => void await accept101(peer));
    try {
      const stuck = new WebSocket(`${held.url}/stuck`);
      const free = new WebSocket(other.url);
      await once(free, "open");
      assert.equal(stuck.readyState, WebSocket.CONNECTING);
      stuck.close();
      free.terminate();
      await Promise.all([once(stuck, "close"), once(free, "close")]);
    } finally {
      await held.close();
      await other.close();
    }
  });
});
