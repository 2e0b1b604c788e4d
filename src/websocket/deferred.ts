/**
 * A promise settled from outside, that nobody need await: `opened` and
 * `closed` of a `WebSocketStream` may reject while the application never
 * looked at them, and a browser does not report that as unhandled either.
 *
 * @example
 * ```ts
 * import { Deferred } from "./deferred.ts";
 * const closed = new Deferred<number>();
 * closed.reject(new Error("never read")); // reported nowhere
 * ```
 * @module
 */

const ignore = () => {};

/**
 * A promise and its two settling functions.
 *
 * @example
 * ```ts
 * const opened = new Deferred<string>();
 * opened.promise.then((protocol) => console.log(protocol));
 * opened.resolve("chat");
 * ```
 */
export class Deferred<T> {
  /** Settled by {@link Deferred.resolve} or {@link Deferred.reject}. */
  readonly promise: Promise<T>;
  /** Fulfil the promise (the first settling counts). */
  resolve!: (value: T) => void;
  /** Reject the promise (the first settling counts). */
  reject!: (reason: unknown) => void;

  /** An unsettled promise. */
  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.promise.catch(ignore);
  }
}
