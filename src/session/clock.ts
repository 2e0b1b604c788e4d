/**
 * The time source of a session's timers (the heartbeat, the closing timer):
 * the runtime's clock in production, a virtual one in tests, so timing rules
 * are tested without sleeping.
 *
 * @example
 * ```ts
 * import { systemClock } from "./clock.ts";
 * const timer = systemClock.setTimeout(() => console.log("late"), 1000);
 * systemClock.clearTimeout(timer);
 * console.log(systemClock.now() >= 0); // true
 * ```
 * @module
 */

/**
 * What a timer of the session needs from time.
 *
 * @example
 * ```ts
 * const frozen: Clock = {
 *   now: () => 0,
 *   setTimeout: () => 0,
 *   clearTimeout: () => {},
 *   setInterval: () => 0,
 *   clearInterval: () => {},
 * };
 * ```
 */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Run `callback` once after `ms`; the handle goes to {@link Clock.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancel a timeout (a handle already fired or cleared is ignored). */
  clearTimeout(handle: unknown): void;
  /** Run `callback` every `ms`; the handle goes to {@link Clock.clearInterval}. */
  setInterval(callback: () => void, ms: number): unknown;
  /** Cancel an interval. */
  clearInterval(handle: unknown): void;
}

/**
 * The runtime's clock: `performance.now()` and the global timers.
 *
 * @example
 * ```ts
 * const started = systemClock.now();
 * systemClock.setTimeout(() => console.log(systemClock.now() - started), 10);
 * ```
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};
