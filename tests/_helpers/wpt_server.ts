// Test helper, not a test: a server on 127.0.0.1 (ws: or wss:) that behaves
// like the endpoints the web-platform-tests `websockets/` suite connects to,
// written from what those endpoints are documented to do, on our own serve():
// - "/echo": accepts the subprotocol "echo" when offered (no other), never
//   agrees permessage-deflate, sends each message back with its type, and
//   after echoing the text "Goodbye" closes with 1000. Its answer to a client's
//   Close repeats the client's code and reason (none when the client gave none).
// - "/referrer": sends one text message: the request's Referer, or the
//   sentence "MISSING AS PER FETCH" when there is none.
// - "/echo-query": sends one text message: the request's query, as sent.
// - "/basic_auth": refuses the upgrade with 401 unless the request carries
//   Basic credentials for user "foo", password "bar".
import { serve, WebSocket, type WebSocketOptions } from "../../src/mod.ts";
import { selfSignedCert } from "./tls.ts";

/** A running stand-in for the WPT websockets server. */
export interface WptServer {
  /** wss: or ws:. */
  readonly secure: boolean;
  /** Its port. */
  readonly port: number;
  /** `ws(s)://127.0.0.1:port/path`, or with `http(s):` when `http` is set. */
  url(path?: string, http?: boolean): string;
  /** A WebSocket to `path` offering `protocols`, trusting the test CA on wss:. */
  open(path?: string, protocols?: string | string[]): WebSocket;
  /** What a client needs beyond the URL (the test CA on wss:). */
  readonly clientOptions: WebSocketOptions;
  /** Messages the server received, in order, per connection opened so far. */
  readonly received: Array<Array<string | Uint8Array>>;
  /** Close codes and reasons the server's sockets saw, in the order they closed. */
  readonly closes: Array<{ code: number; reason: string; wasClean: boolean }>;
  /** Resolves once the server's sockets have seen `count` closes (`closes` then holds them). */
  closed(count: number): Promise<void>;
  shutdown(): Promise<void>;
}

const GOODBYE = "Goodbye";
// Basic credentials foo:bar, as "/basic_auth" requires them.
const FOO_BAR = `Basic ${btoa("foo:bar")}`;

export async function wptServer(secure = false): Promise<WptServer> {
  const tls = secure ? selfSignedCert() : undefined;
  const received: Array<Array<string | Uint8Array>> = [];
  const closes: Array<{ code: number; reason: string; wasClean: boolean }> = [];
  let waiters: Array<() => void> = [];
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: tls && { cert: tls.cert, key: tls.key },
    perMessageDeflate: false,
    upgrade: ({ url, headers, protocols }) => {
      if (new URL(url).pathname === "/basic_auth" && headers.get("authorization") !== FOO_BAR) {
        return new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Basic realm="camelot"' } });
      }
      return protocols.includes("echo") ? { protocol: "echo" } : undefined;
    },
    websocket(ws) {
      const path = new URL(ws.request!.url).pathname;
      const log: Array<string | Uint8Array> = [];
      received.push(log);
      ws.binaryType = "arraybuffer";
      ws.addEventListener("close", (event) => {
        const { code, reason, wasClean } = event as CloseEvent;
        closes.push({ code, reason, wasClean });
        const woken = waiters;
        waiters = [];
        for (const wake of woken) wake();
      });
      if (path === "/echo-query") {
        ws.send(new URL(ws.request!.url).search.slice(1));
        return;
      }
      if (path === "/referrer") {
        ws.send(ws.request!.headers.get("referer") ?? "MISSING AS PER FETCH");
        return;
      }
      ws.addEventListener("message", (event) => {
        const data = (event as MessageEvent).data as string | ArrayBuffer;
        log.push(typeof data === "string" ? data : new Uint8Array(data));
        ws.send(data);
        if (data === GOODBYE) ws.close(1000);
      });
    },
  });
  const port = server.address.port;
  const clientOptions: WebSocketOptions = tls === undefined ? {} : { tls: { ca: tls.ca } };
  const url = (path = "/echo", http = false) =>
    `${http ? (secure ? "https" : "http") : (secure ? "wss" : "ws")}://127.0.0.1:${port}${path}`;
  return {
    secure,
    port,
    url,
    open(path = "/echo", protocols) {
      if (!secure) return protocols === undefined ? new WebSocket(url(path)) : new WebSocket(url(path), protocols);
      const options: WebSocketOptions = { ...clientOptions };
      if (protocols !== undefined) options.protocols = protocols;
      return new WebSocket(url(path), options);
    },
    clientOptions,
    received,
    closes,
    async closed(count) {
      while (closes.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    shutdown: () => server.shutdown({ timeout: 1000 }),
  };
}
