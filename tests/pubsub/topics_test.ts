// Topics in one server: ws.subscribe / unsubscribe / isSubscribed /
// subscriptions / publish, server.publish / subscriberCount. Checked on the
// wire with raw peers: the exact frame each subscriber gets, and that others
// get nothing (a broadcast marker sent after must be their next frame).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type Broker, memoryBroker, serve, type ServeOptions, type Server, WebSocket } from "../../src/mod.ts";
import { rawClient, type RawSocket, upgradeRequest } from "../_helpers/raw_peer.ts";
import { once, until } from "../_helpers/events.ts";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { upgradeHandler } from "../../src/node.ts";

interface Peer {
  raw: RawSocket;
  /** The server's side of the connection. */
  ws: WebSocket;
}

const servers: Server[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.shutdown({ timeout: 100 })));
});

async function topicServer(options: ServeOptions = {}): Promise<{ server: Server; connect(): Promise<Peer> }> {
  const accepted: WebSocket[] = [];
  const server = await serve({ hostname: "127.0.0.1", port: 0, websocket: (ws) => void accepted.push(ws), ...options });
  servers.push(server);
  return {
    server,
    async connect() {
      const index = accepted.length;
      const raw = await rawClient(server.address.port);
      raw.write(upgradeRequest(server.address.port));
      assert.match(await raw.readHead(), /^HTTP\/1\.1 101 /);
      await until(() => accepted.length > index);
      assert.ok(accepted[index], "the server accepted the socket");
      return { raw, ws: accepted[index] };
    },
  };
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function nextText(peer: Peer): Promise<string> {
  const frame = await peer.raw.readFrame();
  assert.equal(frame.opcode, 1);
  return text(frame.payload);
}

/** `peer` got nothing before the marker broadcast now. */
async function gotNothing(server: Server, peers: Peer[]): Promise<void> {
  server.broadcast("marker");
  for (const peer of peers) assert.equal(await nextText(peer), "marker");
}

describe("server.publish", () => {
  it("sends one unmasked text frame to each subscriber, and nothing to others", async () => {
    const { server, connect } = await topicServer();
    const [a, b, c] = [await connect(), await connect(), await connect()];
    a.ws.subscribe("news");
    b.ws.subscribe("news");
    c.ws.subscribe("sport");
    assert.equal(server.publish("news", "hello"), 2);
    for (const peer of [a, b]) {
      const frame = await peer.raw.readFrame();
      assert.deepEqual([frame.fin, frame.rsv, frame.opcode, frame.masked, text(frame.payload)], [
        true,
        0,
        1,
        false,
        "hello",
      ]);
    }
    await gotNothing(server, [a, b, c]);
    assert.equal(server.publish("nobody", "x"), 0);
  });

  it("keeps binary data binary, from any ArrayBuffer view, byte for byte", async () => {
    const { server, connect } = await topicServer();
    const peer = await connect();
    peer.ws.subscribe("bin");
    const bytes = new Uint8Array([0, 1, 2, 0xfe, 0xff, 9]);
    server.publish("bin", bytes.subarray(1, 5));
    server.publish("bin", bytes.buffer);
    server.publish("bin", new DataView(bytes.buffer, 4, 2));
    server.publish("bin", "");
    const frames = [await peer.raw.readFrame(), await peer.raw.readFrame(), await peer.raw.readFrame()];
    assert.deepEqual(frames.map((frame) => frame.opcode), [2, 2, 2]);
    assert.deepEqual(frames.map((frame) => [...frame.payload]), [[1, 2, 0xfe, 0xff], [0, 1, 2, 0xfe, 0xff, 9], [
      0xff,
      9,
    ]]);
    const empty = await peer.raw.readFrame();
    assert.deepEqual([empty.opcode, empty.payload.length], [1, 0]);
  });

  it("delivers in publish order, and large messages (pooled frames) intact", async () => {
    const { server, connect } = await topicServer();
    const [a, b] = [await connect(), await connect()];
    a.ws.subscribe("t");
    b.ws.subscribe("t");
    const big = new Uint8Array(100_000).map((_, i) => i * 7);
    for (let i = 0; i < 20; i++) server.publish("t", i % 2 === 0 ? `m${i}` : big);
    for (const peer of [a, b]) {
      for (let i = 0; i < 20; i++) {
        const frame = await peer.raw.readFrame();
        if (i % 2 === 0) assert.equal(text(frame.payload), `m${i}`);
        else assert.deepEqual(frame.payload, big);
      }
    }
  });

  it("local: true stays in this server; it still reaches local subscribers", async () => {
    const broker = memoryBroker();
    const one = await topicServer({ broker });
    const two = await topicServer({ broker });
    const [a, b] = [await one.connect(), await two.connect()];
    a.ws.subscribe("t");
    b.ws.subscribe("t");
    assert.equal(one.server.publish("t", "only here", { local: true }), 1);
    assert.equal(await nextText(a), "only here");
    await gotNothing(two.server, [b]);
  });
});

describe("ws.subscribe, unsubscribe, isSubscribed, subscriptions", () => {
  it("tracks topics per socket; subscribing twice counts once", async () => {
    const { server, connect } = await topicServer();
    const [a, b] = [await connect(), await connect()];
    assert.deepEqual(a.ws.subscriptions, []);
    a.ws.subscribe("x");
    a.ws.subscribe("y");
    a.ws.subscribe("x");
    b.ws.subscribe("x");
    assert.deepEqual(a.ws.subscriptions, ["x", "y"]);
    assert.equal(a.ws.isSubscribed("x"), true);
    assert.equal(b.ws.isSubscribed("y"), false);
    assert.equal(server.subscriberCount("x"), 2);
    assert.equal(server.subscriberCount("y"), 1);
    a.ws.unsubscribe("x");
    a.ws.unsubscribe("never");
    assert.deepEqual(a.ws.subscriptions, ["y"]);
    assert.equal(server.subscriberCount("x"), 1);
    assert.equal(server.publish("x", "after"), 1);
    assert.equal(await nextText(b), "after");
    await gotNothing(server, [a]);
  });

  it("a socket leaves every topic when it closes, and cannot join again", async () => {
    const { server, connect } = await topicServer();
    const peer = await connect();
    peer.ws.subscribe("x");
    peer.ws.subscribe("y");
    const closed = once(peer.ws, "close");
    peer.raw.destroy();
    await closed;
    assert.equal(server.subscriberCount("x"), 0);
    assert.equal(server.subscriberCount("y"), 0);
    assert.deepEqual(peer.ws.subscriptions, []);
    peer.ws.subscribe("x");
    assert.equal(server.subscriberCount("x"), 0);
    assert.equal(peer.ws.publish("x", "from a closed socket"), 0);
  });

  it("ws.publish reaches every subscriber but the sender (as Bun.serve does)", async () => {
    const { server, connect } = await topicServer();
    const [a, b, c] = [await connect(), await connect(), await connect()];
    for (const peer of [a, b, c]) peer.ws.subscribe("room");
    a.ws.subscribe("solo");
    assert.equal(a.ws.publish("solo", "to nobody"), 0);
    assert.equal(a.ws.publish("room", "from a"), 2);
    assert.equal(await nextText(b), "from a");
    assert.equal(await nextText(c), "from a");
    await gotNothing(server, [a]);
  });
});

describe("bad arguments", () => {
  it("throw TypeError; a client socket has no topics (InvalidStateError)", async () => {
    const { server, connect } = await topicServer();
    const peer = await connect();
    const notATopic = [1, undefined, null, Symbol("t"), { toString: () => "t" }] as unknown as string[];
    for (const topic of notATopic) {
      assert.throws(() => peer.ws.subscribe(topic), TypeError);
      assert.throws(() => peer.ws.unsubscribe(topic), TypeError);
      assert.throws(() => peer.ws.isSubscribed(topic), TypeError);
      assert.throws(() => peer.ws.publish(topic, "x"), TypeError);
      assert.throws(() => server.publish(topic, "x"), TypeError);
      assert.throws(() => server.subscriberCount(topic), TypeError);
    }
    const notData = [undefined, 1, {}, [1, 2], new Blob(["x"])] as unknown as string[];
    for (const data of notData) {
      assert.throws(() => server.publish("t", data), TypeError);
      assert.throws(() => peer.ws.publish("t", data), TypeError);
    }
    assert.throws(() => server.publish("t", "x", 5 as unknown as undefined), TypeError);
    assert.equal(server.subscriberCount("t"), 0);

    const client = new WebSocket(`ws://127.0.0.1:${server.address.port}`);
    await once(client, "open");
    assert.throws(() => client.subscribe("t"), (error: Error) => error.name === "InvalidStateError");
    assert.throws(() => client.publish("t", "x"), (error: Error) => error.name === "InvalidStateError");
    assert.deepEqual(client.subscriptions, []);
    client.close();
    await once(client, "close");
  });
});

describe("a slow subscriber", () => {
  it("is closed by its own onBufferFull policy; the others get every message", async () => {
    const { server, connect } = await topicServer({
      highWaterMark: 1024 * 1024,
      onBufferFull: "close",
      closeTimeout: 200,
    });
    const slow = await connect();
    slow.raw.socket.pause();
    slow.ws.subscribe("feed");
    const slowError = once<ErrorEvent>(slow.ws, "error");
    const slowClosed = once<CloseEvent>(slow.ws, "close");
    const fast = new WebSocket(`ws://127.0.0.1:${server.address.port}/fast`);
    fast.binaryType = "arraybuffer";
    await once(fast, "open");
    await until(() => server.clients.size === 2);
    const fastServer = [...server.clients].find((ws) => ws.url.endsWith("/fast"))!;
    fastServer.subscribe("feed");
    const received: number[] = [];
    let wake: (() => void) | undefined;
    fast.onmessage = (event) => {
      received.push(new DataView(event.data as ArrayBuffer).getUint32(0));
      wake?.();
    };
    // Batches the fast reader keeps up with, until the slow one's kernel buffers
    // (Linux lets a loopback socket take up to tcp_rmem's 32 MiB) are full and
    // its queue passes the mark; 128 MiB at most.
    const message = new Uint8Array(64 * 1024);
    let sent = 0;
    while (slow.ws.readyState === 1 && sent < 2048) {
      for (let i = 0; i < 8; i++) {
        new DataView(message.buffer).setUint32(0, sent++);
        server.publish("feed", message);
      }
      await new Promise<void>((resolve) => {
        wake = () => received.length === sent && resolve();
        wake();
      });
    }
    assert.notEqual(
      slow.ws.readyState,
      1,
      `the slow subscriber was closed (sent ${sent}, buffered ${slow.ws.bufferedAmount})`,
    );
    assert.deepEqual(received, Array.from({ length: sent }, (_, i) => i));
    assert.equal(((await slowError).error as { code?: string }).code, "WS_ERR_BUFFER_FULL");
    assert.equal((await slowClosed).code, 1006);
    assert.equal(server.subscriberCount("feed"), 1);
    fast.close();
    await once(fast, "close");
    slow.raw.destroy();
  });
});

describe("the broker", () => {
  it("hears of a topic when its first local subscriber comes and its last goes", async () => {
    const calls: string[] = [];
    const recording: Broker = {
      join: () => ({
        publish: (topic, message) => calls.push(`publish ${topic} ${[...message]}`),
        subscribe: (topic) => calls.push(`subscribe ${topic}`),
        unsubscribe: (topic) => calls.push(`unsubscribe ${topic}`),
        leave: () => calls.push("leave"),
      }),
    };
    const { server, connect } = await topicServer({ broker: recording });
    const [a, b] = [await connect(), await connect()];
    a.ws.subscribe("t");
    b.ws.subscribe("t");
    b.ws.subscribe("u");
    server.publish("t", "hi");
    server.publish("t", new Uint8Array([7]));
    server.publish("t", "local", { local: true });
    a.ws.unsubscribe("t");
    const closed = once(b.ws, "close");
    b.raw.destroy();
    await closed;
    a.raw.destroy();
    await server.shutdown({ timeout: 100 });
    // Text and binary are told apart by the first byte (1 text, 2 binary).
    assert.deepEqual(calls, [
      "subscribe t",
      "subscribe u",
      "publish t 1,104,105",
      "publish t 2,7",
      "unsubscribe t",
      "unsubscribe u",
      "leave",
    ]);
  });

  it("memoryBroker: a publish reaches other servers' subscribers once, and its own once", async () => {
    const broker = memoryBroker();
    const one = await topicServer({ broker });
    const two = await topicServer({ broker });
    const [a, b] = [await one.connect(), await two.connect()];
    a.ws.subscribe("t");
    b.ws.subscribe("t");
    one.server.publish("t", "first");
    b.ws.publish("t", new Uint8Array([1, 2]));
    assert.equal(await nextText(a), "first");
    assert.deepEqual([...(await a.raw.readFrame()).payload], [1, 2]);
    assert.equal(await nextText(b), "first");
    await gotNothing(one.server, [a]);
    await gotNothing(two.server, [b]);
  });
});

describe("topics on a node:http server (upgradeHandler)", () => {
  it("its sockets subscribe; handler.publish reaches them, once encoded", async () => {
    const handler = upgradeHandler({
      websocket: (ws) => {
        ws.subscribe(new URL(ws.url).pathname.slice(1));
        ws.send("subscribed");
      },
    });
    const http = createServer((_request, response) => response.end()).on("upgrade", handler.handleUpgrade);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const { port } = http.address() as AddressInfo;
    const clients = ["red", "red", "blue"].map((room) => new WebSocket(`ws://127.0.0.1:${port}/${room}`));
    const got = clients.map(() => [] as string[]);
    await Promise.all(clients.map((client, i) =>
      new Promise<void>((resolve) => {
        client.onmessage = (event) => {
          got[i].push(String(event.data));
          resolve();
        };
      })
    ));
    assert.equal(handler.subscriberCount("red"), 2);
    assert.equal(handler.publish("red", "to red"), 2);
    await until(() => got[0].length === 2 && got[1].length === 2);
    handler.broadcast("marker");
    await until(() => got.every((messages) => messages.includes("marker")));
    assert.deepEqual(got, [["subscribed", "to red", "marker"], ["subscribed", "to red", "marker"], [
      "subscribed",
      "marker",
    ]]);
    await handler.shutdown({ timeout: 500 });
    await new Promise((resolve) => http.close(resolve));
  });
});
