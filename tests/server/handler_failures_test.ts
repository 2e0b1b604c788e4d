// A handler object's failures and backpressure: a handler that throws or
// rejects ends its connection with 1011 (RFC 6455 §7.4.1) and goes to
// `onError` once, as a failing `websocket` function does; `close` still comes,
// once. `drain` comes when a send that went over `highWaterMark` has gone out.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, type ServeOptions, type Server, type WebSocketError } from "../../src/mod.ts";
import { rawClient, type RawSocket, upgradeRequest } from "../_helpers/raw_peer.ts";
import { closePayload, concat, frame, toHex } from "../_helpers/frames.ts";

const failure = new Error("the application failed (expected by the test)");

async function withServer(
  options: ServeOptions,
  run: (server: Server, reported: WebSocketError[]) => Promise<void>,
): Promise<void> {
  const reported: WebSocketError[] = [];
  const server = await serve({ hostname: "127.0.0.1", port: 0, onError: (error) => reported.push(error), ...options });
  try {
    await run(server, reported);
  } finally {
    await server.shutdown({ timeout: 0 });
  }
}

async function upgraded(port: number): Promise<RawSocket> {
  const peer = await rawClient(port);
  peer.write(upgradeRequest(port));
  assert.match(await peer.readHead(), /^HTTP\/1\.1 101 /);
  return peer;
}

// The server's first frame is a close with 1011; the peer answers it.
async function expect1011(peer: RawSocket): Promise<void> {
  const close = await peer.readFrame();
  assert.equal(close.opcode, 8);
  assert.equal(toHex(close.payload), toHex(closePayload(1011)));
  peer.write(frame({ opcode: 8, payload: closePayload(1011), mask: true }));
  await peer.waitEnd();
  peer.destroy();
}

function checkReport(error: WebSocketError, hook: string): void {
  assert.equal(error.code, "WS_ERR_HANDLER");
  assert.equal(error.cause, failure);
  assert.deepEqual(error.details, { hook });
  assert.ok(error.message.endsWith(`: the ${hook} handler failed: ${failure.message}`), error.message);
}

function closeWatch(): { codes: number[]; closed: Promise<void>; close: (code: number) => void } {
  let resolve!: () => void;
  const codes: number[] = [];
  return {
    codes,
    closed: new Promise<void>((done) => resolve = done),
    close: (code) => {
      codes.push(code);
      resolve();
    },
  };
}

describe("serve() with a handler object: failures", () => {
  for (const how of ["throws", "rejects"] as const) {
    const fail = how === "throws"
      ? () => {
        throw failure;
      }
      : () => Promise.reject(failure);

    it(`a message handler that ${how}: 1011 on the wire, onError once, close once, no later message`, async () => {
      const watch = closeWatch();
      let messages = 0;
      await withServer({
        websocket: {
          message: () => {
            messages++;
            return fail();
          },
          close: (_ws, code) => watch.close(code),
        },
      }, async (server, reported) => {
        const peer = await upgraded(server.address.port);
        // Two messages in one read: the second, behind the failure, is never handed over.
        peer.write(
          concat([frame({ opcode: 1, payload: "one", mask: true }), frame({ opcode: 1, payload: "two", mask: true })]),
        );
        await expect1011(peer);
        await watch.closed;
        assert.equal(reported.length, 1);
        checkReport(reported[0], "message");
        assert.equal(server.stats.handlerErrors, 1);
      });
      assert.equal(messages, 1);
      assert.deepEqual(watch.codes, [1011]);
    });

    it(`an open handler that ${how}: 1011 before any message is read`, async () => {
      const watch = closeWatch();
      let messages = 0;
      await withServer({
        websocket: { open: fail, message: () => void messages++, close: (_ws, code) => watch.close(code) },
      }, async (server, reported) => {
        const peer = await upgraded(server.address.port);
        await expect1011(peer);
        await watch.closed;
        assert.equal(reported.length, 1);
        checkReport(reported[0], "open");
      });
      assert.equal(messages, 0);
      assert.deepEqual(watch.codes, [1011]);
    });

    it(`a close handler that ${how}: onError once; the server serves on`, async () => {
      await withServer(
        { websocket: { close: fail, message: (ws, data) => ws.send(data) } },
        async (server, reported) => {
          const first = await upgraded(server.address.port);
          first.write(frame({ opcode: 8, payload: closePayload(1000), mask: true }));
          assert.equal(toHex((await first.readFrame()).payload), toHex(closePayload(1000)));
          await first.waitEnd();
          first.destroy();
          const second = await upgraded(server.address.port);
          second.write(frame({ opcode: 1, payload: "still serving", mask: true }));
          assert.equal(new TextDecoder().decode((await second.readFrame()).payload), "still serving");
          second.destroy();
          assert.equal(reported.length, 1);
          checkReport(reported[0], "close");
        },
      );
    });
  }
});

describe("serve() with a handler object: drain", () => {
  it("is called once a send over highWaterMark has gone out, not for sends under it", async () => {
    const big = new Uint8Array(256 * 1024).fill(7);
    const log: Array<[string, number]> = [];
    let drained!: () => void;
    const drainCalled = new Promise<void>((resolve) => drained = resolve);
    await withServer({
      highWaterMark: 64 * 1024,
      websocket: {
        message(ws, data) {
          ws.send(data === "big" ? big : "small");
          log.push([`sent ${data}`, ws.bufferedAmount]);
        },
        drain(ws) {
          log.push(["drain", ws.bufferedAmount]);
          drained();
        },
      },
    }, async (server) => {
      const peer = await upgraded(server.address.port);
      peer.write(frame({ opcode: 1, payload: "small", mask: true }));
      assert.equal(new TextDecoder().decode((await peer.readFrame()).payload), "small");
      peer.write(frame({ opcode: 1, payload: "big", mask: true }));
      const echoed = await peer.readFrame();
      assert.equal(echoed.payload.length, big.length);
      await drainCalled;
      peer.destroy();
    });
    assert.deepEqual(log, [["sent small", 5], ["sent big", big.length], ["drain", 0]]);
  });
});
