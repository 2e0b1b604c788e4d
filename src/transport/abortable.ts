/**
 * A connect that the runtime cannot cancel (Bun's, Deno's TLS handshake),
 * raced against the caller's signal: the abort wins at once, and whatever
 * connects afterwards is discarded, so nothing waits on a stalled peer.
 *
 * @example
 * ```ts
 * import { abortable } from "./abortable.ts";
 * const abort = new AbortController();
 * const stalled = new Promise<{ close(): void }>(() => {});
 * const racing = abortable(stalled, abort.signal, (late) => late.close());
 * abort.abort();
 * await racing.catch((error) => console.log(error.message)); // "aborted"
 * ```
 * @module
 */

/**
 * `pending`, unless `signal` aborts first: then a rejection, and `discard`
 * gets the value should `pending` still resolve.
 *
 * @example
 * ```ts
 * const value = await abortable(Promise.resolve(1), undefined, () => {}); // 1
 * ```
 */
export function abortable<T>(
  pending: Promise<T>,
  signal: AbortSignal | undefined,
  discard: (late: T) => void,
): Promise<T> {
  if (signal === undefined) return pending;
  return new Promise((resolve, reject) => {
    const abort = () => {
      pending.then(discard, () => {});
      reject(new Error("aborted"));
    };
    signal.addEventListener("abort", abort, { once: true });
    // Forgotten as the value is handed over, not a microtask later: an abort
    // in between would discard a connection the caller already holds.
    const settle = () => signal.removeEventListener("abort", abort);
    pending.then((value) => {
      settle();
      resolve(value);
    }, (error) => {
      settle();
      reject(error);
    });
  });
}
