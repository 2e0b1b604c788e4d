/**
 * The one interface every runtime's socket adapter implements. Adapters only
 * open, read (into a lent buffer where the runtime allows), write with a
 * drain signal, half-close and destroy; everything else lives in the session.
 *
 * @example
 * ```ts
 * import type { Transport, TransportSink } from "./types.ts";
 * declare const transport: Transport;
 * const sink: TransportSink = {
 *   buffer: () => new Uint8Array(65536),
 *   onRead: (n) => console.log("read", n),
 *   onData: (bytes) => console.log("data", bytes.length),
 *   onPeerEnd: () => console.log("peer sent FIN"),
 *   onDrain: () => console.log("writable again"),
 *   onClosed: (error) => console.log("closed", error),
 * };
 * transport.start(sink);
 * transport.write(new TextEncoder().encode("hello"));
 * ```
 * @module
 */

/**
 * Where a transport delivers what happens on the socket. Called from the
 * runtime's I/O callbacks; never re-entered.
 */
export interface TransportSink {
  /**
   * A region to read the next bytes into (lent from codec memory). Only
   * adapters with `capabilities.lentBuffer` call it; the region stays theirs
   * until they call {@link TransportSink.onRead}.
   */
  buffer(): Uint8Array;
  /** `n` bytes were read into the region last returned by `buffer()`. */
  onRead(n: number): void;
  /**
   * Bytes read into a buffer of the adapter's: valid only during the call,
   * unless `owned` says the adapter gives them away (it neither keeps nor
   * reuses them), so the sink may keep them.
   */
  onData(bytes: Uint8Array, owned?: boolean): void;
  /**
   * The peer half-closed its side (EOF). Our side stays open until the
   * owner calls {@link Transport.end} (on every runtime alike).
   */
  onPeerEnd(): void;
  /**
   * The write queue is empty again: after `write` returned false, and on
   * adapters whose writes always complete asynchronously, after each flush.
   */
  onDrain(): void;
  /** The socket is gone (after `destroy`, a fatal error, or both sides ended). Called once. */
  onClosed(error?: Error): void;
}

/** What an adapter can do, so the session never guesses. */
export interface TransportCapabilities {
  /** Reads land in `sink.buffer()` (zero-copy into codec memory). */
  readonly lentBuffer: boolean;
}

/** A socket address. */
export interface NetAddress {
  /** IP address or host name. */
  readonly hostname: string;
  /** Port number. */
  readonly port: number;
}

/** One open byte stream (TCP or TLS). */
export interface Transport {
  /** What this adapter supports. */
  readonly capabilities: TransportCapabilities;
  /** The peer's address, where known. */
  readonly remoteAddress: NetAddress | undefined;
  /** Bytes accepted by `write` but not yet handed to the operating system. */
  readonly writableLength: number;
  /** Begin delivering reads to `sink`. Called once. */
  start(sink: TransportSink): void;
  /**
   * Queue `bytes` (the transport may keep the reference: do not reuse it).
   * Returns false when the queue is above the adapter's high-water mark; a
   * `drain` follows once it is empty. Bytes lent by the frame pool are given
   * back to it once the operating system has them all, never before;
   * an adapter that cannot tell simply never gives them back.
   */
  write(bytes: Uint8Array): boolean;
  /**
   * Writes until `uncork` may wait (up to the adapter's high-water mark) and
   * leave together. The session corks while it delivers what one read
   * brought, so the replies to a burst of messages share a write. Not
   * counted: one `uncork` ends any number of `cork`s. Optional: adapters
   * that batch a turn's writes on their own (Node, Bun) leave it out.
   */
  cork?(): void;
  /** Let waiting writes go. */
  uncork?(): void;
  /** Stop reading until `resume` (receive-side backpressure). */
  pause(): void;
  /** Read again after `pause`. */
  resume(): void;
  /** Flush what is queued, then half-close (send FIN). */
  end(): void;
  /** Close at once, dropping what is queued. */
  destroy(): void;
}

/** TLS settings for a client connection. */
export interface ClientTlsOptions {
  /** Extra trusted CA certificates (PEM). */
  ca?: string | string[];
  /** Set false to accept any certificate (tests only). */
  rejectUnauthorized?: boolean;
  /** Server name for SNI and certificate checks (default: the host). */
  servername?: string;
}

/** Where and how to connect. */
export interface ConnectOptions {
  /** Host name or IP address. */
  hostname: string;
  /** TCP port. */
  port: number;
  /** Wrap the connection in TLS. */
  tls?: ClientTlsOptions | boolean;
  /** Abort the attempt. */
  signal?: AbortSignal;
  /** Reach `hostname:port` through a tunnel opened by a proxy (then `tls` runs inside it). */
  tunnel?: TunnelOptions;
}

/**
 * A tunnel through a proxy: connect to the proxy, write `request`, feed what
 * it answers to `receive` until done. The exchange itself is sans-I/O
 * (see `protocol/proxy_connect.ts`); the adapter only moves its bytes.
 */
export interface TunnelOptions {
  /** The proxy's host name or IP address. */
  hostname: string;
  /** The proxy's port. */
  port: number;
  /** TLS to the proxy itself (an `https:` proxy). */
  tls?: ClientTlsOptions | boolean;
  /** The `CONNECT` request. */
  request: Uint8Array;
  /** The proxy's bytes; `error` (thrown by the adapter as it is) when it refused. */
  receive(bytes: Uint8Array): { done: false } | { done: true; error?: Error };
  /** The proxy closed the connection first: the error to throw. */
  eof(): Error;
}

/** TLS settings for a listener. */
export interface ServerTlsOptions {
  /** Certificate chain (PEM). */
  cert: string;
  /** Private key (PEM). */
  key: string;
}

/** Where and how to listen. */
export interface ListenOptions {
  /** Address to bind (default `"0.0.0.0"`). */
  hostname?: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  /** Serve TLS. */
  tls?: ServerTlsOptions;
  /**
   * Drop a connection whose TLS handshake has not finished after this many ms,
   * where the runtime makes the connection only after it (Node; its own default is 2 minutes).
   */
  tlsHandshakeTimeout?: number;
  /** Share the port with other processes (`SO_REUSEPORT`); adapters that cannot throw `WS_ERR_REUSE_PORT`. */
  reusePort?: boolean;
}

/** A bound listening socket. */
export interface Listener {
  /** The bound address (the real port when 0 was asked for). */
  readonly address: NetAddress;
  /** Stop accepting; resolves once the listening socket is closed. */
  close(): Promise<void>;
}

/**
 * One runtime's networking, as the session needs it.
 *
 * @example
 * ```ts
 * import { selectRuntime } from "./select.ts";
 * const net = await selectRuntime();
 * const transport = await net.connect({ hostname: "127.0.0.1", port: 8080 });
 * ```
 */
export interface RuntimeNet {
  /** Open a client connection. Rejects with an `Error` whose message says why. */
  connect(options: ConnectOptions): Promise<Transport>;
  /** Listen; `onConnection` receives each accepted transport. */
  listen(options: ListenOptions, onConnection: (transport: Transport) => void): Promise<Listener>;
  /** Present where `connect` takes a `tunnel`; `tlsInTls`: TLS to the target inside TLS to the proxy. */
  readonly tunnels?: { readonly tlsInTls: boolean };
}
