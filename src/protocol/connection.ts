/**
 * The sans-I/O WebSocket connection (RFC 6455 §5–§7) after the opening
 * handshake: bytes in, events and bytes out. It knows nothing of sockets or
 * timers; the session feeds it reads and carries out what it asks for.
 *
 * @example
 * ```ts
 * import { Connection } from "./connection.ts";
 * import { loadCodec } from "../codec/load.ts";
 * const connection = new Connection(await loadCodec(), "server", {
 *   write: (bytes) => console.log("send", bytes.length),
 *   message: (data) => console.log("message", data),
 *   pingReceived: () => {},
 *   pongReceived: () => {},
 *   closeFrame: (code, reason) => console.log("peer closed", code, reason),
 *   fail: (error) => console.error(error.code),
 *   endTransport: () => console.log("close TCP now"),
 * });
 * connection.push(new Uint8Array([0x88, 0x82, 1, 2, 3, 4, 0x02, 0xea]));
 * ```
 * @module
 */

import type { Codec, Decoder, Encoder, FrameSink, Role } from "../codec/mod.ts";
import { OPCODE_BINARY, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG } from "../codec/mod.ts";
import { encodeClosePayload, parseClosePayload } from "./close_codes.ts";
import { errorInfo, parserErrorCode, WebSocketError } from "./errors.ts";
import { MessageAssembler } from "./assembler.ts";

/** What the connection asks of its driver, synchronously and in order. */
export interface ConnectionListener {
  /** Bytes to send, in order. `payloadBytes` is the application data they carry. */
  write(bytes: Uint8Array, payloadBytes: number): void;
  /** A whole message: a string for text, a fresh `Uint8Array` for binary. */
  message(data: string | Uint8Array): void;
  /** A ping arrived (a pong was already queued in reply). */
  pingReceived(payload: Uint8Array): void;
  /** A pong arrived. */
  pongReceived(payload: Uint8Array): void;
  /** The peer's close frame arrived (code 1005 when it carried none). */
  closeFrame(code: number, reason: string): void;
  /** A protocol violation: a close frame with its code was queued; the connection is failed. */
  fail(error: WebSocketError): void;
  /** The protocol wants the transport closed now (RFC 6455 §7.1.1: the server closes TCP first). */
  endTransport(): void;
}

/** Limits for received messages. */
export interface ConnectionLimits {
  /** Largest message in bytes, across fragments (1009 beyond). */
  maxPayload: number;
  /** Most frames per message (1009 beyond). */
  maxFragments: number;
}

/** Defaults shared by client and server: 100 MiB messages (as ws), 100,000 fragments. */
export const DEFAULT_LIMITS: ConnectionLimits = { maxPayload: 100 * 1024 * 1024, maxFragments: 100_000 };

/**
 * One WebSocket connection in the OPEN state or later. It is its decoder's
 * {@link FrameSink} itself: a server holds many idle connections, and
 * per-connection callback objects add up.
 *
 * @example
 * ```ts
 * declare const connection: Connection;
 * connection.sendText("hello");
 * connection.close(1000, "bye");
 * ```
 */
export class Connection implements FrameSink {
  /** We sent a close frame. */
  closeSent = false;
  /** The peer's close frame arrived. */
  closeReceived = false;
  /** The connection was failed (protocol violation). */
  failed = false;

  readonly #role: Role;
  readonly #listener: ConnectionListener;
  readonly #decoder: Decoder;
  readonly #encoder: Encoder;
  #assembler: MessageAssembler | undefined;

  constructor(codec: Codec, role: Role, listener: ConnectionListener, limits: ConnectionLimits = DEFAULT_LIMITS) {
    this.#role = role;
    this.#listener = listener;
    this.#decoder = codec.decoder({ role, maxPayload: limits.maxPayload, maxFragments: limits.maxFragments });
    this.#encoder = codec.encoder(role);
  }

  /** The handshake (both closes) is done. */
  get closingHandshakeDone(): boolean {
    return this.closeSent && this.closeReceived;
  }

  /** Lend a region of codec memory for the next read (zero-copy transports). */
  reserve(): Uint8Array {
    return this.#decoder.reserve();
  }

  /** `n` bytes were read into the region from {@link Connection.reserve}. */
  commit(n: number): void {
    this.#decoder.commit(n, this);
  }

