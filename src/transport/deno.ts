/**
 * The Deno adapter (`Deno.connect`, `Deno.connectTls`, `Deno.listen`,
 * `Deno.listenTls`). A busy connection reads straight into codec memory
 * (`conn.read(view)`); a quiet one, or one receiving bulk data, reads into a
 * buffer of its own (see `read_regions.ts`). Writes are queued behind
 * one write loop because `conn.write` is async and may write only part of a
 * buffer.
 *
 * @example
 * ```ts
 * import { denoNet } from "./deno.ts";
 * const transport = await denoNet.connect({ hostname: "127.0.0.1", port: 8080 });
 * transport.write(new TextEncoder().encode("hello"));
 * transport.end();
 * ```
 * @module
 */

import { warmAllocator } from "../bytes/allocator_warmup.ts";
import { framePool } from "../bytes/frame_pool.ts";
import { abortable } from "./abortable.ts";
import { connectThroughTunnel } from "./deno_tunnel.ts";
import { ReadRegions } from "./read_regions.ts";
import type { ConnectOptions, Listener, ListenOptions, RuntimeNet, Transport, TransportSink } from "./types.ts";

const HIGH_WATER_MARK = 64 * 1024;

class DenoTransport implements Transport {
  readonly capabilities = { lentBuffer: true };
  readonly #conn: Deno.Conn;
  #sink: TransportSink | undefined;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #writing = false;
  #ending = false;
  #paused = false;
  #reading = false;
  #closed = false;
  #needDrain = false;
  #readEnded = false;
  #writeEnded = false;
  readonly #regions = new ReadRegions();
  #corked = false;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
    // Deno's array buffers come from the C library's malloc: see allocator_warmup.ts.
    warmAllocator();
    // Small frames must not wait for Nagle's algorithm (TLS connections have no such switch here).
    if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
  }

  get remoteAddress() {
    const address = this.#conn.remoteAddr as Deno.NetAddr;
    return address.hostname === undefined ? undefined : { hostname: address.hostname, port: address.port };
  }

  get writableLength(): number {
    return this.#queued;
  }

  start(sink: TransportSink): void {
    this.#sink = sink;
    this.#readLoop();
  }

  write(bytes: Uint8Array): boolean {
    if (this.#closed || this.#ending) return false;
    this.#queue.push(bytes);
    this.#queued += bytes.length;
    // Each write op is an async round trip into the runtime: while corked, writes wait to share one.
    if (!this.#corked || this.#queued > HIGH_WATER_MARK) this.#writeLoop();
    if (this.#queued > HIGH_WATER_MARK) this.#needDrain = true;
    return !this.#needDrain;
  }

  cork(): void {
    this.#corked = true;
  }

  uncork(): void {
    this.#corked = false;
    if (this.#queue.length > 0) this.#writeLoop();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#readLoop();
  }

  end(): void {
    if (this.#ending || this.#closed) return;
    this.#ending = true;
    this.#writeLoop();
  }

  destroy(): void {
    this.#finish();
  }

  async #readLoop(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    const sink = this.#sink!;
    try {
      while (!this.#paused && !this.#closed) {
        const own = this.#regions.own();
        const region = own ?? sink.buffer();
        const n = await this.#conn.read(region);
        if (n === null) {
          this.#readEnded = true;
          sink.onPeerEnd();
          if (this.#writeEnded) this.#finish();
          break;
        }
        if (own === undefined) sink.onRead(n);
        else sink.onData(region.subarray(0, n));
        // After delivery: a bulk buffer given up here may be read into by another connection.
        this.#regions.landed(n);
      }
    } catch (error) {
      this.#finish(error as Error);
    } finally {
      this.#reading = false;
    }
  }

  async #writeLoop(): Promise<void> {
    if (this.#writing) return;
    this.#writing = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        // One write op for everything queued: each op is an async round trip into the runtime.
        const chunk = this.#queue.length === 1 ? this.#queue[0] : this.#gather();
        const n = await this.#conn.write(chunk);
        this.#queued -= n;
        if (n < chunk.length) {
          this.#queue[0] = chunk.subarray(n);
        } else {
          this.#queue.shift();
          framePool.give(chunk);
        }
      }
      // Every write here completes asynchronously, so the session hears each time the queue empties.
      if (!this.#closed && this.#queue.length === 0) {
        this.#needDrain = false;
        this.#sink?.onDrain();
      }
      if (this.#ending && !this.#writeEnded && !this.#closed) {
        await this.#conn.closeWrite();
        this.#writeEnded = true;
        // Closed once both directions have ended.
        if (this.#readEnded) this.#finish();
      }
    } catch (error) {
      this.#finish(error as Error);
    } finally {
      this.#writing = false;
    }
  }

  /**
   * Join the queued chunks (up to 1 MiB) into the queue's first entry: a
   * buffer lent by the frame pool, given back once written like any frame,
   * so a busy connection does not take in (and fault in) fresh memory per
   * write. A first chunk that the next would push past the limit goes as
   * it is, uncopied.
   */
  #gather(): Uint8Array {
    let count = 0;
    let size = 0;
    while (count < this.#queue.length && (count === 0 || size + this.#queue[count].length <= 1 << 20)) {
      size += this.#queue[count].length;
      count++;
    }
    if (count === 1) return this.#queue[0];
    const joined = framePool.take(size);
    let offset = 0;
    for (const chunk of this.#queue.splice(0, count, joined)) {
      joined.set(chunk, offset);
      offset += chunk.length;
      framePool.give(chunk);
    }
    return joined;
  }

  #finish(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the runtime.
    }
    this.#queue = [];
    this.#queued = 0;
    const sink = this.#sink;
    if (sink !== undefined) queueMicrotask(() => sink.onClosed(error));
  }
}

