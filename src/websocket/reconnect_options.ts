/**
 * The options and events of `ReconnectingWebSocket` (see `reconnecting.ts`).
 *
 * @example
 * ```ts
 * import type { ReconnectingWebSocketOptions } from "./reconnect_options.ts";
 * const options: ReconnectingWebSocketOptions = { minDelay: 250, maxAttempts: 8, maxQueuedMessages: 100 };
 * ```
 * @module
 */

import type { BackoffOptions } from "../client/backoff.ts";
import type { CloseEvent } from "./close_event.ts";
import type { WebSocketOptions } from "./websocket.ts";

/** What `beforeConnect` learns about the coming attempt. */
export interface ConnectAttempt {
  /** 0 for the first connection, then 1, 2 … for the reconnections in a row. */
  attempt: number;
  /** The URL the attempt would use. */
  url: string;
}

/** What `beforeConnect` may change, from this attempt on. */
export interface ConnectOverrides {
  /** Connect here instead. */
  url?: string | URL;
  /** Handshake headers instead. */
  headers?: WebSocketOptions["headers"];
  /** Subprotocols instead. */
  protocols?: string | string[];
}

/** A `close` event of a {@link ReconnectingWebSocket}. */
export interface ReconnectCloseEvent extends CloseEvent {
  /** A reconnection is scheduled (a `reconnect` event follows). */
  readonly willReconnect: boolean;
}

/** The `reconnect` event: the next attempt is scheduled. */
export interface ReconnectEvent extends Event {
  /** 1 for the first reconnection after a drop, then 2, 3 … (reset once a connection lasts `minUptime`) */
  readonly attempt: number;
  /** Milliseconds until the attempt. */
  readonly delay: number;
  /** The close code that ended the last connection (1006 when it never opened). */
  readonly code: number;
}

/** The timer and random source (tests pass a fake clock). */
export interface ReconnectClock {
  /** Like `setTimeout`. */
  setTimeout(run: () => void, ms: number): unknown;
  /** Like `clearTimeout`. */
  clearTimeout(id: unknown): void;
  /** A number in [0, 1), like `Math.random`. */
  random(): number;
  /** Milliseconds since any fixed point, like `performance.now` (the default when left out). */
  now?(): number;
}

/** Options: those of `WebSocket` (an aborted `signal` ends the reconnecting too), plus when and how to reconnect. */
export interface ReconnectingWebSocketOptions extends WebSocketOptions, BackoffOptions {
  /** Failed attempts in a row before giving up (default: never give up). */
  maxAttempts?: number;
  /**
   * How long (ms) a connection must stay open before the failure count and the backoff start over
   * (default 5000, as reconnecting-websocket's `minUptime`): one that drops sooner counts as a failed
   * attempt, so a server that accepts and drops at once is retried ever more slowly, not in a tight loop.
   */
  minUptime?: number;
  /** Most messages waiting while not open (default 1000). */
  maxQueuedMessages?: number;
  /** Most bytes waiting while not open (default 16 MiB). */
  maxQueuedBytes?: number;
  /** Runs before every attempt; its result applies from that attempt on. A throw counts as a failed attempt. */
  beforeConnect?(attempt: ConnectAttempt): ConnectOverrides | void | Promise<ConnectOverrides | void>;
  /** Timers and randomness (default: the global timers and `Math.random`). */
  clock?: ReconnectClock;
}

/**
 * The global timers and `Math.random`.
 *
 * @example
 * ```ts
 * SYSTEM_CLOCK.setTimeout(() => console.log("later"), 10);
 * ```
 */
export const SYSTEM_CLOCK: ReconnectClock = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  random: Math.random,
  now: () => performance.now(),
};
