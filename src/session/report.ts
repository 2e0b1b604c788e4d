/**
 * Where exceptions thrown by application listeners go: logged, as a
 * browser logs an uncaught listener error, and never rethrown — a
 * throwing listener must not break the connection or end the process.
 *
 * @example
 * ```ts
 * import { reportListenerError } from "./report.ts";
 * reportListenerError(new Error("a listener failed")); // logged, nothing thrown
 * ```
 * @module
 */

/**
 * Log a listener's exception.
 *
 * @example
 * ```ts
 * try { JSON.parse("{"); } catch (error) { reportListenerError(error); }
 * ```
 */
export function reportListenerError(error: unknown): void {
  console.error(error);
}
