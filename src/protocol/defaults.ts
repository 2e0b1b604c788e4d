/**
 * Every default of wasmws in one place: message limits, timeouts, the send
 * buffer's high-water mark, head limits and the server's connection cap.
 * Client and server apply them through one function
 * (`src/session/options.ts`), so the two roles cannot drift apart.
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
export const DEFAULT_LIMITS: ConnectionLimits = Object.freeze({ maxPayload: 100 * 1024 * 1024, maxFragments: 100_000 });

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
 * Silence after which a connection is pinged, in ms: 0, no heartbeat.
 *
 * @example
 * ```ts
 * console.log(DEFAULT_IDLE_TIMEOUT); // 0
 * ```
 */
export const DEFAULT_IDLE_TIMEOUT = 0;

/**
 * Bytes queued in the transport above which `onBufferFull` applies (16 MiB).
 *
 * @example
 * ```ts
 * console.log(DEFAULT_HIGH_WATER_MARK / 1024 / 1024); // 16
 * ```
 */
export const DEFAULT_HIGH_WATER_MARK = 16 * 1024 * 1024;

/**
 * What a full send buffer does by default: wait (the application uses `drained()`).
 *
 * @example
 * ```ts
 * console.log(DEFAULT_ON_BUFFER_FULL); // "wait"
 * ```
 */
export const DEFAULT_ON_BUFFER_FULL: "wait" | "close" = "wait";

/**
 * How long a client waits for the opening handshake, connect included, in ms.
 *
 * @example
 * ```ts
 * console.log(DEFAULT_CLIENT_HANDSHAKE_TIMEOUT); // 30000
 * ```
 */
export const DEFAULT_CLIENT_HANDSHAKE_TIMEOUT = 30_000;

/**
 * How long a server waits for a client's upgrade request, in ms.
 *
 * @example
 * ```ts
 * console.log(DEFAULT_SERVER_HANDSHAKE_TIMEOUT); // 10000
 * ```
 */
export const DEFAULT_SERVER_HANDSHAKE_TIMEOUT = 10_000;

/**
 * How long a server's shutdown waits for clients to close before terminating them, in ms.
 *
 * @example
 * ```ts
 * console.log(DEFAULT_SHUTDOWN_TIMEOUT); // 5000
 * ```
 */
export const DEFAULT_SHUTDOWN_TIMEOUT = 5000;

/**
 * Largest HTTP head, in bytes (431 or a failed handshake beyond).
 *
 * @example
 * ```ts
 * console.log(DEFAULT_MAX_HEAD_BYTES); // 16384
 * ```
 */
export const DEFAULT_MAX_HEAD_BYTES = 16384;

/**
 * Most header fields in an HTTP head.
 *
 * @example
 * ```ts
 * console.log(DEFAULT_MAX_HEADERS); // 100
 * ```
 */
export const DEFAULT_MAX_HEADERS = 100;

/**
 * Largest body a client reads from a refused handshake's response, in bytes.
 *
 * @example
 * ```ts
 * console.log(DEFAULT_MAX_RESPONSE_BODY_BYTES); // 65536
 * ```
 */
export const DEFAULT_MAX_RESPONSE_BODY_BYTES = 65536;
