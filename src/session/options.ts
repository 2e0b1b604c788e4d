/**
 * The one function through which client and server turn what a user gave
 * into the options a session runs with: every default applied (from
 * `protocol/defaults.ts`), limits capped to what the codec can hold.
 *
 * @example
 * ```ts
 * import { resolveSessionOptions } from "./options.ts";
 * const options = resolveSessionOptions({ maxPayload: 1 << 20 });
 * console.log(options.limits.maxPayload, options.closeTimeout); // 1048576 5000
 * ```
 * @module
 */

import { MAX_FRAGMENTS, MAX_PAYLOAD } from "../codec/mod.ts";
import type { ConnectionLimits } from "../protocol/connection.ts";
import {
  DEFAULT_CLOSE_TIMEOUT,
  DEFAULT_HIGH_WATER_MARK,
  DEFAULT_IDLE_TIMEOUT,
  DEFAULT_LIMITS,
  DEFAULT_ON_BUFFER_FULL,
} from "../protocol/defaults.ts";
import type { SessionOptions } from "./contract.ts";
import type { Clock } from "./clock.ts";

/**
 * What a user may set for a connection, client or server.
 *
 * @example
 * ```ts
 * const options: ConnectionOptions = { maxPayload: 1 << 20, idleTimeout: 30_000 };
 * ```
 */
export interface ConnectionOptions extends SessionOptions {
  /** Largest message accepted, in bytes (default 100 MiB; capped at 2^53 - 1). */
  maxPayload?: number;
  /** Most fragments per message (default 100,000; capped at 2^32 - 1). */
  maxFragments?: number;
}

/**
 * The options a session runs with: nothing left to default.
 *
 * @example
 * ```ts
 * declare const options: ResolvedSessionOptions;
 * console.log(options.highWaterMark);
 * ```
 */
export interface ResolvedSessionOptions {
  /** Message limits. */
  readonly limits: ConnectionLimits;
  /** Ms the transport may outlive a close frame. */
  readonly closeTimeout: number;
  /** Ms of silence before a ping (0: none). */
  readonly idleTimeout: number;
  /** Bytes queued above which `onBufferFull` applies. */
  readonly highWaterMark: number;
  /** What a full send buffer does. */
  readonly onBufferFull: "wait" | "close";
  /** Where timers run (tests inject one; absent: the system's). */
  readonly clock?: Clock;
}

/**
 * Apply every default to `options`. `limits`, when given, wins over
 * `maxPayload` and `maxFragments`.
 *
 * @example
 * ```ts
 * resolveSessionOptions({}).limits.maxFragments; // 100000
 * resolveSessionOptions({ maxPayload: Infinity }).limits.maxPayload; // 9007199254740991
 * ```
 */
export function resolveSessionOptions(options: ConnectionOptions): ResolvedSessionOptions {
  const limits = options.limits ?? {
    maxPayload: options.maxPayload ?? DEFAULT_LIMITS.maxPayload,
    maxFragments: options.maxFragments ?? DEFAULT_LIMITS.maxFragments,
  };
  return {
    limits: {
      maxPayload: Math.min(limits.maxPayload, MAX_PAYLOAD),
      maxFragments: Math.min(limits.maxFragments, MAX_FRAGMENTS),
    },
    closeTimeout: options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT,
    idleTimeout: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT,
    highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
    onBufferFull: options.onBufferFull ?? DEFAULT_ON_BUFFER_FULL,
  };
}

/**
 * The options of a session given none.
 *
 * @example
 * ```ts
 * console.log(DEFAULT_SESSION_OPTIONS.onBufferFull); // "wait"
 * ```
 */
export const DEFAULT_SESSION_OPTIONS: ResolvedSessionOptions = Object.freeze(resolveSessionOptions({}));
