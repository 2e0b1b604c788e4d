// `wasmws connect`, run in this process with piped standard streams, against a server here that records what
// crossed the wire: each option, each exit status.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WebSocket } from "../../src/mod.ts";
import { echoServer, runMain } from "../_helpers/cli.ts";
import { selfSignedCert } from "../_helpers/tls.ts";

/** A server recording what each client sent and how it closed; `greet` runs on each new socket. */
async function recordingServer(greet: (ws: WebSocket) => void = () => {}) {
  const received: Array<string | number[]> = [];
  const closes: Array<[number, string]> = [];
  const requests: Array<{ headers: Headers; protocol: string; url: string }> = [];
  const server = await echoServer({
    websocket(ws, request) {
      requests.push({ headers: request.headers, protocol: ws.protocol, url: request.url });
      ws.binaryType = "arraybuffer";
      ws.addEventListener("message", (event) => {
        const data = event.data;
        received.push(typeof data === "string" ? data : [...new Uint8Array(data as ArrayBuffer)]);
        ws.send(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
      });
      ws.addEventListener("close", (event) => closes.push([event.code, event.reason]));
      greet(ws);
    },
  });
  return { server, received, closes, requests };
}

describe("connect, piped", () => {
  it("each input line is one message, each message one output line; the close is 1000 and the status 0", async () => {
    const { server, received, closes } = await recordingServer();
    try {
      const run = await runMain(["connect", server.url, "--max-messages", "3", "-w", "30"], 'one\r\n{"a": 1}\n\nlast');
      assert.deepEqual(received, ["one", '{"a": 1}', "", "last"].slice(0, received.length));
      assert.equal(run.stdout, 'one\n{"a": 1}\n\n');
      assert.equal(run.stderr, "");
      assert.equal(run.status, 0);
      await server.shutdown();
      assert.deepEqual(closes, [[1000, ""]]);
    } finally {
      await server.shutdown();
    }
  });

  it("--binary sends all of stdin as one binary message; binary messages print as hex, base64 or text (--show)", async () => {
    const { server, received } = await recordingServer();
    try {
      for (const [show, printed] of [["hex", "68690a7468657265"], ["base64", "aGkKdGhlcmU="], ["text", "hi\nthere"]]) {
        const run = await runMain(
          ["connect", server.url, "--binary", "--show", show, "--max-messages", "1"],
          "hi\nthere",
        );
        assert.equal(run.stdout, printed + "\n", show);
        assert.equal(run.status, 0);
      }
      assert.deepEqual(received[0], [...new TextEncoder().encode("hi\nthere")]);
    } finally {
      await server.shutdown();
    }
  });

  it("-x sends each message in order without reading stdin; -w waits for replies, then closes", async () => {
    const { server, received } = await recordingServer();
    try {
      const run = await runMain(["connect", server.url, "-x", "first", "-x", "second", "-w", "0.2"], "not sent\n");
      assert.deepEqual(received, ["first", "second"]);
      assert.equal(run.stdout, "first\nsecond\n");
      assert.equal(run.status, 0);
    } finally {
      await server.shutdown();
    }
  });

  it("a URL without a scheme is ws:// (host:port and host:port/path, as wscat takes them)", async () => {
    const { server, received, requests } = await recordingServer();
    const targets = [`127.0.0.1:${server.address.port}`, `127.0.0.1:${server.address.port}/room?x=1`];
    try {
      for (const target of targets) {
        const run = await runMain(["connect", target, "-x", target, "--max-messages", "1"]);
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stdout, `${target}\n`);
      }
      assert.deepEqual(received, targets);
      assert.deepEqual(requests.map(({ url }) => new URL(url).pathname + new URL(url).search), ["/", "/room?x=1"]);
    } finally {
      await server.shutdown();
    }
  });

  it("--max-messages N prints N messages and closes with --close CODE:REASON", async () => {
    const { server, closes } = await recordingServer((ws) => {
      for (const text of ["a", "b", "c", "d"]) ws.send(text);
    });
    try {
      const run = await runMain([
        "connect",
        server.url,
        "--max-messages",
        "2",
        "--close",
        "4001:had enough",
        "-w",
        "30",
      ]);
      assert.equal(run.stdout, "a\nb\n");
      assert.equal(run.status, 0);
      await server.shutdown();
      assert.deepEqual(closes, [[4001, "had enough"]]);
    } finally {
      await server.shutdown();
    }
  });

  it("-H (repeatable), --origin and -s (repeatable) go into the handshake", async () => {
    const { server, requests } = await recordingServer();
    try {
      const run = await runMain([
        "connect",
        server.url,
        "-H",
        "Authorization: Bearer t",
        "-H",
        "X-Two: 2",
        "--origin",
        "https://example.com",
        "-s",
        "chat.v2",
        "-s",
        "chat.v1",
        "-x",
        "hi",
        "--max-messages",
        "1",
        "--no-deflate",
      ]);
      assert.equal(run.status, 0, run.stderr);
      const { headers, protocol } = requests[0];
      assert.equal(headers.get("authorization"), "Bearer t");
      assert.equal(headers.get("x-two"), "2");
      assert.equal(headers.get("origin"), "https://example.com");
      assert.equal(headers.get("sec-websocket-protocol"), "chat.v2, chat.v1");
      assert.equal(protocol, "chat.v2");
      assert.equal(headers.get("sec-websocket-extensions"), null, "--no-deflate offers no permessage-deflate");
    } finally {
      await server.shutdown();
    }
  });

  it("--verbose prints the request and response heads on stderr, stdout keeps only messages", async () => {
    const { server } = await recordingServer();
    try {
      const run = await runMain(["connect", `${server.url}/path?q=1`, "-v", "-x", "m", "--max-messages", "1"]);
      assert.equal(run.stdout, "m\n");
      assert.match(run.stderr, /^> GET \/path\?q=1 HTTP\/1\.1\n> Host: 127\.0\.0\.1:\d+\n/);
      assert.match(run.stderr, /\n> Sec-WebSocket-Version: 13\n/);
      // Without --no-deflate the CLI offers permessage-deflate as a browser does.
      assert.match(run.stderr, /\n> Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\n/);
      assert.match(run.stderr, /\n< HTTP\/1\.1 101 Switching Protocols\n(< [^\n]+\n)*< Sec-WebSocket-Accept: \S+\n/);
      assert.match(run.stderr, /\nclosed 1000\n$/);
    } finally {
      await server.shutdown();
    }
  });

  it("--ping prints each pong's round trip (on stderr when piped)", async () => {
    // The server closes once it has answered a ping: the pong is on the wire before the close.
    const { server } = await recordingServer((ws) =>
      ws.addEventListener("ping", () => setTimeout(() => ws.close(1000)))
    );
    try {
      const run = await runMain(["connect", server.url, "--ping", "0.05", "-x", "x", "-w", "30"]);
      assert.match(run.stderr, /^pong: \d+\.\d\d ms round trip\n/);
      assert.equal(run.status, 0);
    } finally {
      await server.shutdown();
    }
  });
});

