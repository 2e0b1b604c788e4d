/**
 * The one runtime-agnostic driver: it pumps bytes between a transport and
 * the sans-I/O connection, and owns timers, `bufferedAmount`, drain and the
 * order of events. Client and server, every runtime, share it.
 *
 * A session is its transport's sink and its connection's listener itself,
 * and makes its heartbeat only when asked for one, its send ledger at the
 * first frame it sends and its event queue at the first event: a server
 * holds many idle sessions, and objects per connection add up.
 *
 * What it coordinates lives beside it: the order of events and the
 * delivery of each read's in `event_queue.ts`, `bufferedAmount` and the
 * high-water mark in `backpressure.ts`, paused reading in `read_holds.ts`,
 * the idle ping in `heartbeat.ts`, the closing timer, failures and the final
 * report in `end.ts`, and the reads of the opening handshake in
 * `handshake_scratch.ts`.
 *
 * @example
 * ```ts
 * import { Session } from "./session.ts";
 * import { ON_MESSAGE } from "./contract.ts";
 * import { loadCodec } from "../codec/load.ts";
 * import type { Transport } from "../transport/types.ts";
 * declare const transport: Transport;
 * const session = new Session(transport, { [ON_MESSAGE]: (data) => console.log(data) });
 * session.open(await loadCodec(), "server", new Uint8Array(0));
 * session.send("hello");
 * ```
 * @module
 */

import type { Codec, Role } from "../codec/mod.ts";
import { CLOSED, CONNECTING, Connection, type ConnectionListener, type ReadyState } from "../protocol/connection.ts";
import { WebSocketError } from "../protocol/errors.ts";
import type { Transport, TransportSink } from "../transport/types.ts";
import { overflows, SendLedger } from "./backpressure.ts";
import { Heartbeat } from "./heartbeat.ts";
import { EventQueue } from "./event_queue.ts";
import { HandshakeScratch } from "./handshake_scratch.ts";
import { reportEnd, SessionEnd } from "./end.ts";
import { type Clock, systemClock } from "./clock.ts";
import { DEFAULT_SESSION_OPTIONS, type ResolvedSessionOptions } from "./options.ts";
import {
  AT_ONCE,
  type HandshakeReader,
  ON_CLOSING,
  ON_MESSAGE,
  ON_PING,
  ON_PONG,
  type SessionEvents,
  TAKES_VIEWS,
} from "./contract.ts";

export type { HandshakeReader, SessionEvents, SessionOptions } from "./contract.ts";

/** Told once when a session's transport is gone (the server's registry of connections). */
export interface SessionTracker {
  /** `session` is closed: forget it. */
  untrack(session: Session): void;
}

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
export class Session implements TransportSink, ConnectionListener {
  readonly transport: Transport;
  /** Told when the transport is gone. */
  tracker: SessionTracker | undefined;
  /** What a server made of this session (its socket): the tracker's, so it needs no map from sessions to sockets. */
  socket: object | undefined;
  #events!: SessionEvents;
  // Resolved once per server and shared by all its sessions (see options.ts).
  readonly #options: ResolvedSessionOptions;
  #connection: Connection | undefined;
  #handshake: HandshakeReader | undefined;
  #scratch: HandshakeScratch | undefined;
  #end: SessionEnd | undefined;
  #ledger: SendLedger | undefined;
  #heartbeat: Heartbeat | undefined;
  // Also holds the uncork step and the read holds: all three come with a busy connection.
  #queue: EventQueue | undefined;

  /** A driver for `transport` reporting to `events`; its timers run on `clock`. */
  constructor(
    transport: Transport,
    events: SessionEvents,
    options: ResolvedSessionOptions = DEFAULT_SESSION_OPTIONS,
    clock: Clock = systemClock,
  ) {
    this.transport = transport;
    this.setEvents(events);
    // A clock of its own (tests) rides in a copy of the options: the
    // server's sessions share one object and keep no slot for the clock.
    this.#options = clock === systemClock ? options : { ...options, clock };
  }

