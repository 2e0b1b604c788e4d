// The client's way to OPEN: bad headers, the abort signal and the handshake
// timeout, against a raw server or a listener that never accepts (a full
// backlog stalls the TCP connect itself).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer, type Socket } from "node:net";
import { WebSocket } from "../../src/mod.ts";
import { PYTHON, startPython } from "../_helpers/python.ts";
import { accept101, acceptFor, keyOf, rawServer } from "../_helpers/raw_peer.ts";

// A listener with a backlog of 0, already full: a connect to it neither succeeds nor fails for minutes.
const STALLED_LISTENER = `
import socket, time
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(0)
port = listener.getsockname()[1]
fillers = []
for _ in range(4):
    filler = socket.socket()
    filler.setblocking(False)
    try:
        filler.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fillers.append(filler)
time.sleep(0.2)
print(port, flush=True)
time.sleep(120)
`;

/** The close event, or a rejection after `ms` (a failing test must not hang). */
function closeWithin(ws: WebSocket, ms: number): Promise<CloseEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no close event within ${ms} ms`)), ms);
    ws.addEventListener("close", (event) => {
      clearTimeout(timer);
      resolve(event as CloseEvent);
    });
  });
}

function errorMessages(ws: WebSocket): string[] {
  const messages: string[] = [];
  ws.addEventListener(
    "error",
    (event) => messages.push(String((event as unknown as { error?: Error }).error?.message)),
  );
  return messages;
}

function errorCodes(ws: WebSocket): Array<string | undefined> {
  const codes: Array<string | undefined> = [];
  ws.addEventListener("error", (event) => codes.push((event as unknown as { error?: { code?: string } }).error?.code));
  return codes;
}

describe("headers option", () => {
  it("a reserved or bad name, or a value with CR/LF, throws TypeError from the constructor", () => {
    const bad: Array<Record<string, string>> = [{ "Sec-WebSocket-Key": "x" }, { Upgrade: "h2c" }, { "bad name": "x" }, {
      "X-A": "a\r\nInjected: 1",
    }];
    for (const headers of bad) {
      assert.throws(() => new WebSocket("ws://127.0.0.1:1", { headers }), TypeError, JSON.stringify(headers));
    }
  });
});

describe("signal option", () => {
  it("aborting inside an open listener terminates the connection (close 1006)", async () => {
    const server = await rawServer(async (peer) => {
      await accept101(peer);
      await peer.closed;
    });
    const abort = new AbortController();
    const ws = new WebSocket(server.url, { signal: abort.signal });
    ws.onopen = () => abort.abort();
    try {
      const close = await closeWithin(ws, 3000);
      assert.deepEqual([close.code, close.wasClean, ws.readyState], [1006, false, WebSocket.CLOSED]);
    } finally {
      await server.close();
    }
  });
});

describe("a TLS handshake that never finishes", () => {
  it("handshakeTimeout covers it: WS_ERR_HANDSHAKE_TIMEOUT, then close 1006", async () => {
    // The client's TLS hello is never answered.
    const silent = await silentServer();
    try {
      const port = silent.port;
      const ws = new WebSocket(`wss://localhost:${port}/`, { handshakeTimeout: 300 });
      const codes = errorCodes(ws);
      const messages = errorMessages(ws);
      const close = await closeWithin(ws, 3000);
      assert.deepEqual(codes, ["WS_ERR_HANDSHAKE_TIMEOUT"]);
      // Where the TLS handshake runs (inside the connect, or after it as on Bun), the message names TLS or the connect.
      assert.match(
        messages[0],
        new RegExp(
          `handshakeTimeout \\(300 ms\\) passed (while connecting to localhost:${port}|before the server completed TLS and answered the upgrade request)$`,
        ),
      );
      assert.deepEqual([close.code, close.wasClean], [1006, false]);
    } finally {
      await silent.close();
    }
  });
});

