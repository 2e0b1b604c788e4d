/**
 * Round-trip times for `wasmws bench`: a log-scale histogram (buckets 1%
 * apart from 1 µs up), so percentiles of millions of samples cost a few
 * kilobytes and stay within 1% of the exact nearest-rank value.
 *
 * @example
 * ```ts
 * import { RttHistogram } from "./rtt_histogram.ts";
 * const rtts = new RttHistogram();
 * for (let ms = 1; ms <= 100; ms++) rtts.add(ms);
 * console.log(rtts.percentile(0.5), rtts.percentile(0.99)); // ~50 ~99
 * ```
 * @module
 */

const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
const SMALLEST_MS = 0.001;

/**
 * Counts of round-trip times (milliseconds) in buckets 1% wide.
 *
 * @example
 * ```ts
 * const rtts = new RttHistogram();
 * rtts.add(0.25);
 * rtts.count; // 1
 * ```
 */
export class RttHistogram {
  #counts = new Float64Array(2048);
  #count = 0;
  #max = 0;

  /** How many samples. */
  get count(): number {
    return this.#count;
  }

  /** Record one round trip of `ms` milliseconds. */
  add(ms: number): void {
    const bucket = ms <= SMALLEST_MS ? 0 : Math.ceil(Math.log(ms / SMALLEST_MS) / LOG_GROWTH);
    if (bucket >= this.#counts.length) {
      const grown = new Float64Array(Math.max(bucket + 1, this.#counts.length * 2));
      grown.set(this.#counts);
      this.#counts = grown;
    }
    this.#counts[bucket]++;
    this.#count++;
    if (ms > this.#max) this.#max = ms;
  }

  /**
   * The nearest-rank percentile (`q` in (0, 1]): the smallest recorded
   * time with at least `q` of the samples at or below it, to within 1%;
   * `NaN` without samples.
   */
  percentile(q: number): number {
    if (this.#count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let bucket = 0; bucket < this.#counts.length; bucket++) {
      seen += this.#counts[bucket];
      // The bucket's upper edge, but never above the largest sample seen.
      if (seen >= rank) return Math.min(SMALLEST_MS * GROWTH ** bucket, this.#max);
    }
    return this.#max;
  }
}
