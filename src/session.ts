/**
 * The one runtime-agnostic driver: it pumps bytes between a transport and
 * the sans-I/O connection, and owns timers, `bufferedAmount`, drain and the
 * order of events. Client and server, every runtime, share it.
 *
 * @example
 * ```ts
 * import { Session } from "./session.ts";
 * import { loadCodec } from "./codec/load.ts";
 * import type { Transport } from "./transport/types.ts";
 * declare const transport: Transport;
 * const session = new Session(transport, {
 *   message: (data) => console.log(data),
 *   close: (code, reason, wasClean) => console.log(code, reason, wasClean),
 * });
 * session.open(await loadCodec(), "server", new Uint8Array(0));
 * session.send("hello");
 * ```
 * @module
 */

import type { Codec, Role } from "./codec/mod.ts";
import { Connection, type ConnectionLimits, DEFAULT_LIMITS } from "./protocol/connection.ts";
import { WebSocketError } from "./protocol/errors.ts";
import type { Transport, TransportSink } from "./transport/types.ts";
import { SendLedger } from "./send_ledger.ts";
import { Heartbeat } from "./heartbeat.ts";
import { EventQueue } from "./event_queue.ts";
import { reportListenerError } from "./report.ts";

/** What the session tells its owner, one call per event, in order, each after the previous one's microtasks. */
export interface SessionEvents {
  /** A whole message. */
  message?(data: string | Uint8Array): void;
  /** A ping arrived (already answered). */
  ping?(payload: Uint8Array): void;
  /** A pong arrived; `rtt` in ms when it answers one of our pings. */
  pong?(payload: Uint8Array, rtt: number | undefined): void;
  /** The peer's close frame arrived: the closing handshake started or finished. */
  closing?(code: number, reason: string): void;
  /** The connection failed (protocol violation, timeout, buffer full); called right before `close`. */
  error?(error: WebSocketError | Error): void;
  /** The connection is closed; nothing follows. */
  close?(code: number, reason: string, wasClean: boolean): void;
}

/** Timers and limits of one session. */
export interface SessionOptions {
  /** Message limits. */
  limits?: ConnectionLimits;
  /** After our close frame (or the peer's), wait this long for the transport to close, then destroy it. Default 5000 ms. */
  closeTimeout?: number;
  /** Ping after this long without input and fail after as long again without any; 0 turns it off (default). */
  idleTimeout?: number;
  /** Bytes queued in the transport above which `onBufferFull` applies. Default 16 MiB. */
  highWaterMark?: number;
  /** Above the high-water mark: `"wait"` (default; use `drained()`) or `"close"` (fail with 1008). */
  onBufferFull?: "wait" | "close";
}

/** Receives transport bytes while the opening handshake runs (before {@link Session.open}). */
export interface HandshakeReader {
  /** Bytes of the HTTP head (and maybe of the first frames). */
  data(bytes: Uint8Array): void;
  /** The transport ended or failed before the handshake finished. */
  closed(error?: Error): void;
}

const HANDSHAKE_READ_SIZE = 16 * 1024;

/**
 * One connection's driver.
 *
 * @example
 * ```ts
 * declare const session: Session;
 * session.send(new Uint8Array([1, 2, 3]));
 * await session.drained();
 * session.close(1000, "done");
 * ```
 */
