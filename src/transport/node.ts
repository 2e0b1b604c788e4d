/**
 * The Node adapter (`node:net`/`node:tls`). Client sockets read straight
 * into codec memory through `onread` (its function form is asked for a
 * buffer before every read, so a region re-taken after `memory.grow` is
 * always current). Accepted sockets and sockets handed over by `node:http`
 * cannot use `onread` and deliver `data` chunks instead.
 *
 * @example
 * ```ts
 * import { nodeNet } from "./node.ts";
 * const transport = await nodeNet.connect({ hostname: "127.0.0.1", port: 8080 });
 * transport.write(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"));
 * ```
 * @module
 */

import * as net from "node:net";
import process from "node:process";
import * as tls from "node:tls";
import { framePool } from "../bytes/frame_pool.ts";
import { connectThroughTunnel } from "./node_tunnel.ts";
import type {
  ConnectOptions,
  Listener,
  ListenOptions,
  NetAddress,
  RuntimeNet,
  Transport,
  TransportCapabilities,
  TransportSink,
} from "./types.ts";

// Where a read lands when no sink has lent a buffer yet (Node asks for the
// first buffer while connecting, before the session exists).
const SPARE = new Uint8Array(65536);

// Shared: a server holds many transports.
const LENT: TransportCapabilities = { lentBuffer: true };
const OWN_BUFFERS: TransportCapabilities = { lentBuffer: false };

// Each socket points at its transport, so one set of listener functions serves
// every connection (a closure per event per socket adds up on a server with
// many idle sockets).
const OWNER = Symbol("wasmws transport");
type OwnedSocket = net.Socket & { [OWNER]?: NodeTransport };
const ownerOf = (socket: net.Socket): NodeTransport => (socket as OwnedSocket)[OWNER]!;

class NodeTransport implements Transport {
  readonly capabilities: TransportCapabilities;
  readonly #socket: net.Socket;
  #sink: TransportSink | undefined;
  #closed = false;
  #pendingError: Error | undefined;
  #lent: Uint8Array = SPARE;
  #corked = false;

  constructor(socket: net.Socket, lentBuffer: boolean) {
    this.#socket = socket;
    this.capabilities = lentBuffer ? LENT : OWN_BUFFERS;
    socket.setNoDelay(true);
    void this.remoteAddress;
    (socket as OwnedSocket)[OWNER] = this;
    // An 'error' without a listener would crash the process.
    socket.on("error", NodeTransport.#onError);
    socket.on("close", NodeTransport.#onClose);
  }

  static #onError(this: net.Socket, error: Error): void {
    ownerOf(this).#pendingError ??= error;
  }

  static #onClose(this: net.Socket): void {
    ownerOf(this).#close();
  }

