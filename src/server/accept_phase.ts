/**
 * What the server holds for one connection between the first byte of its
 * request and its decision: the handshake timer, and the bytes that came
 * after the head (the first frames, or a request body). Both are bounded:
 * the timer by `handshakeTimeout`, the bytes by pausing the transport.
 *
 * @example
 * ```ts
 * import { AcceptPhase } from "./accept_phase.ts";
 * import type { Transport } from "../transport/types.ts";
 * declare const transport: Transport;
 * const phase = new AcceptPhase(transport, 10_000);
 * phase.push(new Uint8Array([0x81, 0x80]));
 * phase.refuse(new TextEncoder().encode("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"));
 * ```
 * @module
 */

import { ByteQueue } from "../bytes/byte_queue.ts";
import type { Transport } from "../transport/types.ts";

/** Bytes kept while the application decides; past this the transport stops reading. */
export const LATE_LIMIT = 2 * 1024 * 1024;

/**
 * One connection's accept phase.
 *
 * @example
 * ```ts
 * import type { Transport } from "../transport/types.ts";
 * declare const transport: Transport;
 * const phase = new AcceptPhase(transport, 5000);
 * phase.open((bytes) => console.log(bytes.length, "bytes of first frames"));
 * ```
 */
export class AcceptPhase {
  /** The bytes that came after the head. */
  readonly late: ByteQueue = new ByteQueue();
  readonly #transport: Transport;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #discarding = false;

  /** Destroy `transport` unless the phase settles within `timeout` ms. */
  constructor(transport: Transport, timeout: number) {
    this.#transport = transport;
    this.rearm(timeout);
  }

  /**
   * Destroy the transport unless the phase settles within `timeout` ms from
   * now (a persistent connection waits for its next request so long).
   */
  rearm(timeout: number): void {
    clearTimeout(this.#timer);
    const transport = this.#transport;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      transport.destroy();
    }, timeout);
  }

  /** Bytes after the head: kept until the decision, the transport paused once too many wait. */
  push(bytes: Uint8Array): void {
    if (this.#discarding) return;
    this.late.push(bytes);
    if (this.late.length > LATE_LIMIT) this.#transport.pause();
  }

  /**
   * A persistent connection's answer is out: wait `timeout` ms for its next
   * request, whose first bytes (pipelined behind the last) are returned,
   * and read on if too many had paused the transport.
   */
  next(timeout: number): Uint8Array {
    this.rearm(timeout);
    const queued = this.late.take();
    this.#transport.resume();
    return queued;
  }

  /** Nothing more to wait for from the peer (or it is gone): the timer stops. */
  settle(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * The connection ends with an answer on its way: what the peer sends now
   * is dropped, and the transport reads on (a paused one would never see
   * the peer's FIN, and the socket would outlive the answer).
   */
  discard(): void {
    this.settle();
    this.#discarding = true;
    this.late.take();
    this.#transport.resume();
  }

  /** Answer with `bytes` and end the connection. */
  refuse(bytes: Uint8Array): void {
    this.discard();
    this.#transport.write(bytes);
    this.#transport.end();
  }

  /** The socket is open: `deliver` gets the bytes kept, then the transport reads on. */
  open(deliver: (bytes: Uint8Array) => void): void {
    this.settle();
    if (this.late.length > 0) deliver(this.late.take());
    this.#transport.resume();
  }
}
