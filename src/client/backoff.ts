/**
 * How long a reconnecting client waits before each attempt: exponential
 * backoff with jitter, capped. Pure arithmetic, so it is tested with a
 * fixed random source; the timer lives with the caller (and a fake clock
 * can stand in for it).
 *
 * Attempt `n` (1-based) waits `min(maxDelay, minDelay × factor^(n-1))`,
 * less a random part of up to `jitter` of it: with the default jitter of
 * 0.5 the wait lies between half and all of the exponential figure, so
 * clients dropped together do not come back together.
 *
 * @example
 * ```ts
 * import { backoffDelay } from "./backoff.ts";
 * backoffDelay(1, {}, () => 0); // 500: the first retry, no jitter drawn
 * backoffDelay(4, { minDelay: 100, factor: 2, jitter: 0 }, Math.random); // 800
 * ```
 * @module
 */

/** Backoff settings (all optional). */
export interface BackoffOptions {
  /** The first wait, in ms (default 500). */
  minDelay?: number;
  /** The longest wait, in ms (default 30000, or `minDelay` when that is longer). */
  maxDelay?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** The part of each wait drawn at random, 0–1 (default 0.5). */
  jitter?: number;
}

/**
 * The wait before attempt `attempt` (1-based), in ms. `random` returns a
 * number in [0, 1), like `Math.random`.
 *
 * @example
 * ```ts
 * backoffDelay(20, { maxDelay: 10_000, jitter: 0 }, Math.random); // 10000
 * backoffDelay(1, { minDelay: 1000, jitter: 0.5 }, () => 0.5); // 750
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const minDelay = options.minDelay ?? 500;
  const maxDelay = options.maxDelay ?? Math.max(30_000, minDelay);
  const factor = options.factor ?? 2;
  const jitter = Math.min(Math.max(options.jitter ?? 0.5, 0), 1);
  const exponential = Math.min(maxDelay, minDelay * factor ** Math.max(attempt - 1, 0));
  return Math.round(exponential * (1 - jitter * random()));
}

/**
 * Check backoff settings, throwing a `RangeError` that names the setting
 * for a negative or non-finite delay, a `maxDelay` below `minDelay`, a
 * factor below 1, or a jitter outside 0–1.
 *
 * @example
 * ```ts
 * checkBackoff({ minDelay: 100, maxDelay: 50 }); // throws: maxDelay below minDelay
 * ```
 */
export function checkBackoff(options: BackoffOptions): void {
  const { minDelay = 500, factor = 2, jitter = 0.5 } = options;
  const maxDelay = options.maxDelay ?? Math.max(30_000, minDelay);
  const problem = !(Number.isFinite(minDelay) && minDelay >= 0)
    ? `minDelay must be a finite number of ms from 0, not ${minDelay}`
    : !(Number.isFinite(maxDelay) && maxDelay >= minDelay)
    ? `maxDelay must be a finite number of ms from minDelay (${minDelay}) on, not ${maxDelay}`
    : !(Number.isFinite(factor) && factor >= 1)
    ? `factor must be a finite number from 1, not ${factor}`
    : !(jitter >= 0 && jitter <= 1)
    ? `jitter must be from 0 to 1, not ${jitter}`
    : undefined;
  if (problem !== undefined) throw new RangeError(`Cannot reconnect with these settings: ${problem}`);
}