describe("connect exit status", () => {
  it("1 on a failed handshake, with the status line and the start of the body on stderr", async () => {
    const { server } = await recordingServer();
    const refusing = await echoServer({
      upgrade: () => new Response("no entry for you\n" + "x".repeat(2000), { status: 403 }),
    });
    try {
      const run = await runMain(["connect", refusing.url]);
      assert.equal(run.status, 1);
      assert.equal(run.stdout, "");
      const lines = run.stderr.split("\n");
      assert.match(lines[0], /^Cannot .*403/);
      assert.equal(lines[1], "HTTP/1.1 403 Forbidden");
      assert.equal(lines[2], "no entry for you");
      assert.equal(lines[3], "x".repeat(512 - 17) + "...");
    } finally {
      await refusing.shutdown();
      await server.shutdown();
    }
  });

  it("1 when nothing listens", async () => {
    const { server } = await recordingServer();
    const port = server.address.port;
    await server.shutdown();
    const run = await runMain(["connect", `ws://127.0.0.1:${port}`]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^Cannot .*connect/i);
  });

  it("1 when the connection drops without a closing handshake (1006)", async () => {
    const { server } = await recordingServer((ws) => ws.terminate());
    try {
      const run = await runMain(["connect", server.url, "-w", "30"]);
      assert.equal(run.status, 1);
      // Where the reset lands before the open event is dispatched (seen on Bun), the failure is reported as such.
      assert.match(run.stderr, /closed 1006 \(not cleanly\)|^Cannot continue the WebSocket connection: /);
    } finally {
      await server.shutdown();
    }
  });

  it("0 when the server closes cleanly, whatever the code; --exit-with-close-code gives the code modulo 256", async () => {
    const { server } = await recordingServer((ws) => ws.close(4002, "go away"));
    try {
      const plain = await runMain(["connect", server.url, "-w", "30"]);
      assert.equal(plain.status, 0);
      assert.match(plain.stderr, /^closed 4002 go away\n$/);
      const coded = await runMain(["connect", server.url, "-w", "30", "--exit-with-close-code"]);
      assert.equal(coded.status, 4002 % 256);
    } finally {
      await server.shutdown();
    }
  });
});

describe("connect over TLS", () => {
  it("--ca trusts a CA file; without it the certificate is refused (1); --insecure accepts it (not on Deno)", async () => {
    const { cert, key, ca } = selfSignedCert();
    const dir = mkdtempSync(join(tmpdir(), "wasmws-cli-"));
    writeFileSync(join(dir, "ca.pem"), ca);
    const server = await echoServer({ tls: { cert, key } });
    const url = `wss://127.0.0.1:${server.address.port}`;
    try {
      const trusted = await runMain(["connect", url, "--ca", join(dir, "ca.pem"), "-x", "tls", "--max-messages", "1"]);
      assert.deepEqual([trusted.status, trusted.stdout], [0, "tls\n"], trusted.stderr);
      const refused = await runMain(["connect", url, "-x", "tls", "--max-messages", "1"]);
      assert.equal(refused.status, 1);
      const insecure = await runMain(["connect", url, "-k", "-x", "tls", "--max-messages", "1"]);
      // Deno's TLS cannot skip verification: the library says so rather than pretend.
      if ("Deno" in globalThis) assert.match(insecure.stderr, /Deno cannot skip certificate verification/);
      else assert.deepEqual([insecure.status, insecure.stdout], [0, "tls\n"], insecure.stderr);
    } finally {
      await server.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
