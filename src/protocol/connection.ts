/**
 * The sans-I/O WebSocket connection (RFC 6455 §5–§7) after the opening
 * handshake: bytes in, events and bytes out. It knows nothing of sockets or
 * timers; the session feeds it reads and carries out what it asks for
 * (`connection_listener.ts`).
 *
 * @example
 * ```ts
 * import { Connection, type ConnectionListener } from "./connection.ts";
 * import { loadCodec } from "../codec/load.ts";
 * import { DEFAULT_LIMITS } from "./defaults.ts";
 * declare const listener: ConnectionListener;
 * const connection = new Connection(await loadCodec(), "server", listener, DEFAULT_LIMITS);
 * connection.push(new Uint8Array([0x88, 0x82, 1, 2, 3, 4, 0x02, 0xea])); // the peer's close: 1000
 * ```
 * @module
 */

import type { Codec, Decoder, Encoder, FrameError, FrameSink, Role } from "../codec/mod.ts";
import { OPCODE_BINARY, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG } from "../codec/mod.ts";
import { encodeClosePayload, parseClosePayload } from "./close_codes.ts";
import { errorInfo, WebSocketError } from "./errors.ts";
import { MessageAssembler } from "./assembler.ts";
import { CLOSED, type CloseResult, CLOSING, OPEN, type ReadyState } from "./connection_state.ts";
import type { ConnectionLimits, ConnectionListener } from "./connection_listener.ts";
import { type ConnectionSetup, decoderFor, setupOf } from "./connection_setup.ts";

export { CLOSED, type CloseResult, CLOSING, CONNECTING, OPEN, type ReadyState } from "./connection_state.ts";
export type { ConnectionLimits, ConnectionListener } from "./connection_listener.ts";

/**
 * One WebSocket connection from OPEN to CLOSED: the one state machine of the
 * close handshake. It is its decoder's {@link FrameSink} itself, and makes
 * its decoder at the first bytes it reads: a server holds many idle
 * connections, and per-connection objects add up.
 *
 * @example
 * ```ts
 * declare const connection: Connection;
 * connection.sendText("hello");
 * connection.close(1000, "bye");
 * console.log(connection.readyState); // 2 (CLOSING)
 * ```
 */
export class Connection implements FrameSink {
  // Codec, role and limits, shared by the connections that share all three
  // (a server's): one slot here rather than three.
  readonly #setup: ConnectionSetup;
  readonly #listener: ConnectionListener;
  #decoder: Decoder | undefined;
  readonly #encoder: Encoder;
  #assembler: MessageAssembler | undefined;
  // The state (two low bits), and whether our close frame went out and
  // input stopped: one slot rather than three (idle connections are many).
  #bits: number = OPEN;
  // The peer's close frame, once it arrived: one object made then, rather
  // than a flag, a code and a reason kept by every idle connection.
  #peerClose: { code: number; reason: string } | undefined;
  #error: Error | undefined;

  constructor(codec: Codec, role: Role, listener: ConnectionListener, limits: ConnectionLimits) {
    this.#setup = setupOf(codec, role, limits);
    this.#listener = listener;
    this.#encoder = codec.encoder(role);
  }

  /** OPEN, CLOSING or CLOSED. */
  get readyState(): ReadyState {
    return this.#state;
  }

  get #state(): ReadyState {
    return (this.#bits & STATE) as ReadyState;
  }

