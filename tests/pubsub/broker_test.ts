// The broker interface as a server uses it: told of a topic's first and last
// local subscriber, handed kind-marked bytes; memoryBroker between servers.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type Broker, memoryBroker } from "../../src/mod.ts";
import { gotNothing, nextText, shutdownTopicServers, topicServer } from "../_helpers/topic_server.ts";
import { once } from "../_helpers/events.ts";

after(shutdownTopicServers);

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
