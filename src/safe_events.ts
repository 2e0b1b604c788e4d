/**
 * An `EventTarget` whose listeners can never break the connection or the
 * process: a listener that throws is reported (as a browser would log it)
 * and dispatch goes on. Node turns a throwing `EventTarget` listener into an
 * uncaught exception and Deno into a fatal `error` event, so every listener
 * is wrapped. Also implements WHATWG event handler attributes (`onopen` …).
 *
 * @example
 * ```ts
 * import { SafeEventTarget } from "./safe_events.ts";
 * const target = new SafeEventTarget();
 * target.addEventListener("ping", () => { throw new Error("boom"); });
 * target.addEventListener("ping", () => console.log("still called"));
 * target.dispatchEvent(new Event("ping")); // logs the error, then "still called"
 * ```
 * @module
 */

import { reportListenerError } from "./report.ts";

type Handler = ((event: Event) => unknown) | null;

/**
 * `EventTarget` with exception-safe listeners and event handler attributes.
 *
 * @example
 * ```ts
 * class Clock extends SafeEventTarget {
 *   get ontick(): ((event: Event) => unknown) | null { return this.getHandler("tick"); }
 *   set ontick(value: ((event: Event) => unknown) | null) { this.setHandler("tick", value); }
 * }
 * const clock = new Clock();
 * clock.ontick = () => console.log("tick");
 * clock.dispatchEvent(new Event("tick"));
 * ```
 */
export class SafeEventTarget extends EventTarget {
  // listener → "type|capture" → the wrapper registered with the native target
  // Both made on first use: most sockets use one style or the other, and idle servers hold many sockets.
  #wrappers: WeakMap<object, Map<string, EventListener>> | undefined;
  #handlers: Map<string, { handler: Handler; listener: EventListener | undefined }> | undefined;

  /** As `EventTarget.addEventListener`, with the listener wrapped so it cannot throw out of dispatch. */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    if (listener === null || listener === undefined) return;
    const key = `${type}|${captureOf(options)}`;
    const wrappers = this.#wrappers ??= new WeakMap();
    let byKey = wrappers.get(listener);
    if (byKey === undefined) wrappers.set(listener, byKey = new Map());
    let wrapper = byKey.get(key);
    if (wrapper === undefined) {
      const once = typeof options === "object" && options.once === true;
      wrapper = (event: Event) => {
        if (once) byKey.delete(key);
        try {
          if (typeof listener === "function") listener.call(this, event);
          else listener.handleEvent(event);
        } catch (error) {
          reportListenerError(error);
        }
      };
      byKey.set(key, wrapper);
    }
    super.addEventListener(type, wrapper, options);
  }

  /** As `EventTarget.removeEventListener`, for listeners added here. */
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    if (listener === null || listener === undefined) return;
    const key = `${type}|${captureOf(options)}`;
    const byKey = this.#wrappers?.get(listener);
    const wrapper = byKey?.get(key);
    if (wrapper === undefined) return;
    byKey!.delete(key);
    super.removeEventListener(type, wrapper, options);
  }

  /** The current `on<type>` handler. */
  // deno-lint-ignore no-explicit-any -- each subclass types its own on<type> attributes
  protected getHandler(type: string): any {
    return this.#handlers?.get(type)?.handler ?? null;
  }

  /**
   * Set `on<type>`: the first non-null value registers a listener in order
   * with the others; later values replace the handler in place; null removes it.
   */
  protected setHandler(type: string, value: unknown): void {
    const handler = typeof value === "function" ? value as (event: Event) => unknown : null;
    const handlers = this.#handlers ??= new Map();
    let slot = handlers.get(type);
    if (slot === undefined) handlers.set(type, slot = { handler: null, listener: undefined });
    slot.handler = handler;
    if (handler === null && slot.listener !== undefined) {
      super.removeEventListener(type, slot.listener);
      slot.listener = undefined;
    } else if (handler !== null && slot.listener === undefined) {
      const current = slot;
      slot.listener = (event: Event) => {
        try {
          current.handler?.call(this, event);
        } catch (error) {
          reportListenerError(error);
        }
      };
      super.addEventListener(type, slot.listener);
    }
  }
}

function captureOf(options: boolean | EventListenerOptions | undefined): boolean {
  return typeof options === "boolean" ? options : options?.capture === true;
}
