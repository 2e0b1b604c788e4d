// Test helper, not a test: a virtual clock for the session's timers. Time
// moves only when a test calls advance(), so timing rules are checked
// without sleeping, whatever the machine's load.
import type { Clock } from "../../src/session/clock.ts";

interface Timer {
  id: number;
  at: number;
  every: number | undefined;
  callback: () => void;
}

/** A {@link Clock} whose time moves only by {@link VirtualClock.advance}. */
export class VirtualClock implements Clock {
  #now = 0;
  #nextId = 1;
  #timers = new Map<number, Timer>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    return this.#add(callback, ms, undefined);
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  setInterval(callback: () => void, ms: number): unknown {
    return this.#add(callback, ms, ms);
  }

  clearInterval(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Move time forward by `ms`, firing every timer due on the way, in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.#timers.values()) {
        if (timer.at <= end && (next === undefined || timer.at < next.at)) next = timer;
      }
      if (next === undefined) break;
      this.#now = next.at;
      if (next.every === undefined) this.#timers.delete(next.id);
      else next.at += Math.max(1, next.every);
      next.callback();
    }
    this.#now = end;
  }

  #add(callback: () => void, ms: number, every: number | undefined): number {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, ms), every, callback });
    return id;
  }
}
