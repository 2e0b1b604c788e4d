/**
 * The workerd (Cloudflare Workers) adapter over `connect()` from
 * `cloudflare:sockets`: a readable and a writable stream. workerd has no
 * listening sockets, so only the client side exists here.
 *
 * @example
 * ```ts
 * import { workerdNet } from "./workerd.ts";
 * const transport = await workerdNet.connect({ hostname: "example.com", port: 443, tls: true });
 * ```
 * @module
 */

import type { ConnectOptions, Listener, RuntimeNet, Transport, TransportSink } from "./types.ts";

// The shape of `cloudflare:sockets`, declared here because only workerd has the module.
interface WorkerdSocket {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
  opened: Promise<unknown>;
  closed: Promise<void>;
  close(): Promise<void>;
}
type Connect = (
  address: { hostname: string; port: number },
  options: { secureTransport: "on" | "off"; allowHalfOpen: boolean },
) => WorkerdSocket;

class WorkerdTransport implements Transport {
  readonly capabilities = { lentBuffer: false };
  readonly remoteAddress;
  readonly #socket: WorkerdSocket;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  #queued = 0;
  #closed = false;
  #ending = false;
  #readEnded = false;
  #writeEnded = false;
  #sink: TransportSink | undefined;
  #paused = false;
  #resume: (() => void) | undefined;

  constructor(socket: WorkerdSocket, hostname: string, port: number) {
    this.#socket = socket;
    this.#writer = socket.writable.getWriter();
    this.remoteAddress = { hostname, port };
  }

  get writableLength(): number {
    return this.#queued;
  }

  start(sink: TransportSink): void {
    this.#sink = sink;
    this.#pump(sink);
  }

  write(bytes: Uint8Array): boolean {
    if (this.#closed) return false;
    this.#queued += bytes.length;
    this.#writer.write(bytes).then(() => {
      this.#queued -= bytes.length;
      if (this.#queued === 0) this.#sink?.onDrain();
    }, () => this.destroy());
    return this.#queued < 64 * 1024;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#resume?.();
  }

  end(): void {
    if (this.#ending) return;
    this.#ending = true;
    this.#writer.close().then(() => {
      this.#writeEnded = true;
      if (this.#readEnded) this.#finish();
    }, (error) => this.#finish(error));
  }

  destroy(): void {
    this.#finish();
  }

  async #pump(sink: TransportSink): Promise<void> {
    const reader = this.#socket.readable.getReader();
    try {
      while (!this.#closed) {
        if (this.#paused) await new Promise<void>((resolve) => this.#resume = resolve);
        const { value, done } = await reader.read();
        if (done) break;
        sink.onData(value);
      }
    } catch (error) {
      return this.#finish(error as Error);
    }
    if (this.#closed) return;
    this.#readEnded = true;
    sink.onPeerEnd();
    // workerd's `closed` settles only once the socket is closed, not when
    // both directions have ended: the connection is over when they have.
    if (this.#writeEnded) this.#finish();
  }

  #finish(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#resume?.();
    this.#socket.close().catch(() => {});
    this.#sink?.onClosed(error);
  }
}

async function connect(options: ConnectOptions): Promise<Transport> {
  const where = `${options.hostname}:${options.port}`;
  try {
    // A variable specifier keeps other runtimes' resolvers and type checkers away from it.
    const specifier = "cloudflare:sockets";
    const { connect: open } = await import(specifier) as { connect: Connect };
    const socket = open({ hostname: options.hostname, port: options.port }, {
      secureTransport: options.tls ? "on" : "off",
      allowHalfOpen: true,
    });
    const signal = options.signal;
    const abort = () => void socket.close().catch(() => {});
    signal?.addEventListener("abort", abort, { once: true });
    try {
      // Closing the socket on abort settles `opened` (it rejects), so nothing waits past the signal.
      signal?.throwIfAborted();
      await socket.opened;
      signal?.throwIfAborted();
    } catch (error) {
      abort();
      throw error;
    } finally {
      signal?.removeEventListener("abort", abort);
    }
    return new WorkerdTransport(socket, options.hostname, options.port);
  } catch (error) {
    throw new Error(`Cannot connect to ${where}: ${(error as Error).message}`, { cause: error });
  }
}

function listen(): Promise<Listener> {
  return Promise.reject(
    new Error("workerd has no listening sockets: a Worker accepts WebSockets in its fetch handler (WebSocketPair)"),
  );
}

/**
 * workerd's networking for the session (client only).
 *
 * @example
 * ```ts
 * await workerdNet.listen({ port: 0 }, () => {}).catch((error) => console.log(error.message));
 * ```
 */
export const workerdNet: RuntimeNet = { connect, listen };
