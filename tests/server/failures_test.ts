// An application hook that throws or rejects: the connection it was serving
// ends the way RFC 6455 §7.4.1 says (1011 once open; 500 before the 101),
// `onError` hears of it once with the peer's address, `stats` counts it, and
// the server serves the next connection.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type NetAddress, serve, type ServeOptions, type Server, WebSocketError } from "../../src/mod.ts";
import { exchange, rawClient, upgradeRequest } from "../_helpers/raw_peer.ts";
import { closePayload, frame, toHex } from "../_helpers/frames.ts";

interface Reported {
  error: WebSocketError;
  remote: NetAddress | undefined;
}

async function withServer(
  options: ServeOptions,
  run: (server: Server, reported: Reported[]) => Promise<void>,
): Promise<void> {
  const reported: Reported[] = [];
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    onError: (error, remote) => reported.push({ error, remote }),
    ...options,
  });
  try {
    await run(server, reported);
  } finally {
    await server.shutdown({ timeout: 0 });
  }
}

const failure = new Error("the application failed (expected by the test)");

// Upgrade, and expect the server's close frame with 1011 as the first frame.
async function expect1011(port: number): Promise<number> {
  const peer = await rawClient(port);
  const localPort = peer.socket.localPort!;
  assert.equal(typeof localPort, "number");
  peer.write(upgradeRequest(port));
  assert.match(await peer.readHead(), /^HTTP\/1\.1 101 /);
  const close = await peer.readFrame();
  assert.equal(close.opcode, 8);
  assert.equal(close.masked, false);
  assert.equal(toHex(close.payload), toHex(closePayload(1011)));
  peer.write(frame({ opcode: 8, payload: closePayload(1011), mask: true }));
  await peer.waitEnd();
  peer.destroy();
  return localPort;
}

// An upgrade the application refused by failing: 500, nothing upgraded.
async function expect500(port: number): Promise<void> {
  const answer = await exchange(port, upgradeRequest(port));
  assert.match(answer.head, /^HTTP\/1\.1 500 Internal Server Error\r\n/);
  assert.match(answer.head, /\r\nConnection: close\r\n/);
}

function checkReport(reported: Reported, hook: string, localPort?: number): void {
  assert.ok(reported.error instanceof WebSocketError);
  assert.equal(reported.error.code, "WS_ERR_HANDLER");
  assert.equal(reported.error.cause, failure);
  assert.deepEqual(reported.error.details, { hook });
  assert.equal(reported.remote?.hostname, "127.0.0.1");
  if (localPort !== undefined) {
    assert.equal(reported.remote?.port, localPort);
    const what = hook === "upgrade" ? "the upgrade hook" : `the ${hook} handler`;
    assert.equal(
      reported.error.message,
      `Cannot serve the connection from 127.0.0.1:${localPort}: ${what} failed: ${failure.message}`,
    );
  }
}

describe("serve(): application hooks that fail", () => {
  it("a websocket callback that throws: 1011 to that client, onError once, counted, the next client served", async () => {
    let calls = 0;
    const options: ServeOptions = {
      websocket(ws) {
        if (++calls === 1) throw failure;
        ws.addEventListener("message", (event) => ws.send(event.data));
      },
    };
    await withServer(options, async (server, reported) => {
      const port = await expect1011(server.address.port);
      assert.equal(reported.length, 1);
      checkReport(reported[0], "websocket", port);
      assert.deepEqual(server.stats, { handlerErrors: 1, refusedConnections: 0 });
      const peer = await rawClient(server.address.port);
      peer.write(upgradeRequest(server.address.port));
      assert.match(await peer.readHead(), /^HTTP\/1\.1 101 /);
      peer.write(frame({ opcode: 1, payload: "still serving", mask: true }));
      assert.equal(new TextDecoder().decode((await peer.readFrame()).payload), "still serving");
      peer.destroy();
      assert.equal(reported.length, 1);
    });
  });

  it("a websocket callback whose promise rejects: the same", async () => {
    await withServer({ websocket: () => Promise.reject(failure) }, async (server, reported) => {
      const port = await expect1011(server.address.port);
      assert.equal(reported.length, 1);
      checkReport(reported[0], "websocket", port);
      assert.equal(server.stats.handlerErrors, 1);
    });
  });

  it("an upgrade hook that throws: 500 (no 101 was sent), onError, counted", async () => {
    await withServer({
      upgrade: () => {
        throw failure;
      },
    }, async (server, reported) => {
      await expect500(server.address.port);
      assert.equal(reported.length, 1);
      checkReport(reported[0], "upgrade");
      assert.equal(server.stats.handlerErrors, 1);
    });
  });

  it("an upgrade hook that rejects: the same", async () => {
    let calls = 0;
    await withServer({ upgrade: () => ++calls === 1 ? Promise.reject(failure) : true }, async (server, reported) => {
      await expect500(server.address.port);
      assert.equal(reported.length, 1);
      checkReport(reported[0], "upgrade");
      const peer = await rawClient(server.address.port);
      peer.write(upgradeRequest(server.address.port));
      assert.match(await peer.readHead(), /^HTTP\/1\.1 101 /, "the next upgrade is accepted");
      peer.destroy();
      assert.deepEqual(server.stats, { handlerErrors: 1, refusedConnections: 0 });
    });
  });

  it("a fetch handler that throws: 500, onError, counted", async () => {
    await withServer({
      fetch: () => {
        throw failure;
      },
    }, async (server, reported) => {
      const answer = await exchange(server.address.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assert.match(answer.head, /^HTTP\/1\.1 500 /);
      assert.equal(reported.length, 1);
      checkReport(reported[0], "fetch");
      assert.equal(server.stats.handlerErrors, 1);
    });
  });

  it("without onError: logged once, the message naming the peer", async () => {
    const logged: unknown[][] = [];
    const log = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      await withServer({
        onError: undefined,
        websocket: () => {
          throw failure;
        },
      }, async (server) => {
        const port = await expect1011(server.address.port);
        assert.equal(logged.length, 1);
        const [error] = logged[0] as [WebSocketError];
        assert.equal(error.code, "WS_ERR_HANDLER");
        assert.match(error.message, new RegExp(`from 127\\.0\\.0\\.1:${port}: `));
        assert.equal(error.cause, failure);
      });
    } finally {
      console.error = log;
    }
  });

  it("an onError hook that throws is logged, and the server still serves", async () => {
    const logged: unknown[] = [];
    const log = console.error;
    console.error = (error: unknown) => logged.push(error);
    const hookFailure = new Error("onError failed (expected by the test)");
    try {
      await withServer({
        onError: () => {
          throw hookFailure;
        },
        websocket: () => {
          throw failure;
        },
      }, async (server) => {
        await expect1011(server.address.port);
        await expect1011(server.address.port);
        assert.deepEqual(logged, [hookFailure, hookFailure]);
        assert.equal(server.stats.handlerErrors, 2);
      });
    } finally {
      console.error = log;
    }
  });
});
