/**
 * Receive backpressure: who holds reading the socket paused. The owner
 * holds it while it cannot take more (a `WebSocketStream` whose readable is
 * full), and the session holds it while delivering events falls behind
 * reads (on Deno a read can complete as a microtask, and undelivered events
 * would pile up without bound). The transport pauses at the first hold and
 * resumes when the last is released, so the peer's TCP window closes.
 *
 * @example
 * ```ts
 * import { ReadHolds } from "./read_holds.ts";
 * const holds = new ReadHolds({ pause: () => console.log("pause"), resume: () => console.log("resume") });
 * holds.pauseForOwner(); // logs "pause"
 * holds.resumeForOwner(); // logs "resume"
 * ```
 * @module
 */

import type { Transport } from "../transport/types.ts";

const HELD_BY_OWNER = 1;
const HELD_BY_BACKLOG = 2;

/**
 * The holds on one transport's reading. A session's event queue makes it
 * (`EventQueue.readHolds`) when reading is first held, not per connection:
 * idle sessions are many.
 *
 * @example
 * ```ts
 * import { EventQueue } from "./event_queue.ts";
 * const queue = new EventQueue();
 * const holds = new ReadHolds({ pause: () => console.log("pause"), resume: () => console.log("resume") });
 * queue.push(() => {});
 * const delivering = queue.flush();
 * holds.holdUntilDelivered(queue); // logs "pause"
 * holds.pauseForOwner(); // already paused: nothing
 * await delivering; // the backlog's hold is released, the owner's stays
 * holds.resumeForOwner(); // logs "resume"
 * ```
 */
export class ReadHolds {
  readonly #transport: Pick<Transport, "pause" | "resume">;
  #holds = 0;

  /** Holds on reading `transport`. */
  constructor(transport: Pick<Transport, "pause" | "resume">) {
    this.#transport = transport;
  }

  /** The owner stops reading until {@link ReadHolds.resumeForOwner}. */
  pauseForOwner(): void {
    this.#hold(HELD_BY_OWNER);
  }

  /** The owner reads again (no-op without its hold). */
  resumeForOwner(): void {
    this.#release(HELD_BY_OWNER);
  }

  /** A read arrived while `queue` still delivers an earlier one's events: hold reading until they are delivered. */
  holdUntilDelivered(queue: { whenIdle(): Promise<void> }): void {
    if ((this.#holds & HELD_BY_BACKLOG) !== 0) return;
    this.#hold(HELD_BY_BACKLOG);
    void queue.whenIdle().then(() => this.#release(HELD_BY_BACKLOG));
  }

  #hold(holder: number): void {
    if (this.#holds === 0) this.#transport.pause();
    this.#holds |= holder;
  }

  #release(holder: number): void {
    if ((this.#holds & holder) === 0) return;
    this.#holds &= ~holder;
    if (this.#holds === 0) this.#transport.resume();
  }
}
