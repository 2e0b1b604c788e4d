/**
 * The order in which the application sees a connection's events. Events
 * are delivered one at a time with a microtask checkpoint between them, so
 * the promise continuations of one handler run before the next event starts:
 * close to the browser's one-task-per-event model, without a timer per event.
 * What one read brought is delivered as a whole: the transport's writes are
 * corked until its events are, and reading waits while they are behind.
 *
 * @example
 * ```ts
 * import { EventQueue } from "./event_queue.ts";
 * const queue = new EventQueue();
 * queue.push(() => console.log("open"));
 * queue.push(() => console.log("message"));
 * await queue.flush(); // logs "open", then "message"
 * ```
 * @module
 */

import type { Transport } from "../transport/types.ts";
import { reportListenerError } from "./report.ts";
import { ReadHolds } from "./read_holds.ts";

/**
 * A first-in, first-out queue of event deliveries.
 *
 * @example
 * ```ts
 * const queue = new EventQueue();
 * queue.push(() => { throw new Error("a listener bug"); }); // reported, not thrown
 * void queue.flush();
 * ```
 */
export class EventQueue {
  // Made on first use and dropped when delivered: an idle connection keeps no array.
  #events: Array<() => unknown> | undefined;
  #head = 0;
  #flushing = false;
  #idle: Array<() => void> | undefined;
  /**
   * Whether each delivery waits for the previous one's microtasks (the
   * browser's one task per event). Owners that need no such checkpoint (a
   * handler object) save a promise job per event.
   */
  checkpoints = true;
  /**
   * Kept here, made when a connection is first busy as its queue is (a slot
   * of their own would cost every idle session one): the step queued after
   * each read's events that ends the transport's cork (see
   * {@link EventQueue.deliverRead}), and the holds on reading.
   */
  uncork: (() => void) | undefined;
  /** The session's holds on reading (see `uncork`). */
  holds: ReadHolds | undefined;

  /** A flush is delivering events (they yield to microtasks between them). */
  get flushing(): boolean {
    return this.#flushing;
  }

  /**
   * Deliver the events one read brought. The replies to them share a write:
   * a transport that corks holds writes until this read's events are
   * delivered. Not until the flush ends: under a steady inbound stream one
   * flush takes in read after read, and replies (pongs, close replies) would
   * wait for the stream to pause. A read that lands while an earlier one is
   * still being delivered holds reading until the queue is idle.
   */
  deliverRead(transport: Pick<Transport, "cork" | "uncork" | "pause" | "resume">): void {
    const behind = this.#flushing;
    if (transport.cork !== undefined) {
      transport.cork();
      this.push(this.uncork ??= () => transport.uncork!());
    }
    void this.flush();
    if (behind) this.readHolds(transport).holdUntilDelivered(this);
  }

  /** The holds on reading `transport`, made when reading is first held. */
  readHolds(transport: Pick<Transport, "pause" | "resume">): ReadHolds {
    return this.holds ??= new ReadHolds(transport);
  }

  /** Resolves once nothing is left to deliver (at once when idle). */
  whenIdle(): Promise<void> {
    if (!this.#flushing) return Promise.resolve();
    return new Promise((resolve) => (this.#idle ??= []).push(resolve));
  }

  /** Queue a delivery; it runs at the next {@link EventQueue.flush}. */
  push(event: () => unknown): void {
    (this.#events ??= []).push(event);
  }

  /** Deliver everything queued, including what is queued meanwhile; a no-op while already flushing. */
  async flush(): Promise<void> {
    if (this.#flushing || this.#events === undefined) return;
    this.#flushing = true;
    try {
      let events: Array<() => unknown> | undefined;
      while ((events = this.#events) !== undefined && this.#head < events.length) {
        const event = events[this.#head++];
        // A connection that never goes quiet must not keep every delivered event.
        if (this.#head >= 1024) {
          this.#events = events.slice(this.#head);
          this.#head = 0;
        }
        let result: unknown;
        try {
          result = event();
        } catch (error) {
          reportListenerError(error);
        }
        // An event that returned a promise gets its checkpoint anyway: its
        // rejection is known before the next event, whoever the owner is.
        if (this.checkpoints || result instanceof Promise) await null;
      }
      // Dropped rather than emptied: an idle connection should not keep a burst's capacity.
      this.#events = undefined;
      this.#head = 0;
    } finally {
      this.#flushing = false;
      const idle = this.#idle;
      this.#idle = undefined;
      if (idle !== undefined) { for (const wake of idle) wake(); }
    }
  }
}