  /** We sent a close frame. */
  get closeSent(): boolean {
    return (this.#bits & CLOSE_SENT) !== 0;
  }

  /** The peer's close frame arrived. */
  get closeReceived(): boolean {
    return this.#peerClose !== undefined;
  }

  /** A failure was recorded (a protocol violation, a timeout, a full buffer). */
  get failed(): boolean {
    return this.#error !== undefined;
  }

  /** Input is still processed: false once the peer's close frame arrived or the connection failed. */
  get reading(): boolean {
    return (this.#bits & STOPPED) === 0;
  }

  /** How the connection ended (final once {@link Connection.transportClosed} was called). */
  get result(): CloseResult {
    const error = this.#error;
    const peerClose = this.#peerClose;
    const wasClean = (this.#bits & (STATE | CLOSE_SENT)) === (CLOSED | CLOSE_SENT) && peerClose !== undefined &&
      error === undefined;
    // Without the peer's close frame: 1006 (RFC 6455 §7.1.5).
    return { code: peerClose?.code ?? 1006, reason: peerClose?.reason ?? "", wasClean, error };
  }

  /** Lend a region of codec memory for the next read (zero-copy transports). */
  reserve(): Uint8Array {
    return this.#decoderNow().reserve();
  }

  /** `n` bytes were read into the region from {@link Connection.reserve}. */
  commit(n: number): void {
    this.#decoderNow().commit(n, this);
  }

  /** Bytes read into a buffer the transport owns, or gives away when `owned` (see {@link Decoder.push}). */
  push(bytes: Uint8Array, owned = false): void {
    if (bytes.length > 0) this.#decoderNow().push(bytes, this, owned);
  }

  /** Send a text message. Returns false (and sends nothing) once a close frame was sent or the transport is gone. */
  sendText(text: string): boolean {
    if (!this.#canSend) return false;
    const encoder = this.#encoder;
    const frame = encoder.encodeText(text);
    this.#listener.onWrite(frame, encoder.payloadLength);
    return true;
  }

  /** Send a frame encoded elsewhere (a broadcast encodes once for many). False once a close frame was sent. */
  sendEncoded(frame: Uint8Array, payloadBytes: number): boolean {
    if (!this.#canSend) return false;
    this.#listener.onWrite(frame, payloadBytes);
    return true;
  }

  /** Send a binary message. Returns false once a close frame was sent. */
  sendBinary(data: Uint8Array): boolean {
    return this.#sendFrame(OPCODE_BINARY, data, data.length);
  }

  /** Send a ping (at most 125 bytes; the caller checks). */
  ping(payload: Uint8Array): boolean {
    return this.#sendFrame(OPCODE_PING, payload, 0);
  }

  /**
   * Send a pong (at most 125 bytes; the caller checks). Unlike data, a pong
   * may follow our close frame (§5.5.2: pings are answered until the peer's
   * close arrives); false once input stopped.
   */
  pong(payload: Uint8Array): boolean {
    if ((this.#bits & STOPPED) !== 0 || this.#state === CLOSED) return false;
    this.#listener.onWrite(this.#encoder.encode(OPCODE_PONG, payload), 0);
    return true;
  }

  /**
   * Start (or answer) the closing handshake with `code` and `reason`; a
   * no-op once a close frame was sent. Code 1005 sends an empty close frame.
   */
  close(code = 1005, reason = ""): void {
    if ((this.#bits & CLOSE_SENT) !== 0 || this.#state === CLOSED) return;
    this.#bits = (this.#bits & ~STATE) | CLOSING | CLOSE_SENT;
    const payload = code === 1005 ? new Uint8Array(0) : encodeClosePayload(code, reason);
    this.#listener.onWrite(this.#encoder.encode(OPCODE_CLOSE, payload), 0);
    if (this.#peerClose !== undefined && this.#setup.role === "server") this.#listener.onEndTransport();
  }

  /**
   * Fail the connection (RFC 6455 §7.1.7) for a reason found on our side (a
   * timeout, a full buffer): reading stops and a close frame carries the
   * error's code, unless one was sent already or the code is 1006. The first
   * failure wins: false (and nothing done) when one was recorded before.
   */
  fail(error: WebSocketError): boolean {
    if (!this.#record(error)) return false;
    this.sendFailure();
    return true;
  }

  /** Send the close frame of the recorded failure, unless one was sent already or its code is 1006. */
  sendFailure(): void {
    const error = this.#error;
    if (!(error instanceof WebSocketError) || error.closeCode === 1006) return;
    this.close(error.closeCode, errorInfo(error.code).reason);
  }

  /** The transport is gone: the state is CLOSED and {@link Connection.result} final. */
  transportClosed(): void {
    this.#bits = (this.#bits & ~STATE) | CLOSED | STOPPED;
  }

  /** Release codec memory; the connection must not be used afterwards. */
  dispose(): void {
    // One made now only to be disposed: later input must find a dead decoder, not a fresh one.
    this.#decoderNow().dispose();
  }

  /** Decoder sink: a piece of a data message. */
  onData(view: Uint8Array, text: boolean, first: boolean, last: boolean, frameRemaining?: number): void {
    // A whole binary message is ours already (see FrameSink): no second copy.
    const message = first && last
      ? (text ? MessageAssembler.whole(view, true) : view)
      : (this.#assembler ??= new MessageAssembler()).add(view, text, first, last, frameRemaining);
    if (message !== undefined && (this.#bits & STOPPED) === 0) this.#listener.onMessage(message);
  }

  /** Decoder sink: a whole control frame. */
  onControl(opcode: number, payload: Uint8Array): void {
    if ((this.#bits & STOPPED) !== 0) return;
    if (opcode === OPCODE_PING) {
      const copy = payload.slice();
      this.pong(copy);
      this.#listener.onPing(copy);
    } else if (opcode === OPCODE_PONG) {
      this.#listener.onPong(payload.slice());
    } else if (opcode === OPCODE_CLOSE) {
      const peerClose = this.#peerClose = parseClosePayload(payload);
      this.#bits |= STOPPED;
      if (this.#state === OPEN) this.#bits = (this.#bits & ~STATE) | CLOSING;
      const { code, reason } = peerClose;
      this.#listener.onPeerClose(code, reason);
      const answered = (this.#bits & CLOSE_SENT) !== 0;
      // RFC 6455 §5.5.1: echo the status code we received, and its reason, as ws does
      // (close() ends a server's TCP after sending).
      this.close(code, reason);
      if (answered && this.#setup.role === "server") this.#listener.onEndTransport();
    }
  }

  /** Decoder sink: the input broke the protocol. */
  onError(code: FrameError): void {
    // §1.4: after the peer's close frame, whatever follows is discarded, broken or not.
    if ((this.#bits & STOPPED) !== 0) return;
    const error = new WebSocketError(code);
    if (this.#record(error)) this.#listener.onProtocolError(error);
  }

  #decoderNow(): Decoder {
    return this.#decoder ??= decoderFor(this.#setup);
  }

  // §5.5.1: no data after our close frame; nothing at all once the transport is gone.
  get #canSend(): boolean {
    return (this.#bits & CLOSE_SENT) === 0 && this.#state !== CLOSED;
  }

  #sendFrame(opcode: number, payload: Uint8Array, payloadBytes: number): boolean {
    if (!this.#canSend) return false;
    this.#listener.onWrite(this.#encoder.encode(opcode, payload), payloadBytes);
    return true;
  }

  // The one place a failure is recorded: the first one wins, reading stops.
  #record(error: Error): boolean {
    if (this.#error !== undefined || this.#state === CLOSED) return false;
    this.#error = error;
    this.#bits = (this.#bits & ~STATE) | CLOSING | STOPPED;
    return true;
  }
}

// The bits of Connection.#bits above the state. Input is processed until the
// peer's close frame arrives or the connection fails (RFC 6455 §1.4,
// §7.1.7): STOPPED from then on, and whatever comes is discarded.
const STATE = 3;
const CLOSE_SENT = 4;
const STOPPED = 8;
