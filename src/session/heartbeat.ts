/**
 * Dead-peer detection and ping round-trip times. With an idle timeout set,
 * a connection that hears nothing for that long is pinged, and failed if it
 * stays silent as long again. One timer per connection, checked by
 * timestamps so a busy connection never re-arms timers per read.
 *
 * @example
 * ```ts
 * import { Heartbeat } from "./heartbeat.ts";
 * const heartbeat = new Heartbeat(30_000, {
 *   ping: (payload) => console.log("ping", payload.length),
 *   timeout: () => console.log("peer is gone"),
 * });
 * heartbeat.start();
 * heartbeat.stop();
 * ```
 * @module
 */

import { type Clock, systemClock } from "./clock.ts";

/** What the heartbeat asks of its session. */
export interface HeartbeatActions {
  /** Send a ping with this payload. */
  ping(payload: Uint8Array): void;
  /** The peer stayed silent too long. */
  timeout(): void;
}

/**
 * Idle detection plus outstanding-ping bookkeeping.
 *
 * @example
 * ```ts
 * const heartbeat = new Heartbeat(0, { ping() {}, timeout() {} });
 * heartbeat.pingSent(new Uint8Array([1]));
 * console.log(heartbeat.pongReceived(new Uint8Array([1]))); // a round-trip time in ms
 * ```
 */
export class Heartbeat {
  readonly #idle: number;
  readonly #actions: HeartbeatActions;
  readonly #clock: Clock;
  #timer: unknown;
  #lastInput = 0;
  #probing = false;
  #pings: Array<{ payload: Uint8Array; at: number }> = [];

  /** Ping after `idleTimeout` ms of silence (0: never), timed by `clock`. */
  constructor(idleTimeout: number, actions: HeartbeatActions, clock: Clock = systemClock) {
    this.#idle = idleTimeout;
    this.#actions = actions;
    this.#clock = clock;
  }

  /** Begin watching (no-op without an idle timeout). */
  start(): void {
    this.#lastInput = this.#clock.now();
    if (this.#idle <= 0 || this.#timer !== undefined) return;
    this.#timer = this.#clock.setInterval(() => this.#check(), Math.max(1, this.#idle / 2));
  }

  /** Stop every timer. */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
    this.#pings = [];
  }

  /** Any input counts as a sign of life. */
  received(): void {
    this.#lastInput = this.#clock.now();
    this.#probing = false;
  }

  /** We sent a ping with `payload`. */
  pingSent(payload: Uint8Array): void {
    // Bounded: a peer that never answers must not grow this list forever.
    if (this.#pings.length >= 64) this.#pings.shift();
    this.#pings.push({ payload, at: this.#clock.now() });
  }

  /**
   * A pong arrived: match it to the oldest ping with the same payload and
   * return the round-trip time in ms (undefined for an unsolicited pong).
   */
  pongReceived(payload: Uint8Array): number | undefined {
    const index = this.#pings.findIndex((ping) => sameBytes(ping.payload, payload));
    if (index < 0) return undefined;
    const rtt = this.#clock.now() - this.#pings[index].at;
    this.#pings.splice(0, index + 1);
    return rtt;
  }

  #check(): void {
    const silent = this.#clock.now() - this.#lastInput;
    if (silent < this.#idle) return;
    if (!this.#probing) {
      this.#probing = true;
      this.#lastInput = this.#clock.now();
      const payload = new Uint8Array(0);
      this.pingSent(payload);
      this.#actions.ping(payload);
    } else {
      this.stop();
      this.#actions.timeout();
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
