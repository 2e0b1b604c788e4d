/**
 * The runtime's document location, where it has one: browsers, workers,
 * Deno run with `--location`. The WebSocket constructor resolves relative
 * URLs against it and sends its origin as `Origin`, as browsers do.
 *
 * @example
 * ```ts
 * import { runtimeLocation } from "./location.ts";
 * console.log(runtimeLocation()?.origin ?? "no location");
 * ```
 * @module
 */

/** The parts of `globalThis.location` a client uses. */
export interface RuntimeLocation {
  /** The base URL. */
  href: string;
  /** The origin, serialized (`"null"` for an opaque one). */
  origin: string;
}

/**
 * `globalThis.location`'s `href` and `origin`, read now (a test or a
 * worker may set it at any time); undefined where there is none.
 *
 * @example
 * ```ts
 * const base = runtimeLocation()?.href; // e.g. "https://example.com/app/"
 * ```
 */
export function runtimeLocation(): RuntimeLocation | undefined {
  let location: { href?: unknown; origin?: unknown } | undefined;
  try {
    location = (globalThis as { location?: { href?: unknown; origin?: unknown } }).location;
  } catch {
    // Some runtimes throw on reading a location they were not given.
    return undefined;
  }
  if (location === undefined || location === null) return undefined;
  const href = location.href;
  if (typeof href !== "string" && !(href instanceof URL)) return undefined;
  const origin = typeof location.origin === "string" ? location.origin : new URL(String(href)).origin;
  return { href: String(href), origin };
}