async function connect(options: ConnectOptions): Promise<Transport> {
  if (options.tunnel !== undefined) return connectThroughTunnel(options, (conn) => new DenoTransport(conn));
  const where = `${options.hostname}:${options.port}`;
  try {
    options.signal?.throwIfAborted();
    const tls = typeof options.tls === "object" ? options.tls : {};
    if (tls.rejectUnauthorized === false) {
      throw new Error("Deno cannot skip certificate verification; pass tls.ca with the server's certificate");
    }
    const pending: Promise<Deno.Conn> = options.tls
      ? Deno.connectTls({
        hostname: tls.servername ?? options.hostname,
        port: options.port,
        caCerts: tls.ca === undefined ? undefined : ([] as string[]).concat(tls.ca),
      })
      // The signal cancels a connect that is still pending, so nothing keeps the process alive.
      : Deno.connect({ hostname: options.hostname, port: options.port, signal: options.signal });
    const conn = await abortable(pending, options.signal, (late) => late.close());
    // A server that never finishes the TLS handshake must not outlast the signal either.
    if (options.tls) {
      await abortable((conn as Deno.TlsConn).handshake(), options.signal, () => {}).catch((error) => {
        conn.close();
        throw error;
      });
    }
    return new DenoTransport(conn);
  } catch (error) {
    throw new Error(`Cannot connect to ${where}: ${(error as Error).message}`, { cause: error });
  }
}

function listen(options: ListenOptions, onConnection: (transport: Transport) => void): Promise<Listener> {
  const hostname = options.hostname ?? "0.0.0.0";
  // `reusePort` is only passed when asked for: Deno exits the process on it without --unstable-net.
  const reuse = options.reusePort === true ? { reusePort: true } : {};
  const listener: Deno.Listener = options.tls
    ? Deno.listenTls({ hostname, port: options.port, cert: options.tls.cert, key: options.tls.key, ...reuse })
    : Deno.listen({ hostname, port: options.port, ...reuse });
  const done = (async () => {
    try {
      for await (const conn of listener) onConnection(new DenoTransport(conn));
    } catch {
      // The listener was closed.
    }
  })();
  const address = listener.addr as Deno.NetAddr;
  return Promise.resolve({
    address: { hostname: address.hostname, port: address.port },
    close: async () => {
      try {
        listener.close();
      } catch {
        // Already closed.
      }
      await done;
    },
  });
}

/**
 * Deno's networking for the session.
 *
 * @example
 * ```ts
 * const listener = await denoNet.listen({ hostname: "127.0.0.1", port: 0 }, (transport) => transport.destroy());
 * await listener.close();
 * ```
 */
export const denoNet: RuntimeNet = { connect, listen, tunnels: { tlsInTls: false } };
