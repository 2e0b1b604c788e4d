// Test helper, not a test: our engine in one role, wired to a scripted raw
// peer in the other, so a conformance case is written once and run in both
// roles. The peer masks exactly when RFC 6455 says its role must (a test can
// override that), and everything the application sees is logged in order.
import { serve, type ServeOptions, WebSocket } from "../../src/mod.ts";
import { accept101, rawClient, rawServer, type RawSocket, upgradeRequest } from "./raw_peer.ts";
import { frame, type FrameSpec } from "./frames.ts";

/** The role of our engine (the raw peer plays the other). */
export type Role = "client" | "server";

export const ROLES: Role[] = ["client", "server"];

type Options = Pick<
  ServeOptions,
  "maxPayload" | "maxFragments" | "closeTimeout" | "highWaterMark" | "onBufferFull" | "perMessageDeflate"
>;

/** One connection: our WebSocket and the raw peer at the other end. */
export interface Pair {
  role: Role;
  ws: WebSocket;
  peer: RawSocket;
  /** The HTTP head the peer received (our client's request, or our server's 101). */
  head: string;
  /** What the application saw, in order: "message:text:…", "message:binary:<length>", "ping:<n>", "pong:<n>", "error:<WS_ERR_…>", "close:<code>:<clean>". */
  log: string[];
  /** Whole messages as delivered. */
  messages: Array<string | Uint8Array>;
  /** Resolves with the close event. */
  closed: Promise<CloseEvent>;
  /** Send a frame from the peer, masked as its role requires unless `spec.mask` says otherwise. */
  send(spec: FrameSpec): void;
  /** Read frames until a close frame: its code (1005 for none) and the frames skipped on the way. */
  readClose(timeout?: number): Promise<{ code: number; reason: Uint8Array; before: number[] }>;
}

/** Serves pairs in one role; `open()` may run concurrently. */
export interface Harness {
  open(): Promise<Pair>;
  close(): Promise<void>;
}

let nextId = 0;

/**
 * Start a harness for our engine in `role`. `extensions`: the raw peer's
 * `Sec-WebSocket-Extensions` (the 101's as a server, the request's as a client).
 */
export async function harness(role: Role, options: Options = {}, extensions?: string): Promise<Harness> {
  const extra = extensions === undefined ? "" : `Sec-WebSocket-Extensions: ${extensions}\r\n`;
  const heads = new Map<string, string>();
  const waiting = new Map<string, (value: RawSocket | WebSocket) => void>();
  const claim = (id: string) => new Promise<RawSocket | WebSocket>((resolve) => waiting.set(id, resolve));
  const hand = (id: string, value: RawSocket | WebSocket) => {
    waiting.get(id)?.(value);
    waiting.delete(id);
  };
  if (role === "client") {
    const server = await rawServer(async (peer) => {
      const head = await accept101(peer, extra);
      const id = /^GET \/(\S*)/.exec(head)?.[1] ?? "";
      heads.set(id, head);
      hand(id, peer);
    });
    return {
      async open() {
        const id = String(nextId++);
        const peer = claim(id);
        const ws = new WebSocket(`${server.url}/${id}`, options);
        const opened = new Promise((resolve) => ws.addEventListener("open", resolve, { once: true }));
        const pair = wire(role, ws, (await peer) as RawSocket, heads.get(id) ?? "");
        await opened;
        return pair;
      },
      close: () => server.close(),
    };
  }
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    ...options,
    websocket: (ws) => hand(new URL(ws.request!.url).pathname.slice(1), ws),
  });
  return {
    async open() {
      const id = String(nextId++);
      const ws = claim(id);
      const peer = await rawClient(server.address.port);
      peer.write(upgradeRequest(server.address.port, `/${id}`, extra));
      const head = await peer.readHead();
      return wire(role, (await ws) as WebSocket, peer, head);
    },
    close: () => server.shutdown({ timeout: 200 }),
  };
}

function wire(role: Role, ws: WebSocket, peer: RawSocket, head: string): Pair {
  ws.binaryType = "arraybuffer";
  const log: string[] = [];
  const messages: Array<string | Uint8Array> = [];
  ws.addEventListener("message", (event) => {
    const data = (event as MessageEvent).data;
    const message = typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer);
    messages.push(message);
    log.push(typeof message === "string" ? `message:text:${message}` : `message:binary:${message.length}`);
  });
  ws.addEventListener("ping", (event) => log.push(`ping:${(event as MessageEvent).data?.byteLength ?? 0}`));
  ws.addEventListener("pong", (event) => log.push(`pong:${(event as MessageEvent).data?.byteLength ?? 0}`));
  ws.addEventListener("error", (event) => {
    const error = (event as ErrorEvent).error as { code?: string } | undefined;
    log.push(`error:${error?.code ?? "?"}`);
  });
  const closed = new Promise<CloseEvent>((resolve) =>
    ws.addEventListener("close", (event) => {
      const close = event as CloseEvent;
      log.push(`close:${close.code}:${close.wasClean}`);
      resolve(close);
    })
  );
  const peerMasks = role === "server";
  return {
    role,
    ws,
    peer,
    head,
    log,
    messages,
    closed,
    send: (spec) => peer.write(frame({ ...spec, mask: spec.mask ?? peerMasks })),
    async readClose(timeout = 5000) {
      const before: number[] = [];
      for (;;) {
        const next = await peer.readFrame(timeout);
        if (next.opcode !== 8) {
          before.push(next.opcode);
          continue;
        }
        const code = next.payload.length >= 2 ? (next.payload[0] << 8) | next.payload[1] : 1005;
        return { code, reason: next.payload.subarray(2), before };
      }
    },
  };
}

/** Run `count` jobs with at most `width` at a time. */
export async function pool(count: number, width: number, job: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, count) }, async () => {
    while (next < count) await job(next++);
  });
  await Promise.all(lanes);
}

/** The peer ends TCP once our close frame arrives: our close code, and the close event. */
export async function finish(pair: Pair): Promise<{ code: number; reason: Uint8Array; event: CloseEvent }> {
  const reply = await pair.readClose();
  pair.peer.end();
  const event = await pair.closed;
  return { code: reply.code, reason: reply.reason, event };
}

/** Finish the connection and describe it in one line: "<our close code> <application log>". */
export async function outcome(pair: Pair): Promise<string> {
  const { code } = await finish(pair);
  return `${code} ${pair.log.join(" ")}`;
}

/** The outcome of a connection failed with `closeCode` for `error`. */
export function failedWith(closeCode: number, error: string, before: string[] = []): string {
  return [closeCode, ...before, `error:${error}`, "close:1006:false"].join(" ");
}

/** One connection in `role`: run `script` on it, then finish it; resolves with its {@link outcome}. */
export async function exchange(
  role: Role,
  script: (pair: Pair) => void | Promise<void>,
  options: Options = {},
): Promise<string> {
  const h = await harness(role, options);
  try {
    const pair = await h.open();
    await script(pair);
    return await outcome(pair);
  } finally {
    await h.close();
  }
}

/** We close with `code`; the peer answers and ends TCP: a clean close. */
export async function closeCleanly(pair: Pair, code = 1000): Promise<CloseEvent> {
  pair.ws.close(code);
  await pair.readClose();
  pair.send({ opcode: 8 });
  pair.peer.end();
  return await pair.closed;
}