  static #onData(this: net.Socket, chunk: Uint8Array): void {
    ownerOf(this).#sink?.onData(chunk);
  }

  static #onEnd(this: net.Socket): void {
    ownerOf(this).#sink?.onPeerEnd();
  }

  static #onDrain(this: net.Socket): void {
    ownerOf(this).#sink?.onDrain();
  }

  static #uncork(transport: NodeTransport): void {
    transport.#corked = false;
    transport.#socket.uncork();
  }

  // Kept once known: Node forgets it when the socket closes, and a closed WebSocket still reports its peer.
  #remote: NetAddress | undefined;
  get remoteAddress(): NetAddress | undefined {
    const { remoteAddress, remotePort } = this.#socket;
    if (this.#remote === undefined && remoteAddress !== undefined) {
      this.#remote = { hostname: remoteAddress, port: remotePort ?? 0 };
    }
    return this.#remote;
  }

  get writableLength(): number {
    return this.#socket.writableLength;
  }

  start(sink: TransportSink): void {
    this.#sink = sink;
    if (!this.capabilities.lentBuffer) this.#socket.on("data", NodeTransport.#onData);
    // A socket that carried a proxy's CONNECT exchange waits paused for its reader.
    if (this.#socket.isPaused()) this.#socket.resume();
    this.#socket.on("end", NodeTransport.#onEnd);
    this.#socket.on("drain", NodeTransport.#onDrain);
    if (this.#closed) sink.onClosed(this.#pendingError);
  }

  /** Called by `onread` for lent-buffer sockets. */
  read(n: number): void {
    const sink = this.#sink;
    if (sink === undefined) return;
    if (this.#lent === SPARE) sink.onData(SPARE.subarray(0, n));
    else sink.onRead(n);
  }

  /**
   * The buffer for the next `onread`. Node asks for it right after each
   * read (and once at connect, before `start`): remember which it was.
   */
  buffer(): Uint8Array {
    this.#lent = this.#sink?.buffer() ?? SPARE;
    return this.#lent;
  }

  write(bytes: Uint8Array): boolean {
    const socket = this.#socket;
    if (socket.destroyed || socket.writableEnded) return false;
    // Everything written in one turn of the event loop leaves in one writev:
    // a read full of small messages answers with one syscall, not one each.
    const lent = framePool.lent(bytes);
    if (this.#corked) return lent ? socket.write(bytes, givingBack(bytes)) : socket.write(bytes);
    this.#corked = true;
    socket.cork();
    process.nextTick(NodeTransport.#uncork, this);
    // A corked batch leaves in one writev, and every callback of the batch
    // fires once it is flushed: the first one tells the session, even when
    // the socket never went over its high-water mark (no 'drain'). Made per
    // batch rather than kept per connection: idle connections hold none.
    const flushed = NodeTransport.#flushedFor(this);
    return socket.write(bytes, lent ? givingBack(bytes, flushed) : flushed);
  }

  static #flushedFor(transport: NodeTransport): () => void {
    return () => transport.#sink?.onDrain();
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  end(): void {
    if (!this.#socket.writableEnded) this.#socket.end();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sink?.onClosed(this.#pendingError);
  }
}

/**
 * A write callback returning a lent frame to the pool once Node wrote it. Not
 * after an error: a destroyed socket may fail a write libuv still holds.
 */
function givingBack(bytes: Uint8Array, then?: () => void): (error?: Error | null) => void {
  return (error) => {
    if (error == null) framePool.give(bytes);
    then?.();
  };
}

/**
 * Wrap a connected `node:net` socket (e.g. from a `node:http` `upgrade` event).
 *
 * @example
 * ```ts
 * import type { Socket } from "node:net";
 * declare const socket: Socket;
 * const transport = fromNodeSocket(socket);
 * ```
 */
export function fromNodeSocket(socket: net.Socket): Transport {
  return new NodeTransport(socket, false);
}

function connect(options: ConnectOptions): Promise<Transport> {
  if (options.tunnel !== undefined) return connectThroughTunnel(options, (socket) => new NodeTransport(socket, false));
  return new Promise((resolve, reject) => {
    // Node asks onread for its first buffer while connecting, before the transport exists.
    const made: { transport?: NodeTransport } = {};
    const onread = {
      buffer: () => made.transport?.buffer() ?? SPARE,
      callback: (n: number) => {
        made.transport?.read(n);
        return true;
      },
    };
    const tlsOptions = typeof options.tls === "object" ? options.tls : {};
    const socket: net.Socket = options.tls
      ? tls.connect({
        host: options.hostname,
        port: options.port,
        servername: tlsOptions.servername ?? (net.isIP(options.hostname) ? undefined : options.hostname),
        ca: tlsOptions.ca,
        rejectUnauthorized: tlsOptions.rejectUnauthorized ?? true,
        onread,
      } as tls.ConnectionOptions)
      : net.connect({ host: options.hostname, port: options.port, onread });
    const transport = made.transport = new NodeTransport(socket, true);
    const where = `${options.hostname}:${options.port}`;
    const fail = (error: Error) => {
      options.signal?.removeEventListener("abort", abort);
      socket.destroy();
      reject(new Error(`Cannot connect to ${where}: ${error.message}`, { cause: error }));
    };
    const abort = () => fail(new Error("aborted"));
    if (options.signal?.aborted) return abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    socket.once("error", fail);
    socket.once(options.tls ? "secureConnect" : "connect", () => {
      socket.off("error", fail);
      options.signal?.removeEventListener("abort", abort);
      resolve(transport);
    });
  });
}

async function listen(options: ListenOptions, onConnection: (transport: Transport) => void): Promise<Listener> {
  const handler = (socket: net.Socket) => {
    // The session answers a peer's FIN itself (a plain HTTP answer may still
    // be on its way), as on Deno and Bun, and as node:http's sockets allow.
    socket.allowHalfOpen = true;
    onConnection(new NodeTransport(socket, false));
  };
  const server: net.Server = options.tls
    ? tls.createServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : net.createServer(handler);
  // A failed TLS handshake must not crash the process.
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    const where = { port: options.port, host: options.hostname ?? "0.0.0.0", reusePort: options.reusePort === true };
    server.listen(where, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  return {
    address: { hostname: address.address, port: address.port },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Node's networking for the session.
 *
 * @example
 * ```ts
 * const listener = await nodeNet.listen({ hostname: "127.0.0.1", port: 0 }, (transport) => transport.destroy());
 * console.log(listener.address.port);
 * await listener.close();
 * ```
 */
export const nodeNet: RuntimeNet = { connect, listen, tunnels: { tlsInTls: true } };