  /** Where events go now (a server stream wraps the socket's). */
  get events(): SessionEvents {
    return this.#events;
  }

  /** Send later events to `events` instead (the server creates the socket after the session). */
  setEvents(events: SessionEvents): void {
    this.#events = events;
    if (this.#queue !== undefined) this.#queue.checkpoints = events[AT_ONCE] !== true;
  }

  /** Start reading; bytes go to `reader` until {@link Session.open}. */
  startHandshake(reader: HandshakeReader): void {
    this.#handshake = reader;
    this.transport.start(this);
  }

  /**
   * Switch to the WebSocket protocol. `rest` are bytes that arrived after the
   * HTTP head: they belong to the first frames.
   */
  open(codec: Codec, role: Role, rest: Uint8Array, opened?: () => void): void {
    const handshakeRunning = this.#handshake !== undefined;
    this.#handshake = undefined;
    this.#connection = new Connection(codec, role, this, this.#options.limits);
    if (this.#options.idleTimeout > 0) this.#heartbeatNow().start();
    if (opened !== undefined) this.#eventQueue().push(opened);
    if (!handshakeRunning) this.transport.start(this);
    this.#connection.push(rest);
    void this.#queue?.flush();
  }

  /** The transport is gone. */
  get isClosed(): boolean {
    return this.#end?.done === true;
  }

  /** CONNECTING until {@link Session.open}, then the connection's state (CLOSED once the transport is gone). */
  get readyState(): ReadyState {
    return this.#connection?.readyState ?? (this.isClosed ? CLOSED : CONNECTING);
  }

  /** Application bytes handed to `send` but not yet to the operating system. */
  get bufferedAmount(): number {
    return this.#ledger?.buffered ?? 0;
  }

  /** Resolves once everything sent so far was handed to the operating system. */
  drained(): Promise<void> {
    return this.#ledger?.drained() ?? Promise.resolve();
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
    this.#heartbeatNow().pingSent(payload);
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
    this.#ending().arm();
  }

  /**
   * Stop reading the socket until {@link Session.resumeReading} (receive
   * backpressure: the peer's TCP window closes). A read already under way
   * is still delivered.
   */
  pauseReading(): void {
    this.#eventQueue().readHolds(this.transport).pauseForOwner();
  }

  /** Read the socket again after {@link Session.pauseReading}. */
  resumeReading(): void {
    this.#queue?.holds?.resumeForOwner();
  }

  /** Drop the connection at once, without a closing handshake. */
  terminate(): void {
    this.transport.destroy();
  }

  // The transport's sink.

  /** Transport sink: the region for the next read. */
  buffer(): Uint8Array {
    const connection = this.#connection;
    if (connection === undefined) return (this.#scratch ??= new HandshakeScratch()).lend();
    // Frames began and the read lent last has landed: the 16 KiB are not needed again.
    this.#scratch = undefined;
    return connection.reserve();
  }

  /** Transport sink: `n` bytes landed in the region from {@link Session.buffer}. */
  onRead(n: number): void {
    // A read lent during the handshake may complete after the switch to frames.
    const scratch = this.#scratch;
    if (scratch?.lent === true) {
      const bytes = scratch.landed(n);
      if (this.#connection === undefined) this.#handshake?.onData(bytes);
      else {
        // The last read the handshake lent: its 16 KiB are not needed again.
        this.#scratch = undefined;
        this.onData(bytes);
      }
      return;
    }
    this.#heartbeat?.received();
    this.#connection!.commit(n);
    this.#deliver();
  }

  /** Transport sink: bytes in a buffer the transport owns (or gives away: `owned`). */
  onData(bytes: Uint8Array, owned?: boolean): void {
    if (this.#connection !== undefined) {
      this.#heartbeat?.received();
      this.#connection.push(bytes, owned === true && this.#events[TAKES_VIEWS] === true);
      this.#deliver();
    } else {
      this.#handshake?.onData(bytes.slice());
    }
  }

  /**
   * Transport sink: the peer sent FIN. Our side ends too (RFC 6455 §7.1.1),
   * unless a plain HTTP answer is still on its way (it ends the connection).
   */
  onPeerEnd(): void {
    if (this.#handshake?.onPeerEnd?.() === true) return;
    this.#ending().endOurSide();
  }

  /** Transport sink: the write queue emptied. */
  onDrain(): void {
    this.#ledger?.settle();
    this.#handshake?.onDrain?.();
  }

  /** Transport sink: the socket is gone. */
  onClosed(error?: Error): void {
    if (!this.#ending().finish()) return;
    this.tracker?.untrack(this);
    this.#heartbeat?.stop();
    this.#ledger?.closed();
    const connection = this.#connection;
    if (connection === undefined) {
      this.#handshake?.onClosed(error);
      this.#handshake = undefined;
      return;
    }
    reportEnd(connection, this.#eventQueue(), this);
  }

  // The connection's listener.

  /** Connection listener: frame bytes to send. */
  onWrite(bytes: Uint8Array, payloadBytes: number): void {
    this.transport.write(bytes);
    (this.#ledger ??= new SendLedger(this.transport)).wrote(bytes.length, payloadBytes);
    if (overflows(this.#options, this.transport)) {
      this.#ending().fail(this.#connection, new WebSocketError("WS_ERR_BUFFER_FULL"));
    }
  }

  /** Connection listener: a whole message. */
  onMessage(data: string | Uint8Array): void {
    this.#eventQueue().push(() => this.#events[ON_MESSAGE]?.(data));
  }

  /** Connection listener: a ping arrived (already answered). */
  onPing(payload: Uint8Array): void {
    this.#eventQueue().push(() => this.#events[ON_PING]?.(payload));
  }

  /** Connection listener: a pong arrived; it may answer one of our pings. */
  onPong(payload: Uint8Array): void {
    const rtt = this.#heartbeat?.pongReceived(payload);
    this.#eventQueue().push(() => this.#events[ON_PONG]?.(payload, rtt));
  }

  /** Connection listener: the peer's close frame; the transport has only so long to close. */
  onPeerClose(code: number, reason: string): void {
    this.#ending().arm();
    this.#eventQueue().push(() => this.#events[ON_CLOSING]?.(code, reason));
  }

  /**
   * Connection listener: the peer broke the protocol. What came before the
   * error in the same read is delivered first, and the application's replies
   * to it go out; then the close frame, and our side of TCP ends.
   */
  onProtocolError(_error: WebSocketError): void {
    const connection = this.#connection!;
    this.#eventQueue().push(() => this.#ending().failForProtocol(connection));
  }

  /** Connection listener: close TCP now. */
  onEndTransport(): void {
    this.#ending().endOurSide();
  }

  #heartbeatNow(): Heartbeat {
    return this.#heartbeat ??= new Heartbeat(this.#options.idleTimeout, {
      ping: (payload) => this.#connection?.ping(payload),
      timeout: () => {
        const idle = this.#options.idleTimeout;
        const detail = `the peer was silent for idleTimeout (${idle} ms), then did not answer our ping as long again`;
        this.#ending().fail(this.#connection, new WebSocketError("WS_ERR_IDLE_TIMEOUT", detail));
      },
    }, this.#options.clock);
  }

  // A transport that corks needs the queue for its uncork step; otherwise only events made one.
  #deliver(): void {
    const transport = this.transport;
    (transport.cork === undefined ? this.#queue : this.#eventQueue())?.deliverRead(transport);
  }

  // Made at the first event, not per connection: idle sessions are many.
  #eventQueue(): EventQueue {
    let queue = this.#queue;
    if (queue === undefined) {
      queue = this.#queue = new EventQueue();
      queue.checkpoints = this.#events[AT_ONCE] !== true;
    }
    return queue;
  }

  // Made when something first ends, not per connection: idle sessions are many.
  #ending(): SessionEnd {
    return this.#end ??= new SessionEnd(this.transport, this.#options.closeTimeout, this.#options.clock);
  }
}
