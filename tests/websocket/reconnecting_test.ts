// ReconnectingWebSocket against a server that drops connections when told
// to, with a fake clock: the waits are read off the clock, never slept.
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ReconnectingWebSocket, serve, type Server, type WebSocketError } from "../../src/mod.ts";

/** A clock whose timers run only when the test says so. */
class FakeClock {
  readonly waits: number[] = [];
  #pending = new Map<number, () => void>();
  #next = 1;
  random = () => 0;
  /** Virtual milliseconds: moved only by the test. */
  time = 0;
  now = () => this.time;
  setTimeout = (run: () => void, ms: number) => {
    this.waits.push(ms);
    this.#pending.set(this.#next, run);
    return this.#next++;
  };
  clearTimeout = (id: unknown) => void this.#pending.delete(id as number);
  get pending(): number {
    return this.#pending.size;
  }
  /** Run every timer that is due (all of them: time jumps ahead). */
  tick(): void {
    const due = [...this.#pending.values()];
    this.#pending.clear();
    for (const run of due) run();
  }
}

/** The next event of `type`, or a rejection after 10 s (a failing test must not hang). */
function next<T = Event>(target: EventTarget, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within 10 s`)), 10_000);
    target.addEventListener(type, (event) => {
      clearTimeout(timer);
      resolve(event as T);
    }, { once: true });
  });
}

type Close = CloseEvent & { willReconnect: boolean };
type Reconnect = Event & { attempt: number; delay: number; code: number };

describe("ReconnectingWebSocket", () => {
  let server: Server;
  let connections = 0;
  const received: string[] = [];
  const urls: string[] = [];
  const auth: Array<string | null> = [];

  before(async () => {
    server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      websocket: (ws) => {
        const n = ++connections;
        urls.push(ws.request!.url);
        auth.push(ws.request!.headers.get("authorization"));
        ws.binaryType = "arraybuffer";
        ws.addEventListener("message", (event) => {
          const raw = (event as MessageEvent).data;
          const data = typeof raw === "string" ? raw : `bin:${new TextDecoder().decode(raw)}`;
          received.push(`${n}:${data}`);
          if (data === "drop") ws.terminate();
          else if (data === "bye") ws.close(1000, "done");
          else if (data === "away") ws.close(4000, "restarting");
          else ws.send(raw);
        });
      },
    });
  });
  after(() => server.shutdown({ timeout: 1000 }));
  beforeEach(() => {
    connections = 0;
    received.length = 0;
    urls.length = 0;
    auth.length = 0;
  });

  const url = () => `ws://127.0.0.1:${server.address.port}/feed`;

  it("an abnormal drop reconnects after the backoff; messages sent meanwhile go out first, in order", async () => {
    const clock = new FakeClock();
    const ws = new ReconnectingWebSocket(url(), { clock, minDelay: 200 });
    await next(ws, "open");
    assert.equal(ws.readyState, 1);
    ws.send("drop");
    const close = await next<Close>(ws, "close");
    assert.equal(close.code, 1006);
    assert.equal(close.willReconnect, true);
    assert.equal(ws.readyState, 0);
    assert.deepEqual(clock.waits, [200]);
    ws.send("a");
    ws.send(new Uint8Array([98])); // "b"
    ws.send("c");
    assert.equal(ws.bufferedAmount, 3);
    const opened = next(ws, "open");
    clock.tick();
    await opened;
    const echoes: string[] = [];
    ws.binaryType = "arraybuffer";
    ws.onmessage = (event) => echoes.push(typeof event.data === "string" ? event.data : "bin");
    for (let i = 0; i < 50 && echoes.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(received, ["1:drop", "2:a", "2:bin:b", "2:c"]);
    assert.deepEqual(echoes, ["a", "bin", "c"]);
    ws.close();
    const final = await next<Close>(ws, "close");
    assert.equal(final.willReconnect, false);
    assert.equal(ws.readyState, 3);
    assert.equal(clock.pending, 0);
  });

  it("a close with 1000 from the server does not reconnect; another code (4000) does", async () => {
    const clock = new FakeClock();
    const ws = new ReconnectingWebSocket(url(), { clock });
    await next(ws, "open");
    ws.send("away");
    const away = await next<Close>(ws, "close");
    assert.equal(away.code, 4000);
    assert.equal(away.willReconnect, true);
    const opened = next(ws, "open");
    clock.tick();
    await opened;
    ws.send("bye");
    const bye = await next<Close>(ws, "close");
    assert.equal(bye.code, 1000);
    assert.equal(bye.willReconnect, false);
    assert.equal(ws.readyState, 3);
    assert.equal(clock.pending, 0);
    assert.equal(connections, 2);
  });

  it("close() while waiting to reconnect cancels the attempt", async () => {
    const clock = new FakeClock();
    const ws = new ReconnectingWebSocket(url(), { clock });
    await next(ws, "open");
    ws.send("drop");
    await next(ws, "close");
    assert.equal(clock.pending, 1);
    const closing = next<Close>(ws, "close");
    ws.close();
    assert.equal((await closing).willReconnect, false);
    assert.equal(clock.pending, 0);
    assert.equal(ws.readyState, 3);
    ws.send("dropped"); // counted, not sent, as WebSocket does after close
    assert.equal(ws.bufferedAmount, 7);
  });

  it("close() with no connection under way fires close in a later task, as WebSocket does, not inside close()", async () => {
    // WHATWG: close() only starts closing; the close event is queued. Both the
    // first connection (not yet started) and a wait between attempts.
    const clock = new FakeClock();
    const fresh = new ReconnectingWebSocket("ws://127.0.0.1:1/", { clock });
    const seen: string[] = [];
    fresh.addEventListener("close", () => seen.push("close"));
    const closed = next<Close>(fresh, "close");
    fresh.close();
    assert.deepEqual(seen, []);
    assert.equal(fresh.readyState, 2);
    const event = await closed;
    assert.equal(event.code, 1006);
    assert.equal(event.willReconnect, false);
    assert.equal(fresh.readyState, 3);

    const waiting = new ReconnectingWebSocket(url(), { clock });
    await next(waiting, "open");
    waiting.send("drop");
    await next(waiting, "close");
    const closing = next<Close>(waiting, "close");
    let during = 0;
    waiting.addEventListener("close", () => during++, { once: true });
    waiting.close();
    assert.equal(during, 0);
    assert.equal((await closing).willReconnect, false);
    assert.equal(clock.pending, 0);
  });

  it("waits grow by the factor up to maxDelay; after maxAttempts failures in a row it gives up", async () => {
    const clock = new FakeClock();
    const reconnects: number[] = [];
    // A port nobody listens on: every attempt fails to connect.
    const ws = new ReconnectingWebSocket("ws://127.0.0.1:1/", {
      clock,
      minDelay: 100,
      factor: 2,
      maxDelay: 500,
      maxAttempts: 4,
    });
    ws.addEventListener("reconnect", (event) => reconnects.push((event as Reconnect).attempt));
    for (let attempt = 1; attempt <= 4; attempt++) {
      const close = await next<Close>(ws, "close");
      assert.equal(close.willReconnect, true);
      assert.equal(ws.readyState, 0);
      clock.tick();
    }
    const last = await next<Close>(ws, "close");
    assert.equal(last.willReconnect, false);
    assert.equal(ws.readyState, 3);
    assert.deepEqual(clock.waits, [100, 200, 400, 500]);
    assert.deepEqual(reconnects, [1, 2, 3, 4]);
  });

  it("a connection dropped before minUptime counts as a failure: the backoff keeps growing, maxAttempts applies", async () => {
    // A server that accepts and drops at once must not be retried in a tight loop (reconnecting-websocket's minUptime).
    const clock = new FakeClock();
    const reconnects: number[] = [];
    const ws = new ReconnectingWebSocket(url(), { clock, minDelay: 100, factor: 2, minUptime: 1000, maxAttempts: 3 });
    ws.addEventListener("reconnect", (event) => reconnects.push((event as Reconnect).attempt));
    for (let round = 1; round <= 3; round++) {
      await next(ws, "open");
      clock.time += 999; // up, but not for minUptime
      ws.send("drop");
      assert.equal((await next<Close>(ws, "close")).willReconnect, true);
      clock.tick();
    }
    await next(ws, "open");
    ws.send("drop");
    const last = await next<Close>(ws, "close");
    assert.equal(last.willReconnect, false, "the fourth drop in a row is past maxAttempts");
    assert.deepEqual(reconnects, [1, 2, 3]);
    assert.deepEqual(clock.waits, [100, 200, 400]);
    assert.equal(ws.readyState, 3);
  });

  it("a connection that lasted minUptime starts the count and the backoff over", async () => {
    const clock = new FakeClock();
    const reconnects: number[] = [];
    const ws = new ReconnectingWebSocket(url(), { clock, minDelay: 100, factor: 2, minUptime: 1000 });
    ws.addEventListener("reconnect", (event) => reconnects.push((event as Reconnect).attempt));
    await next(ws, "open");
    ws.send("drop");
    await next(ws, "close");
    clock.tick();
    await next(ws, "open");
    clock.time += 1000; // this one stays up long enough
    ws.send("drop");
    await next(ws, "close");
    assert.deepEqual(reconnects, [1, 1]);
    assert.deepEqual(clock.waits, [100, 100]);
    ws.close();
    await next(ws, "close");
  });

  it("the signal ends it for good: aborted while open (1006) or while waiting, no reconnection follows", async () => {
    const clock = new FakeClock();
    const abort = new AbortController();
    const ws = new ReconnectingWebSocket(url(), { clock, signal: abort.signal });
    let reconnects = 0;
    ws.addEventListener("reconnect", () => reconnects++);
    await next(ws, "open");
    const closing = next<Close>(ws, "close");
    abort.abort();
    const close = await closing;
    assert.equal(close.code, 1006);
    assert.equal(close.willReconnect, false);
    assert.equal(ws.readyState, 3);
    assert.equal(reconnects, 0);
    assert.equal(clock.pending, 0);

    const later = new AbortController();
    const waiting = new ReconnectingWebSocket(url(), { clock, signal: later.signal });
    await next(waiting, "open");
    waiting.send("drop");
    assert.equal((await next<Close>(waiting, "close")).willReconnect, true);
    assert.equal(clock.pending, 1);
    const stopped = next<Close>(waiting, "close");
    later.abort();
    assert.equal((await stopped).willReconnect, false);
    assert.equal(clock.pending, 0);
    assert.equal(waiting.readyState, 3);
  });

  it("reconnect(code, reason) closes with them and connects again at once; after close() it starts again too", async () => {
    const clock = new FakeClock();
    const ws = new ReconnectingWebSocket(url(), { clock, minDelay: 200 });
    const reconnects: Reconnect[] = [];
    ws.addEventListener("reconnect", (event) => reconnects.push(event as Reconnect));
    await next(ws, "open");
    ws.reconnect(4000, "fresh token");
    const close = await next<Close>(ws, "close");
    assert.deepEqual([close.code, close.reason, close.wasClean, close.willReconnect], [
      4000,
      "fresh token",
      true,
      true,
    ]);
    assert.deepEqual(reconnects.map((event) => [event.attempt, event.delay]), [[1, 0]]);
    assert.equal(ws.readyState, 0);
    const opened = next(ws, "open");
    clock.tick();
    await opened;
    assert.equal(connections, 2);

    ws.close();
    assert.equal((await next<Close>(ws, "close")).willReconnect, false);
    assert.equal(ws.readyState, 3);
    const again = next(ws, "open");
    ws.reconnect();
    assert.equal(ws.readyState, 0);
    await again;
    assert.equal(connections, 3);
    assert.throws(() => ws.reconnect(1001), (error: Error) => error.name === "InvalidAccessError");
    ws.close();
    await next(ws, "close");
    assert.equal(clock.pending, 0);
  });

  it("sends beyond the queue bound throw WS_ERR_RECONNECT_QUEUE_FULL", () => {
    const clock = new FakeClock();
    const ws = new ReconnectingWebSocket("ws://127.0.0.1:1/", { clock, maxQueuedMessages: 2, maxQueuedBytes: 10 });
    ws.send("1");
    ws.send("2");
    assert.throws(() => ws.send("3"), (e: WebSocketError) => e.code === "WS_ERR_RECONNECT_QUEUE_FULL");
    const bytes = new ReconnectingWebSocket("ws://127.0.0.1:1/", { clock, maxQueuedBytes: 10 });
    bytes.send("12345678");
    assert.throws(() => bytes.send("123"), (e: WebSocketError) => e.code === "WS_ERR_RECONNECT_QUEUE_FULL");
    ws.close();
    bytes.close();
  });

  it("takes its options third, after the protocols, as reconnecting-websocket and ws do", async () => {
    const clock = new FakeClock();
    const ws = new ReconnectingWebSocket(url(), [], { clock, headers: { Authorization: "Bearer third" } });
    await next(ws, "open");
    assert.deepEqual(auth, ["Bearer third"]);
    ws.send("drop");
    await next(ws, "close");
    const opened = next(ws, "open");
    clock.tick(); // the options' clock, not the system's, schedules the attempt
    await opened;
    assert.deepEqual(auth, ["Bearer third", "Bearer third"]);
    ws.close();
    await next(ws, "close");
  });

  it("beforeConnect refreshes the URL and headers before every attempt", async () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const ws = new ReconnectingWebSocket(url(), {
      clock,
      beforeConnect: async ({ attempt }) => {
        seen.push(attempt);
        await Promise.resolve();
        return { url: `${url()}?token=t${connections}`, headers: { Authorization: `Bearer t${connections}` } };
      },
    });
    await next(ws, "open");
    assert.match(ws.url, /\?token=t0$/);
    ws.send("drop");
    await next(ws, "close");
    const opened = next(ws, "open");
    clock.tick();
    await opened;
    assert.deepEqual(seen, [0, 1]);
    assert.deepEqual(urls.map((u) => new URL(u).search), ["?token=t0", "?token=t1"]);
    assert.deepEqual(auth, ["Bearer t0", "Bearer t1"]);
    ws.close();
    await next(ws, "close");
  });
});
