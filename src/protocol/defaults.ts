/**
 * Every default of a connection in one place: message limits, timeouts and
 * the send buffer's high-water mark, shared by client and server.
 *
 * @example
 * ```ts
 * import { DEFAULT_LIMITS } from "./defaults.ts";
 * console.log(DEFAULT_LIMITS.maxPayload); // 104857600
 * ```
 * @module
 */

import type { ConnectionLimits } from "./connection.ts";

/**
 * Message limits when none are given: 100 MiB messages (as ws), 100,000 fragments.
 *
 * @example
 * ```ts
 * const limits = { ...DEFAULT_LIMITS, maxPayload: 1 << 20 };
 * ```
 */
export const DEFAULT_LIMITS: ConnectionLimits = { maxPayload: 100 * 1024 * 1024, maxFragments: 100_000 };

/**
 * How long a closing handshake may take before the transport is destroyed, in ms.
 *
 * @example
 * ```ts
 * declare const options: { closeTimeout?: number };
 * const closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
 * ```
 */
export const DEFAULT_CLOSE_TIMEOUT = 5000;

/**
 * Bytes queued in the transport above which `onBufferFull` applies (16 MiB).
 *
 * @example
 * ```ts
 * console.log(DEFAULT_HIGH_WATER_MARK / 1024 / 1024); // 16
 * ```
 */
export const DEFAULT_HIGH_WATER_MARK = 16 * 1024 * 1024;
