/**
 * Keeps `send()` in order when a `Blob` must be read first: the Blob and
 * everything sent after it wait here until their turn, as the WHATWG
 * standard asks. Most sockets never send a Blob and never make one.
 *
 * @example
 * ```ts
 * import { SendQueue } from "./send_order.ts";
 * const queue = new SendQueue();
 * queue.push(new Blob(["first"]));
 * queue.push("second");
 * await queue.pump((payload) => console.log(payload)); // Uint8Array(5), then "second"
 * ```
 * @module
 */

import { sizeOf } from "./message_data.ts";

/** What waits: text, bytes (a copy the queue owns) or a Blob. */
export type Queued = string | Uint8Array | Blob;

/**
 * A first-in, first-out queue of messages, delivered one by one with Blobs
 * read on the way.
 *
 * @example
 * ```ts
 * const queue = new SendQueue();
 * queue.push(new Uint8Array([1, 2]));
 * console.log(queue.bytes); // 2
 * ```
 */
export class SendQueue {
  // Each message with its size in bytes, measured once (a string's needs encoding).
  #items: Array<{ item: Queued; size: number }> = [];
  #bytes = 0;
  #running: Promise<void> | undefined;
  #active = false;
  #last: (() => void) | undefined;

  /** Application bytes waiting (a Blob counts its size). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Add a message; the caller keeps no reference to it (copy buffers first). */
  push(item: Queued): void {
    const size = sizeOf(item);
    this.#items.push({ item, size });
    this.#bytes += size;
  }

  /** Nothing waits and nothing is being delivered: a message may skip the queue. */
  get idle(): boolean {
    return this.#running === undefined && this.#items.length === 0;
  }

  /**
   * Hand every message, in order, to `deliver` (with its size in bytes),
   * including those pushed meanwhile; one pump at a time, and a second call
   * joins the running one.
   */
  pump(deliver: (payload: string | Uint8Array, size: number) => void): Promise<void> {
    if (this.#running !== undefined) return this.#running;
    const run = this.#run(deliver);
    // A run without a Blob to read has already finished here: only one still going is remembered.
    if (this.#active) this.#running = run;
    return run;
  }

  /**
   * Run `last` once every message pushed so far was delivered: at once when
   * idle. A close frame goes out this way, behind the data sent before it.
   */
  finish(last: () => void): void {
    if (this.idle) last();
    else this.#last = last;
  }

  /** Drop every waiting message (and the `finish` action): the connection is gone. */
  clear(): void {
    this.#items = [];
    this.#bytes = 0;
    this.#last = undefined;
  }

  /** Resolves once nothing is being delivered. */
  settled(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #run(deliver: (payload: string | Uint8Array, size: number) => void): Promise<void> {
    this.#active = true;
    try {
      while (this.#items.length > 0) {
        const items = this.#items;
        const { item, size } = items[0];
        // A Blob that cannot be read is dropped, not left blocking everything behind it.
        const payload = item instanceof Blob ? await readBlob(item) : item;
        // Cleared while the Blob was read: it went with the rest.
        if (items !== this.#items) continue;
        items.shift();
        this.#bytes -= size;
        if (payload !== undefined) deliver(payload, size);
      }
      const last = this.#last;
      this.#last = undefined;
      last?.();
    } finally {
      // Cleared in the same turn as the last delivery, so the next send() may skip the queue.
      this.#active = false;
      this.#running = undefined;
    }
  }
}

async function readBlob(blob: Blob): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await blob.arrayBuffer());
  } catch {
    return undefined;
  }
}
