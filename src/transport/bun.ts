/**
 * The Bun adapter (`Bun.connect`, `Bun.listen`). Bun hands over each read
 * in a buffer of its own, so bytes are copied into codec memory; its
 * `write` may take only part of a buffer, so the rest is queued and
 * flushed on `drain`.
 *
 * @example
 * ```ts
 * import { bunNet } from "./bun.ts";
 * const transport = await bunNet.connect({ hostname: "127.0.0.1", port: 8080 });
 * transport.write(new TextEncoder().encode("hello"));
 * ```
 * @module
 */

import type { ConnectOptions, Listener, ListenOptions, RuntimeNet, Transport, TransportSink } from "./types.ts";

// The few Bun APIs used here, declared locally: `bun-types` describes Bun's
// globals for Bun's own compiler, and `deno check` cannot load it alongside
// Deno's and Node's types.
interface BunSocket {
  write(data: Uint8Array): number;
  end(): void;
  shutdown(halfClose?: boolean): void;
  terminate(): void;
  pause?(): void;
  resume?(): void;
  setNoDelay?(noDelay: boolean): boolean;
  readonly remoteAddress: string;
  readonly remotePort?: number;
  data: BunTransport | undefined;
}
interface BunHandlers {
  open?(socket: BunSocket): void;
  data?(socket: BunSocket, data: Uint8Array): void;
  drain?(socket: BunSocket): void;
  end?(socket: BunSocket): void;
  close?(socket: BunSocket, error?: Error): void;
  error?(socket: BunSocket, error: Error): void;
  connectError?(socket: BunSocket, error: Error): void;
  handshake?(socket: BunSocket, success: boolean, authorizationError: Error | null): void;
}
interface BunApi {
  connect(options: Record<string, unknown> & { socket: BunHandlers }): Promise<BunSocket>;
  listen(
    options: Record<string, unknown> & { socket: BunHandlers },
  ): { hostname: string; port: number; stop(closeActive?: boolean): void };
}
const Bun = (globalThis as unknown as { Bun: BunApi }).Bun;

class BunTransport implements Transport {
  readonly capabilities = { lentBuffer: false };
  readonly #socket: BunSocket;
  #sink: TransportSink | undefined;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #ending = false;
  #ended = false;
  #closed = false;
  #early: Array<(sink: TransportSink) => void> = [];
  #tlsError: Error | undefined;

  constructor(socket: BunSocket) {
    this.#socket = socket;
    socket.data = this;
    socket.setNoDelay?.(true);
  }

  get remoteAddress() {
    return { hostname: this.#socket.remoteAddress, port: this.#socket.remotePort ?? 0 };
  }

  get writableLength(): number {
    return this.#queued;
  }

  start(sink: TransportSink): void {
    this.#sink = sink;
    for (const replay of this.#early) replay(sink);
    this.#early = [];
  }

  write(bytes: Uint8Array): boolean {
    if (this.#closed || this.#ending) return false;
    if (this.#queued === 0) {
      const n = this.#socket.write(bytes);
      if (n >= bytes.length) return true;
      bytes = bytes.subarray(Math.max(n, 0));
    }
    // Bun keeps nothing it could not write; the caller handed the buffer over (see Transport.write), so no copy.
    this.#queue.push(bytes);
    this.#queued += bytes.length;
    return false;
  }

  pause(): void {
    this.#socket.pause?.();
  }

  resume(): void {
    this.#socket.resume?.();
  }

  end(): void {
    if (this.#ending || this.#closed) return;
    this.#ending = true;
    if (this.#queued === 0) this.#shutdown();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#socket.terminate();
  }

  // Called by the handlers below.

  onData(data: Uint8Array): void {
    if (this.#sink) this.#sink.data(data);
    else {
      const copy = data.slice();
      this.#early.push((sink) => sink.data(copy));
    }
  }

  onDrain(): void {
    while (this.#queue.length > 0) {
      const chunk = this.#queue[0];
      const n = this.#socket.write(chunk);
      if (n <= 0) return;
      this.#queued -= n;
      if (n < chunk.length) {
        this.#queue[0] = chunk.subarray(n);
        return;
      }
      this.#queue.shift();
    }
    if (this.#ending) this.#shutdown();
    else this.#sink?.drain();
  }

  onEnd(): void {
    if (this.#sink) this.#sink.end();
    else this.#early.push((sink) => sink.end());
  }

  /** Bun reports certificate problems here, not in `close`. */
  onHandshake(success: boolean, authorizationError: Error | null): void {
    if (success && authorizationError === null) return;
    this.#tlsError = authorizationError ?? new Error("TLS handshake failed");
    this.#socket.terminate();
  }

  onClose(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    error ??= this.#tlsError;
    this.#queue = [];
    this.#queued = 0;
    if (this.#sink) this.#sink.close(error);
    else this.#early.push((sink) => sink.close(error));
  }

  #shutdown(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#socket.shutdown();
  }
}

const handlers: BunHandlers = {
  data: (socket, data) => socket.data?.onData(data),
  drain: (socket) => socket.data?.onDrain(),
  end: (socket) => socket.data?.onEnd(),
  close: (socket, error) => socket.data?.onClose(error),
  error: (socket, error) => socket.data?.onClose(error),
};

async function connect(options: ConnectOptions): Promise<Transport> {
  const where = `${options.hostname}:${options.port}`;
  const tls = typeof options.tls === "object" ? options.tls : {};
  try {
    options.signal?.throwIfAborted();
    const socket = await Bun.connect({
      hostname: options.hostname,
      port: options.port,
      allowHalfOpen: true,
      tls: options.tls
        ? {
          ca: tls.ca,
          rejectUnauthorized: tls.rejectUnauthorized ?? true,
          serverName: tls.servername ?? options.hostname,
        }
        : undefined,
      // The transport exists from `open` on, so no early byte is lost; with TLS the
      // promise settles before `open`, and the transport made then must be kept.
      socket: {
        ...handlers,
        open: (socket) => void (socket.data ?? new BunTransport(socket)),
        handshake: (socket, success, authorizationError) => {
          if (tls.rejectUnauthorized !== false) socket.data?.onHandshake(success, authorizationError);
        },
        connectError: () => {},
      },
    });
    if (options.signal?.aborted) {
      socket.terminate();
      throw new Error("aborted");
    }
    return socket.data ?? new BunTransport(socket);
  } catch (error) {
    throw new Error(`Cannot connect to ${where}: ${(error as Error).message}`, { cause: error });
  }
}

function listen(options: ListenOptions, onConnection: (transport: Transport) => void): Promise<Listener> {
  const server = Bun.listen({
    hostname: options.hostname ?? "0.0.0.0",
    port: options.port,
    allowHalfOpen: true,
    tls: options.tls ? { cert: options.tls.cert, key: options.tls.key } : undefined,
    socket: { ...handlers, open: (socket) => onConnection(new BunTransport(socket)) },
  });
  return Promise.resolve({
    address: { hostname: server.hostname, port: server.port },
    close: () => {
      server.stop(false);
      return Promise.resolve();
    },
  });
}

/**
 * Bun's networking for the session.
 *
 * @example
 * ```ts
 * const listener = await bunNet.listen({ hostname: "127.0.0.1", port: 0 }, (transport) => transport.destroy());
 * await listener.close();
 * ```
 */
export const bunNet: RuntimeNet = { connect, listen };
