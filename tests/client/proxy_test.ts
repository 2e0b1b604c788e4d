// Through a real proxy: Debian's tinyproxy (with and without Basic auth) for
// ws: and wss:, and an https: proxy (a TLS front before tinyproxy). The
// proxy's log proves the CONNECT went through it; refusals carry the
// proxy's status and headers, never its credentials.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect as tcpConnect } from "node:net";
import { hostname } from "node:os";
import process from "node:process";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import { serve, type Server, WebSocket, WebSocketError } from "../../src/mod.ts";
import { runtimeName } from "../../src/transport/select.ts";
import { freePort, startTinyproxy, type Tinyproxy } from "../_helpers/tinyproxy.ts";
import { selfSignedCert } from "../_helpers/tls.ts";

const USER = "wasmws";
const PASSWORD = "s3cretPw";

interface Outcome {
  echoed?: string;
  error?: WebSocketError;
  messages: string[];
}

/** Open `url`, send "hello", wait for the echo or the failure; close. */
function echoOnce(url: string, options: ConstructorParameters<typeof WebSocket>[1]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no outcome for ${url} within 15 s`)), 15_000);
    const ws = new WebSocket(url, options);
    const outcome: Outcome = { messages: [] };
    ws.onopen = () => ws.send("hello");
    ws.onmessage = (event) => {
      outcome.echoed = event.data as string;
      ws.close();
    };
    ws.onerror = (event) => {
      const error = (event as ErrorEvent).error as WebSocketError;
      outcome.error = error;
      outcome.messages.push((event as ErrorEvent).message, error.message, String(error.stack));
    };
    ws.onclose = (event) => {
      clearTimeout(timer);
      outcome.messages.push(event.reason);
      resolve(outcome);
    };
  });
}

const echo = (ws: WebSocket) => ws.addEventListener("message", (event) => ws.send((event as MessageEvent).data));

describe("through tinyproxy", () => {
  const { cert, key, ca } = selfSignedCert();
  let open: Tinyproxy;
  let guarded: Tinyproxy;
  let plain: Server<unknown>;
  let secure: Server<unknown>;
  let front: TlsServer;
  let frontPort = 0;
  const frontSockets = new Set<{ destroy(): void }>();

  before(async () => {
    open = await startTinyproxy();
    guarded = await startTinyproxy({ user: USER, password: PASSWORD });
    plain = await serve({ hostname: "127.0.0.1", port: 0, websocket: echo });
    secure = await serve({ hostname: "127.0.0.1", port: 0, tls: { cert, key }, websocket: echo });
    // An https: proxy: TLS to this front, which hands the plain bytes to tinyproxy.
    front = createTlsServer({ cert, key }, (socket) => {
      frontSockets.add(socket);
      socket.on("close", () => frontSockets.delete(socket));
      const upstream = tcpConnect(open.port, "127.0.0.1");
      socket.pipe(upstream).pipe(socket);
      socket.on("error", () => upstream.destroy());
      upstream.on("error", () => socket.destroy());
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    frontPort = (front.address() as { port: number }).port;
  });

  after(async () => {
    await Promise.all([open?.stop(), guarded?.stop()]);
    await Promise.all([plain?.shutdown({ timeout: 1000 }), secure?.shutdown({ timeout: 1000 })]);
    for (const socket of frontSockets) socket.destroy();
    await new Promise((resolve) => front ? front.close(resolve) : resolve(undefined));
  });

  it("ws: opens through CONNECT and echoes", async () => {
    const target = `127.0.0.1:${plain.address.port}`;
    const outcome = await echoOnce(`ws://${target}/`, { proxy: `http://127.0.0.1:${open.port}` });
    assert.equal(outcome.error, undefined, outcome.error?.message);
    assert.equal(outcome.echoed, "hello");
    assert.match(open.log(), new RegExp(`CONNECT ${target.replaceAll(".", "\\.")} HTTP/1\\.1`));
  });

  it("wss: runs TLS to the target inside the tunnel (the target's name is checked)", async () => {
    const target = `localhost:${secure.address.port}`;
    const outcome = await echoOnce(`wss://${target}/`, { proxy: `http://127.0.0.1:${open.port}`, tls: { ca } });
    assert.equal(outcome.error, undefined, outcome.error?.message);
    assert.equal(outcome.echoed, "hello");
    assert.match(open.log(), new RegExp(`CONNECT ${target} HTTP/1\\.1`));
    // The certificate names localhost and 127.0.0.1 only: a name it does not hold fails the TLS handshake.
    const wrongName = await echoOnce(`wss://${target}/`, {
      proxy: `http://127.0.0.1:${open.port}`,
      tls: { ca, servername: "wrong.example" },
    });
    assert.equal(wrongName.error?.code, "WS_ERR_CONNECT");
    assert.equal(wrongName.echoed, undefined);
  });

  it("with Basic credentials from the proxy URL, ws: and wss: open", async () => {
    const proxy = `http://${USER}:${PASSWORD}@127.0.0.1:${guarded.port}`;
    const ws = await echoOnce(`ws://127.0.0.1:${plain.address.port}/`, { proxy });
    assert.equal(ws.echoed, "hello", ws.error?.message);
    const wss = await echoOnce(`wss://localhost:${secure.address.port}/`, { proxy, tls: { ca } });
    assert.equal(wss.echoed, "hello", wss.error?.message);
  });

  it("a refusal (407, 401) fails with WS_ERR_PROXY_REFUSED, the proxy's status and headers, no credentials", async () => {
    // tinyproxy asks for credentials with 407 and refuses wrong ones with 401.
    const cases: Array<[string, number]> = [
      [`http://127.0.0.1:${guarded.port}`, 407],
      [`http://${USER}:wrongPw1@127.0.0.1:${guarded.port}`, 401],
    ];
    for (const [proxy, status] of cases) {
      const outcome = await echoOnce(`ws://127.0.0.1:${plain.address.port}/`, { proxy });
      const error = outcome.error!;
      assert.ok(error instanceof WebSocketError, "a WebSocketError");
      assert.equal(error.code, "WS_ERR_PROXY_REFUSED");
      assert.equal(error.details?.status, status);
      assert.equal((error.details?.headers as Headers).get("server"), "tinyproxy/1.11.1");
      const text = outcome.messages.join("\n") + JSON.stringify(error.details);
      for (const secret of ["wrongPw1", btoa(`${USER}:wrongPw1`), PASSWORD]) assert.ok(!text.includes(secret), secret);
    }
  });

  it("a proxy that cannot reach the target answers 5xx: WS_ERR_PROXY_REFUSED with that status", async () => {
    // A port nothing listens on (not one Fetch blocks: that fails before the proxy is asked).
    const outcome = await echoOnce(`ws://127.0.0.1:${await freePort()}/`, { proxy: `http://127.0.0.1:${open.port}` });
    assert.equal(outcome.error?.code, "WS_ERR_PROXY_REFUSED");
    assert.ok(Number(outcome.error?.details?.status) >= 500, String(outcome.error?.details?.status));
  });

  it("proxy: false goes direct, and a bad proxy URL throws a TypeError that does not repeat it", async () => {
    const direct = await echoOnce(`ws://127.0.0.1:${plain.address.port}/`, { proxy: false });
    assert.equal(direct.echoed, "hello");
    assert.throws(
      () => new WebSocket("ws://127.0.0.1:1/", { proxy: "socks5://u:hunter2@127.0.0.1:1" }),
      (error: Error) => error instanceof TypeError && !error.message.includes("hunter2"),
    );
  });

  it("by default, http_proxy from the environment (and no_proxy exempts a host)", async () => {
    // This machine's own name: not a loopback name, so the environment applies (it must resolve for tinyproxy).
    const anywhere = await serve({ hostname: "0.0.0.0", port: 0, websocket: echo });
    const names = ["http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"];
    const saved = names.map((name) => process.env[name]);
    try {
      for (const name of names) delete process.env[name];
      process.env.http_proxy = `http://127.0.0.1:${open.port}`;
      const target = `${hostname()}:${anywhere.address.port}`;
      const through = await echoOnce(`ws://${target}/`, {});
      assert.equal(through.echoed, "hello", through.error?.message);
      const connects = () => open.log().split(`CONNECT ${target} HTTP/1.1`).length - 1;
      assert.equal(connects(), 1);
      process.env.NO_PROXY = hostname();
      const direct = await echoOnce(`ws://${target}/`, {});
      assert.equal(direct.echoed, "hello", direct.error?.message);
      assert.equal(connects(), 1, "no_proxy: no second CONNECT");
    } finally {
      names.forEach((name, i) => saved[i] === undefined ? delete process.env[name] : process.env[name] = saved[i]);
      await anywhere.shutdown({ timeout: 1000 });
    }
  });

  it("a proxy nobody listens on fails with WS_ERR_CONNECT naming the proxy, not its credentials", async () => {
    const port = await freePort();
    const down = await echoOnce(`ws://127.0.0.1:${plain.address.port}/`, {
      proxy: `http://u:hunter2@127.0.0.1:${port}`,
    });
    assert.equal(down.error?.code, "WS_ERR_CONNECT");
    assert.match(down.error!.message, new RegExp(`^Cannot .*the proxy 127\\.0\\.0\\.1:${port}`));
    assert.ok(!down.messages.some((text) => text.includes("hunter2")), "no credentials in any message");
  });

  it("an abort while the proxy has not answered fails with WS_ERR_ABORTED", async () => {
    // A "proxy" that accepts and never answers.
    const { createServer } = await import("node:net");
    const held: Array<{ destroy(): void }> = [];
    const mute = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => mute.listen(0, "127.0.0.1", resolve));
    try {
      const abort = new AbortController();
      const port = (mute.address() as { port: number }).port;
      const pending = echoOnce(`wss://localhost:${secure.address.port}/`, {
        proxy: `http://127.0.0.1:${port}`,
        tls: { ca },
        signal: abort.signal,
      });
      while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      abort.abort();
      assert.equal((await pending).error?.code, "WS_ERR_ABORTED");
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => mute.close(resolve));
    }
  });

  it("an https: proxy: ws: through it everywhere; wss: inside it where the runtime layers TLS in TLS", async () => {
    const proxy = `https://localhost:${frontPort}`;
    const ws = await echoOnce(`ws://127.0.0.1:${plain.address.port}/`, { proxy, tls: { ca } });
    assert.equal(ws.echoed, "hello", ws.error?.message);
    const wss = await echoOnce(`wss://localhost:${secure.address.port}/`, { proxy, tls: { ca } });
    // Deno.startTls takes only a TCP connection; Bun's upgradeTLS returns nothing on a TLS socket.
    if (runtimeName() !== "node") {
      assert.equal(wss.error?.code, "WS_ERR_PROXY_UNSUPPORTED");
    } else {
      assert.equal(wss.echoed, "hello", wss.error?.message);
    }
  });
});