describe("a TCP connect that stalls", { skip: spawnSync(PYTHON, ["-c", ""]).status !== 0 && `no ${PYTHON}` }, () => {
  let stalled: { port: number; stop(): void };
  before(async () => stalled = await startPython(STALLED_LISTENER));
  after(() => stalled.stop());

  it("handshakeTimeout covers it: WS_ERR_HANDSHAKE_TIMEOUT, then close 1006", async () => {
    const started = Date.now();
    const ws = new WebSocket(`ws://127.0.0.1:${stalled.port}`, { handshakeTimeout: 300 });
    const codes = errorCodes(ws);
    const close = await closeWithin(ws, 3000);
    assert.deepEqual(codes, ["WS_ERR_HANDSHAKE_TIMEOUT"]);
    assert.deepEqual([close.code, close.wasClean], [1006, false]);
    assert.ok(Date.now() - started >= 250, "not before the timeout");
  });

  it("close() gives up at once: WS_ERR_ABORTED, then close 1006", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${stalled.port}`);
    const codes = errorCodes(ws);
    await new Promise((resolve) => setTimeout(resolve, 100));
    ws.close();
    const close = await closeWithin(ws, 2000);
    assert.deepEqual(codes, ["WS_ERR_ABORTED"]);
    assert.equal(close.code, 1006);
  });

  it("the abort signal gives up at once too", async () => {
    const abort = new AbortController();
    const ws = new WebSocket(`ws://127.0.0.1:${stalled.port}`, { signal: abort.signal });
    const codes = errorCodes(ws);
    await new Promise((resolve) => setTimeout(resolve, 100));
    abort.abort();
    const close = await closeWithin(ws, 2000);
    assert.deepEqual(codes, ["WS_ERR_ABORTED"]);
    assert.equal(close.code, 1006);
  });
});

describe("the handshake timeout's message says where the time went", () => {
  it("a server that accepts the connection and never answers the upgrade: before the server answered", async () => {
    const server = await rawServer(async (peer) => {
      await peer.readHead();
      await peer.closed;
    });
    try {
      const ws = new WebSocket(server.url, { handshakeTimeout: 300 });
      const codes = errorCodes(ws);
      const messages = errorMessages(ws);
      await closeWithin(ws, 3000);
      assert.deepEqual(codes, ["WS_ERR_HANDSHAKE_TIMEOUT"]);
      assert.match(
        messages[0],
        /^Cannot .*: handshakeTimeout \(300 ms\) passed before the server answered the upgrade/,
      );
    } finally {
      await server.close();
    }
  });

  it("a proxy that accepts the connection and never answers CONNECT: names the target and the proxy", async () => {
    const proxy = await silentServer();
    try {
      const port = proxy.port;
      const ws = new WebSocket("ws://127.0.0.1:8080/", { proxy: `http://127.0.0.1:${port}`, handshakeTimeout: 300 });
      const codes = errorCodes(ws);
      const messages = errorMessages(ws);
      await closeWithin(ws, 3000);
      assert.deepEqual(codes, ["WS_ERR_HANDSHAKE_TIMEOUT"]);
      assert.match(
        messages[0],
        new RegExp(
          `handshakeTimeout \\(300 ms\\) passed while connecting to 127\\.0\\.0\\.1:8080 through the proxy 127\\.0\\.0\\.1:${port}$`,
        ),
      );
    } finally {
      await proxy.close();
    }
  });
});

describe("onHandshakeHead option", () => {
  it("sees the request head exactly as the server read it, then the response head as sent (frames after it excluded)", async () => {
    const response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    let received = "";
    const server = await rawServer(async (peer) => {
      received = await peer.readHead();
      // The 101 and a first text frame ("hi") in one write: only the head is reported.
      const head = new TextEncoder().encode(
        `${response}Sec-WebSocket-Accept: ${acceptFor(keyOf(received))}\r\nX-Trace: 1\r\n\r\n`,
      );
      peer.write(new Uint8Array([...head, 0x81, 0x02, 0x68, 0x69]));
      await peer.closed;
    });
    const heads: Array<[string, string]> = [];
    const ws = new WebSocket(server.url, { onHandshakeHead: (direction, head) => heads.push([direction, head]) });
    try {
      const message = await new Promise<MessageEvent>((resolve, reject) => {
        ws.onmessage = resolve;
        ws.onclose = () => reject(new Error("closed before the first message"));
      });
      assert.equal(message.data, "hi");
      assert.equal(heads.length, 2);
      assert.deepEqual(heads[0], ["request", received]);
      assert.equal(heads[1][0], "response");
      assert.match(heads[1][1], /^HTTP\/1\.1 101 Switching Protocols\r\n[^]*X-Trace: 1\r\n\r\n$/);
    } finally {
      ws.terminate();
      await server.close();
    }
  });
});

// A TCP server that accepts and never says a word.
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const held: Socket[] = [];
  const server = createServer((socket) => {
    held.push(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const socket of held) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