  /** Bytes read into a buffer the transport owns. */
  push(bytes: Uint8Array): void {
    if (bytes.length > 0) this.#decoder.push(bytes, this);
  }

  /** Send a text message. Returns false (and sends nothing) once a close frame was sent. */
  sendText(text: string): boolean {
    if (this.closeSent) return false;
    const frame = this.#encoder.encodeText(text);
    this.#listener.write(frame, frame.length - headerLength(frame));
    return true;
  }

  /** Send a frame encoded elsewhere (a broadcast encodes once for many). False once a close frame was sent. */
  sendEncoded(frame: Uint8Array, payloadBytes: number): boolean {
    if (this.closeSent) return false;
    this.#listener.write(frame, payloadBytes);
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
   * close arrives); false once the peer's close arrived.
   */
  pong(payload: Uint8Array): boolean {
    if (this.closeReceived) return false;
    this.#listener.write(this.#encoder.encode(OPCODE_PONG, payload), 0);
    return true;
  }

  /**
   * Start (or answer) the closing handshake with `code` and `reason`; a
   * no-op once a close frame was sent. Code 1005 sends an empty close frame.
   */
  close(code = 1005, reason = ""): void {
    if (this.closeSent) return;
    this.closeSent = true;
    const payload = code === 1005 ? new Uint8Array(0) : encodeClosePayload(code, reason);
    this.#listener.write(this.#encoder.encode(OPCODE_CLOSE, payload), 0);
    if (this.closeReceived && this.#role === "server") this.#listener.endTransport();
  }

  /** Release codec memory; the connection must not be used afterwards. */
  dispose(): void {
    this.#decoder.dispose();
  }

  /** Decoder sink: a piece of a data message. */
  data(view: Uint8Array, text: boolean, first: boolean, last: boolean, frameRemaining?: number): void {
    const message = first && last
      ? MessageAssembler.whole(view, text)
      : (this.#assembler ??= new MessageAssembler()).add(view, text, first, last, frameRemaining);
    if (message !== undefined && !this.closeReceived) this.#listener.message(message);
  }

  /** Decoder sink: a whole control frame. */
  control(opcode: number, payload: Uint8Array): void {
    if (this.closeReceived) return;
    if (opcode === OPCODE_PING) {
      const copy = payload.slice();
      this.pong(copy);
      this.#listener.pingReceived(copy);
    } else if (opcode === OPCODE_PONG) {
      this.#listener.pongReceived(payload.slice());
    } else if (opcode === OPCODE_CLOSE) {
      this.closeReceived = true;
      const { code, reason } = parseClosePayload(payload);
      this.#listener.closeFrame(code, reason);
      const answered = this.closeSent;
      // RFC 6455 §5.5.1: echo the status code we received, and its reason, as ws does
      // (close() ends a server's TCP after sending).
      this.close(code, reason);
      if (answered && this.#role === "server") this.#listener.endTransport();
    }
  }

  /** Decoder sink: the input broke the protocol. */
  error(id: number): void {
    this.#fail(new WebSocketError(parserErrorCode(id)));
  }

  #sendFrame(opcode: number, payload: Uint8Array, payloadBytes: number): boolean {
    if (this.closeSent) return false;
    this.#listener.write(this.#encoder.encode(opcode, payload), payloadBytes);
    return true;
  }

  #fail(error: WebSocketError): void {
    // §1.4: after the peer's close frame, whatever follows is discarded, broken or not.
    if (this.failed || this.closeReceived) return;
    this.failed = true;
    this.close(error.closeCode, errorInfo(error.code).reason);
    this.closeReceived = true;
    this.#listener.fail(error);
    this.#listener.endTransport();
  }
}

/**
 * The length of a frame's header (with its masking key, if any).
 *
 * @example
 * ```ts
 * headerLength(new Uint8Array([0x81, 0x02, 0x68, 0x69])); // 2
 * ```
 */
export function headerLength(frame: Uint8Array): number {
  const len7 = frame[1] & 0x7f;
  const masked = (frame[1] & 0x80) !== 0 ? 4 : 0;
  return (len7 === 127 ? 10 : len7 === 126 ? 4 : 2) + masked;
}