export class Session {
  readonly transport: Transport;
  #events: SessionEvents;
  readonly #options: Required<Omit<SessionOptions, "limits">> & { limits: ConnectionLimits };
  #connection: Connection | undefined;
  #handshake: HandshakeReader | undefined;
  #scratch: Uint8Array | undefined;
  #lentScratch = false;
  #closeCode = 1006;
  #closeReason = "";
  #error: Error | undefined;
  #closed = false;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #ledger: SendLedger;
  readonly #heartbeat: Heartbeat;
  readonly #queue = new EventQueue();
  readonly #sink: TransportSink;
  #resolveClosed!: () => void;
  /** Resolves once the transport is gone. */
  readonly closed: Promise<void> = new Promise((resolve) => this.#resolveClosed = resolve);

  constructor(transport: Transport, events: SessionEvents, options: SessionOptions = {}) {
    this.transport = transport;
    this.#events = events;
    this.#options = {
      limits: options.limits ?? DEFAULT_LIMITS,
      closeTimeout: options.closeTimeout ?? 5000,
      idleTimeout: options.idleTimeout ?? 0,
      highWaterMark: options.highWaterMark ?? 16 * 1024 * 1024,
      onBufferFull: options.onBufferFull ?? "wait",
    };
    this.#ledger = new SendLedger(transport);
    this.#heartbeat = new Heartbeat(this.#options.idleTimeout, {
      ping: (payload) => this.#connection?.ping(payload),
      timeout: () => this.#failWith(new WebSocketError("WS_ERR_IDLE_TIMEOUT")),
      pong: (payload, rtt) => this.#queue.push(() => this.#events.pong?.(payload, rtt)),
    });
    this.#sink = {
      buffer: () => this.#buffer(),
      read: (n) => this.#read(n),
      data: (bytes) => this.#data(bytes),
      end: () => this.#end(),
      drain: () => this.#ledger.settle(),
      close: (error) => this.#transportClosed(error),
    };
  }

  /** Send later events to `events` instead (the server creates the socket after the session). */
  setEvents(events: SessionEvents): void {
    this.#events = events;
  }

  /** Start reading; bytes go to `reader` until {@link Session.open}. */
  startHandshake(reader: HandshakeReader): void {
    this.#handshake = reader;
    this.transport.start(this.#sink);
  }

  /**
   * Switch to the WebSocket protocol. `rest` are bytes that arrived after the
   * HTTP head: they belong to the first frames.
   */
  open(codec: Codec, role: Role, rest: Uint8Array, opened?: () => void): void {
    const handshakeRunning = this.#handshake !== undefined;
    this.#handshake = undefined;
    this.#connection = new Connection(codec, role, {
      write: (bytes, payloadBytes) => this.#write(bytes, payloadBytes),
      message: (data) => this.#queue.push(() => this.#events.message?.(data)),
      ping: (payload) => this.#queue.push(() => this.#events.ping?.(payload)),
      pong: (payload) => this.#heartbeat.pongReceived(payload),
      closeFrame: (code, reason) => {
        this.#closeCode = code;
        this.#closeReason = reason;
        this.#armCloseTimer();
        this.#queue.push(() => this.#events.closing?.(code, reason));
      },
      fail: (error) => {
        this.#error = error;
      },
      endTransport: () => {
        this.transport.end();
        this.#armCloseTimer();
      },
    }, this.#options.limits);
    this.#heartbeat.start();
    if (opened !== undefined) this.#queue.push(opened);
    if (!handshakeRunning) this.transport.start(this.#sink);
    this.#connection.push(rest);
    void this.#queue.flush();
  }

  /** Application bytes handed to `send` but not yet to the operating system. */
  get bufferedAmount(): number {
    return this.#ledger.buffered;
  }

  /** Resolves once everything sent so far was handed to the operating system. */
  drained(): Promise<void> {
    return this.#ledger.drained();
  }

  /** Send a message; false once the closing handshake started. */
  send(data: string | Uint8Array): boolean {
    const connection = this.#connection;
    if (connection === undefined) return false;
    return typeof data === "string" ? connection.sendText(data) : connection.sendBinary(data);
  }

  /** Send an already encoded frame (see `Server.broadcast`). */
  sendFrame(frame: Uint8Array, payloadBytes: number): boolean {
    return this.#connection?.sendEncoded(frame, payloadBytes) ?? false;
  }

  /** Send a ping; its pong reports the round-trip time. */
  ping(payload: Uint8Array = new Uint8Array(0)): boolean {
    const connection = this.#connection;
    if (connection === undefined || connection.closeSent) return false;
    this.#heartbeat.pingSent(payload);
    return connection.ping(payload);
  }

  /** Start the closing handshake (or answer it). */
  close(code?: number, reason?: string): void {
    const connection = this.#connection;
    if (connection === undefined) {
      this.terminate();
      return;
    }
    connection.close(code, reason);
    this.#armCloseTimer();
  }

  /** Drop the connection at once, without a closing handshake. */
  terminate(): void {
    this.transport.destroy();
  }

  // What the transport reports.

  #buffer(): Uint8Array {
    this.#lentScratch = this.#connection === undefined;
    if (!this.#lentScratch) return this.#connection!.reserve();
    return this.#scratch ??= new Uint8Array(HANDSHAKE_READ_SIZE);
  }

  #read(n: number): void {
    // A read lent during the handshake may complete after the switch to frames.
    if (this.#lentScratch) {
      const bytes = this.#scratch!.slice(0, n);
      if (this.#connection === undefined) this.#handshake?.data(bytes);
      else this.#data(bytes);
      return;
    }
    this.#heartbeat.received();
    this.#connection!.commit(n);
    void this.#queue.flush();
  }

  #data(bytes: Uint8Array): void {
    if (this.#connection !== undefined) {
      this.#heartbeat.received();
      this.#connection.push(bytes);
      void this.#queue.flush();
    } else {
      this.#handshake?.data(bytes.slice());
    }
  }

  #end(): void {
    // The peer sent FIN: in every state our side ends too (RFC 6455 §7.1.1).
    this.transport.end();
    this.#armCloseTimer();
  }

  #transportClosed(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#resolveClosed();
    clearTimeout(this.#closeTimer);
    this.#heartbeat.stop();
    this.#ledger.closed();
    const connection = this.#connection;
    if (connection === undefined) {
      this.#handshake?.closed(error);
      this.#handshake = undefined;
      return;
    }
    // Not now: the decoder may be inside the very call that closed us.
    this.#queue.push(() => connection.dispose());
    const wasClean = connection.closingHandshakeDone && !connection.failed && this.#error === undefined;
    const code = this.#closeCode;
    const reason = this.#closeReason;
    const failure = this.#error;
    // WHATWG "the WebSocket connection is closed": error (if it failed), then close, in one task.
    this.#queue.push(() => {
      if (failure !== undefined) {
        try {
          this.#events.error?.(failure);
        } catch (listenerError) {
          reportListenerError(listenerError);
        }
      }
      this.#events.close?.(code, reason, wasClean);
    });
    void this.#queue.flush();
  }

  #write(bytes: Uint8Array, payloadBytes: number): void {
    this.transport.write(bytes);
    this.#ledger.wrote(bytes.length, payloadBytes);
    if (this.transport.writableLength > this.#options.highWaterMark && this.#options.onBufferFull === "close") {
      this.#failWith(new WebSocketError("WS_ERR_BUFFER_FULL"));
    }
  }

  #failWith(error: WebSocketError): void {
    if (this.#closed || this.#error !== undefined) return;
    this.#error = error;
    if (error.closeCode !== 1006 && this.#connection !== undefined && !this.#connection.closeSent) {
      this.#connection.close(error.closeCode, "");
      this.transport.end();
      this.#armCloseTimer();
    } else {
      this.transport.destroy();
    }
  }

  #armCloseTimer(): void {
    if (this.#closeTimer !== undefined || this.#closed) return;
    this.#closeTimer = setTimeout(() => this.transport.destroy(), this.#options.closeTimeout);
  }
}
