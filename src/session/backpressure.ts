/**
 * `bufferedAmount` bookkeeping: application bytes handed to `send` that the
 * transport has not yet passed to the operating system. Framing is not
 * counted (WHATWG). The figure never drops while the code that called
 * `send` is still running: it settles in a microtask after it. And the rule
 * for a peer that does not read: above the high-water mark, the session
 * waits for `drained()` or, with `onBufferFull: "close"`, fails with 1008.
 *
 * @example
 * ```ts
 * import { SendLedger } from "./backpressure.ts";
 * const ledger = new SendLedger({ writableLength: 0 });
 * ledger.wrote(7, 5); // a 5-byte message in a 7-byte frame
 * console.log(ledger.buffered); // 5 until the next task
 * await ledger.drained();
 * ```
 * @module
 */

import type { ResolvedSessionOptions } from "./options.ts";

/** The one figure the ledger reads from a transport. */
export interface QueueLength {
  /** Bytes accepted but not yet handed to the operating system. */
  readonly writableLength: number;
}

/**
 * Tracks frames in flight; settles lazily, once per task at most.
 *
 * @example
 * ```ts
 * const ledger = new SendLedger({ writableLength: 0 });
 * ledger.wrote(10, 8);
 * ledger.settle();
 * console.log(ledger.buffered); // 0
 * ```
 */
export class SendLedger {
  readonly #queue: QueueLength;
  // A FIFO of pairs: the cumulative frame-byte offset where a frame ends, and
  // its payload bytes. Empty between bursts, made on first use (idle
  // connections are many).
  #frames: number[] | undefined;
  #head = 0;
  #written = 0;
  #buffered = 0;
  #scheduled = false;
  #waiters: Array<() => void> | undefined;
  #closed = false;

  constructor(queue: QueueLength) {
    this.#queue = queue;
  }

  /** Application bytes not yet handed to the operating system. */
  get buffered(): number {
    return this.#buffered;
  }

  /** A frame of `frameBytes` carrying `payloadBytes` of application data was written. */
  wrote(frameBytes: number, payloadBytes: number): void {
    this.#written += frameBytes;
    if (payloadBytes === 0) return;
    (this.#frames ??= []).push(this.#written, payloadBytes);
    this.#buffered += payloadBytes;
    if (!this.#scheduled) {
      this.#scheduled = true;
      // After the sending code has run (a timer per send costs too much on hot paths).
      queueMicrotask(() => {
        this.#scheduled = false;
        this.settle();
      });
    }
  }

  /** Drop what the transport has flushed; wake `drained()` waiters at zero. */
  settle(): void {
    if (this.#closed) return;
    const frames = this.#frames;
    if (frames !== undefined) {
      const flushed = this.#written - this.#queue.writableLength;
      while (this.#head < frames.length && frames[this.#head] <= flushed) {
        this.#buffered -= frames[this.#head + 1];
        this.#head += 2;
      }
      if (this.#head === frames.length) {
        this.#frames = undefined;
        this.#head = 0;
      }
    }
    if (this.#buffered === 0) this.#wake();
  }

  /** Resolves when nothing is buffered (at once if nothing is). */
  drained(): Promise<void> {
    if (this.#buffered === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => (this.#waiters ??= []).push(resolve));
  }

  /** The transport is gone: what is buffered stays buffered (WHATWG), and waiters are released. */
  closed(): void {
    this.#closed = true;
    this.#wake();
  }

  /** Count bytes sent after the connection closed: they only ever grow the figure. */
  addAfterClose(bytes: number): void {
    this.#buffered += bytes;
  }

  #wake(): void {
    const waiters = this.#waiters;
    if (waiters === undefined) return;
    this.#waiters = undefined;
    for (const wake of waiters) wake();
  }
}

/**
 * The send buffer is full and the options say to close: bytes queued in the
 * transport passed `highWaterMark` under `onBufferFull: "close"`.
 *
 * @example
 * ```ts
 * const options = { highWaterMark: 1024, onBufferFull: "close" } as const;
 * console.log(overflows(options, { writableLength: 4096 })); // true
 * console.log(overflows({ ...options, onBufferFull: "wait" }, { writableLength: 4096 })); // false
 * ```
 */
export function overflows(
  options: Pick<ResolvedSessionOptions, "highWaterMark" | "onBufferFull">,
  queue: QueueLength,
): boolean {
  return options.onBufferFull === "close" && queue.writableLength > options.highWaterMark;
}
