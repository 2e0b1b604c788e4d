// One encoding for many sockets: a subscriber that does not read meets its
// own buffer policy, and the others still get every message, in order.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { WebSocket } from "../../src/mod.ts";
import { shutdownTopicServers, topicServer } from "../_helpers/topic_server.ts";
import { once, until } from "../_helpers/events.ts";
import { PYTHON } from "../_helpers/python.ts";

const peers: ChildProcess[] = [];
after(async () => {
  for (const peer of peers) peer.kill("SIGKILL");
  await shutdownTopicServers();
});

// A peer that upgrades and then never reads, in its own process: a runtime's
// node:net pause() may keep reading into memory (Bun's does), and a socket
// that is never read keeps its small initial receive window.
const NEVER_READS = `
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /slow HTTP/1.1\\r\\nHost: x\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
          b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n")
time.sleep(120)
`;

describe("a slow subscriber", () => {
  it("is closed by its own onBufferFull policy; the others get every message", async () => {
    const { server } = await topicServer({
      highWaterMark: 1024 * 1024,
      onBufferFull: "close",
      closeTimeout: 200,
    });
    assert.ok(existsSync(PYTHON), `${PYTHON} is missing (apt-get install python3)`);
    const peer = spawn(PYTHON, ["-c", NEVER_READS, String(server.address.port)], { stdio: "ignore" });
    peer.on("error", () => {}); // a failed spawn shows as no peer below, not as a crash
    peers.push(peer);
    // Python takes a while to start on a loaded machine.
    for (let i = 0; i < 300 && server.clients.size === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const slow = { ws: [...server.clients][0] };
    assert.ok(slow.ws?.url.endsWith("/slow"), "the slow peer is connected");
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
    // are full and its queue passes the mark (128 MiB at most). Its failure shows
    // once the close frame it cannot read times out (closeTimeout).
    let slowFailed = false;
    void slowError.then(() => slowFailed = true);
    const message = new Uint8Array(64 * 1024);
    let sent = 0;
    while (!slowFailed && sent < 2048) {
      for (let i = 0; i < 8; i++) {
        new DataView(message.buffer).setUint32(0, sent++);
        server.publish("feed", message);
      }
      await new Promise<void>((resolve) => {
        wake = () => received.length === sent && resolve();
        wake();
      });
    }
    assert.deepEqual(received, Array.from({ length: sent }, (_, i) => i));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const failed = await Promise.race([
      slowError,
      new Promise<undefined>((resolve) => timer = setTimeout(() => resolve(undefined), 15_000)),
    ]);
    clearTimeout(timer);
    assert.ok(failed !== undefined, `the slow subscriber failed (${sent} messages sent)`);
    assert.equal((failed.error as { code?: string }).code, "WS_ERR_BUFFER_FULL");
    assert.equal((await slowClosed).code, 1006);
    assert.equal(server.subscriberCount("feed"), 1);
    fast.close();
    await once(fast, "close");
  });
});
