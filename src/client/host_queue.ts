/**
 * One connection at a time per host (RFC 6455 §4.1, client requirement 2;
 * WHATWG WebSockets "establish a WebSocket connection"): while a
 * connection to a host and port is CONNECTING, the next one to the same
 * host and port waits until it opens or fails. The host is the URL's host
 * name: the client does not resolve it first, so, as the RFC allows when
 * the address is unknown, each name counts as a host of its own.
 *
 * @example
 * ```ts
 * import { HostQueue } from "./host_queue.ts";
 * const queue = new HostQueue();
 * const release = await queue.acquire("example.com:443");
 * const next = queue.acquire("example.com:443"); // waits
 * release();
 * (await next)();
 * ```
 * @module
 */

/**
 * Slots by host, each held by one connection attempt from before its TCP
 * connect until it opens or fails.
 *
 * @example
 * ```ts
 * const queue = new HostQueue();
 * const release = await queue.acquire("h:80");
 * queue.connecting("h:80"); // true
 * release();
 * ```
 */
export class HostQueue {
  // Present while the host has a connection CONNECTING; the array holds who waits next, in order.
  readonly #hosts = new Map<string, Array<() => void>>();

  /**
   * Wait for the host's slot; resolves with the function that gives it up
   * (idempotent). Rejects with the signal's reason if it aborts first, and
   * the waiter leaves the line.
   */
  acquire(host: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const waiting = this.#hosts.get(host);
    if (waiting === undefined) {
      this.#hosts.set(host, []);
      return Promise.resolve(this.#releaser(host));
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const at = waiting.indexOf(grant);
        if (at >= 0) waiting.splice(at, 1);
        reject(signal!.reason);
      };
      const grant = (): void => {
        signal?.removeEventListener("abort", onAbort);
        resolve(this.#releaser(host));
      };
      waiting.push(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** True while a connection to `host` holds its slot. */
  connecting(host: string): boolean {
    return this.#hosts.has(host);
  }

  #releaser(host: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const waiting = this.#hosts.get(host)!;
      const next = waiting.shift();
      if (next === undefined) this.#hosts.delete(host);
      else next();
    };
  }
}

/**
 * The key of a host and port.
 *
 * @example
 * ```ts
 * hostKey("::1", 8080); // "[::1]:8080"
 * ```
 */
export function hostKey(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}
