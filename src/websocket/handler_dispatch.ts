/**
 * `dispatchEvent` for a class whose listeners live in {@link SafeListeners}
 * state of its own, on runtimes whose `EventTarget` calls `on<type>` itself
 * ({@link RUNTIME_CALLS_HANDLERS}): there a dispatch by the page must hide
 * the handler from the runtime too, as the socket's own events do.
 * Elsewhere the class keeps `EventTarget`'s own `dispatchEvent`.
 *
 * @example
 * ```ts
 * import { dispatchThroughListeners } from "./handler_dispatch.ts";
 * import { SafeListeners } from "./safe_events.ts";
 * class Clock extends EventTarget {
 *   listeners = new SafeListeners(this);
 * }
 * dispatchThroughListeners(Clock.prototype, (value) => value instanceof Clock ? value.listeners : undefined);
 * ```
 * @module
 */

import { RUNTIME_CALLS_HANDLERS, type SafeListeners } from "./safe_events.ts";

const nativeDispatch = EventTarget.prototype.dispatchEvent;

/**
 * Where the runtime calls `on<type>` itself, give `prototype` a
 * `dispatchEvent` that dispatches through the receiver's listener state
 * (`listenersOf`); a receiver without any (no state yet, or not an instance)
 * gets `EventTarget`'s. Elsewhere nothing changes (`install`, for tests,
 * says where).
 *
 * @example
 * ```ts
 * import type { SafeListeners } from "./safe_events.ts";
 * const states = new WeakMap<object, SafeListeners>();
 * class Clock extends EventTarget {}
 * dispatchThroughListeners(Clock.prototype, (value) => states.get(value as object));
 * new Clock().dispatchEvent(new Event("tick"));
 * ```
 */
export function dispatchThroughListeners(
  prototype: EventTarget,
  listenersOf: (value: unknown) => SafeListeners | undefined,
  install: boolean = RUNTIME_CALLS_HANDLERS,
): void {
  if (!install) return;
  Object.defineProperty(prototype, "dispatchEvent", {
    value: function dispatchEvent(this: EventTarget, event: Event): boolean {
      const listeners = listenersOf(this);
      if (listeners === undefined) return nativeDispatch.apply(this, arguments as never);
      return listeners.dispatch(event);
    },
    writable: true,
    enumerable: true,
    configurable: true,
  });
}
