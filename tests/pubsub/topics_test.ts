// Topics in one server: ws.subscribe / unsubscribe / isSubscribed /
// subscriptions / publish, server.publish / subscriberCount. Checked on the
// wire with raw peers: the exact frame each subscriber gets, and that others
// get nothing (a broadcast marker sent after must be their next frame).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { memoryBroker, WebSocket } from "../../src/mod.ts";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { upgradeHandler } from "../../src/node.ts";
import { gotNothing, nextText, shutdownTopicServers, topicServer } from "../_helpers/topic_server.ts";
import { once, until } from "../_helpers/events.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

after(shutdownTopicServers);

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
  it("a Blob (binary event.data at the default binaryType) is a TypeError that says to set binaryType", async () => {
    const { server, connect } = await topicServer();
    const peer = await connect();
    assert.equal(peer.ws.binaryType, "blob");
    for (
      const publish of [
        () => server.publish("t", new Blob(["x"]) as never),
        () => peer.ws.publish("t", new Blob(["x"]) as never),
      ]
    ) {
      assert.throws(
        publish,
        (error: Error) => error instanceof TypeError && /binaryType = "arraybuffer"/.test(error.message),
      );
    }
  });

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
