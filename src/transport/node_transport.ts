/**
 * The Node socket adapter behind `nodeNet`: one `net.Socket` as a
 * `Transport`. Reads arrive three ways: into a region the session lends
 * (client sockets, `onread` asking before every read), into {@link SPARE}
 * and copied out at once (accepted sockets where that pays, see
 * `node_server_reads.ts`), or as `data` chunks Node allocates (the rest).
 *
 * @example
 * ```ts
 * import type { Socket } from "node:net";
 * import { NodeTransport } from "./node_transport.ts";
 * declare const socket: Socket;
 * const transport = new NodeTransport(socket, false);
 * ```
 * @module
 */

import type * as net from "node:net";
import process from "node:process";
import { warmAllocator } from "../bytes/allocator_warmup.ts";
import { framePool } from "../bytes/frame_pool.ts";
import type { OnRead } from "./node_server_reads.ts";
import type { NetAddress, Transport, TransportCapabilities, TransportSink } from "./types.ts";

/**
 * Where a read lands when no sink has lent a buffer (Node asks for the first
 * buffer while connecting, before the session exists), and every read of an
 * accepted socket with spare reads: each is handed on and copied out at once.
 *
 * @example
 * ```ts
 * import { SPARE } from "./node_transport.ts";
 * console.log(SPARE.length); // 65536
 * ```
 */
export const SPARE: Uint8Array = new Uint8Array(65536);

// Shared: a server holds many transports.
const LENT: TransportCapabilities = { lentBuffer: true };
const OWN_BUFFERS: TransportCapabilities = { lentBuffer: false };

// Each socket points at its transport, so one set of listener functions serves
// every connection (a closure per event per socket adds up on a server with
// many idle sockets).
const OWNER = Symbol("wasmws transport");
type OwnedSocket = net.Socket & { [OWNER]?: NodeTransport };
const ownerOf = (socket: net.Socket): NodeTransport => (socket as OwnedSocket)[OWNER]!;

/**
 * One Node socket as a transport; `lentBuffer` for sockets made with an
 * `onread` that asks {@link NodeTransport.buffer}, `spareReads` for those
 * whose `onread` is {@link SPARE_READS}.
 *
 * @example
 * ```ts
 * import type { Socket } from "node:net";
 * declare const socket: Socket;
 * const transport = new NodeTransport(socket, false);
 * console.log(transport.capabilities.lentBuffer); // false
 * ```
 */
export class NodeTransport implements Transport {
  readonly capabilities: TransportCapabilities;
  readonly #socket: net.Socket;
  #sink: TransportSink | undefined;
  #closed = false;
  #pendingError: Error | undefined;
  #lent: Uint8Array = SPARE;
  #corked = false;
  // Reads land in SPARE, shared by every such socket, and are copied out at
  // once: an idle server connection then holds no read region of its own.
  readonly #spareReads: boolean;

  constructor(socket: net.Socket, lentBuffer: boolean, spareReads = false) {
    this.#socket = socket;
    this.capabilities = lentBuffer && !spareReads ? LENT : OWN_BUFFERS;
    this.#spareReads = spareReads;
    // Node's array buffers come from the C library's malloc: see allocator_warmup.ts. (Bun's
    // node:http reaches here too; there it only maps and unmaps untouched pages.)
    warmAllocator();
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
    if (!this.capabilities.lentBuffer && !this.#spareReads) this.#socket.on("data", NodeTransport.#onData);
    // A socket that carried a proxy's CONNECT exchange waits paused for its
    // reader, and an accepted one with spare reads was made paused. That one
    // starts reading through read(0), as Node's own onread sockets do: the
    // stream then counts a read as under way, so the read(0) that resume()
    // leaves for the next tick cannot restart a read paused in between.
    if (this.#spareReads) this.#socket.read(0);
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
    this.#lent = this.#spareReads ? SPARE : this.#sink?.buffer() ?? SPARE;
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

  static #flushedFor(transport: NodeTransport): (error?: Error | null) => void {
    // A destroyed socket fails its pending writes: their bytes were not sent, and
    // bufferedAmount must keep counting them (WHATWG), so that is no drain.
    return (error) => {
      if (error == null) transport.#sink?.onDrain();
    };
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
function givingBack(bytes: Uint8Array, then?: (error?: Error | null) => void): (error?: Error | null) => void {
  return (error) => {
    if (error == null) framePool.give(bytes);
    then?.(error);
  };
}

/**
 * The `onread` of every accepted socket with spare reads: reads land in
 * {@link SPARE}; Node calls it on the socket, which names its transport.
 *
 * @example
 * ```ts
 * import { SPARE_READS } from "./node_transport.ts";
 * console.log(typeof SPARE_READS.callback); // "function"
 * ```
 */
export const SPARE_READS: OnRead = {
  buffer: () => SPARE,
  callback(n) {
    (this as OwnedSocket)[OWNER]?.read(n);
    return true;
  },
};
