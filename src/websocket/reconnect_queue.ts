/**
 * What a `ReconnectingWebSocket` was given to send while not open: kept in
 * order, bounded by count and bytes (past either, `push` throws
 * `WS_ERR_RECONNECT_QUEUE_FULL` rather than dropping silently), handed over
 * once a connection opens.
 *
 * @example
 * ```ts
 * import { ReconnectQueue } from "./reconnect_queue.ts";
 * const queue = new ReconnectQueue(2, 1024);
 * queue.push("a");
 * queue.push(new Uint8Array([1]));
 * console.log(queue.bytes); // 2
 * for (const data of queue.take()) console.log(data);
 * ```
 * @module
 */

import { WebSocketError } from "../protocol/errors.ts";
import { bytesOf, sizeOf } from "./message_data.ts";

/** A message waiting to be sent. */
export type Outgoing = string | ArrayBufferLike | ArrayBufferView | Blob;

/**
 * The bounded, ordered queue of messages waiting for a connection.
 *
 * @example
 * ```ts
 * const queue = new ReconnectQueue(1000, 16 * 1024 * 1024);
 * queue.push("subscribe");
 * console.log(queue.length, queue.bytes); // 1 9
 * ```
 */
export class ReconnectQueue {
  readonly #maxMessages: number;
  readonly #maxBytes: number;
  #items: Outgoing[] = [];
  #bytes = 0;

  /** At most `maxMessages` messages and `maxBytes` bytes wait. */
  constructor(maxMessages: number, maxBytes: number) {
    this.#maxMessages = maxMessages;
    this.#maxBytes = maxBytes;
  }

  /** How many messages wait. */
  get length(): number {
    return this.#items.length;
  }

  /** How many bytes wait (text counted as UTF-8). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Add `data` at the end; throws `WS_ERR_RECONNECT_QUEUE_FULL` past a bound. */
  push(data: Outgoing): void {
    const size = sizeOf(data);
    if (this.#items.length >= this.#maxMessages || this.#bytes + size > this.#maxBytes) {
      throw new WebSocketError(
        "WS_ERR_RECONNECT_QUEUE_FULL",
        `${this.#items.length} messages (${this.#bytes} bytes) already wait for the reconnection`,
      );
    }
    // A copy: the caller may reuse its buffer before the connection is back.
    this.#items.push(typeof data === "string" || data instanceof Blob ? data : bytesOf(data).slice());
    this.#bytes += size;
  }

  /** Everything waiting, in order, leaving the queue empty. */
  take(): Outgoing[] {
    const items = this.#items;
    this.clear();
    return items;
  }

  /** Drop everything waiting. */
  clear(): void {
    this.#items = [];
    this.#bytes = 0;
  }
}
