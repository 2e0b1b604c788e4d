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

import { reportListenerError } from "../session/report.ts";
import { exposeMembers } from "./idl.ts";

// HTML keeps any object as a handler ([LegacyTreatNonObjectAsNull]); only a function is called.
type Handler = ((event: Event) => unknown) | object | null;

// workerd's EventTarget calls an object's `on<type>` property by itself when
// it dispatches (a service-worker legacy), which would run every handler
// twice. Where the runtime does that, the property reads as null to the one
// lookup each dispatch makes before it calls any listener. This leans on
// that lookup coming first (tests/interop/workerd_test.ts runs a real
// workerd): were it skipped, a listener reading `on<type>` in that one
// dispatch would see null.
const RUNTIME_CALLS_HANDLERS = ((): boolean => {
  let read = false;
  const probe = new (class extends EventTarget {
    get onprobe(): null {
      read = true;
      return null;
    }
  })();
  probe.dispatchEvent(new Event("probe"));
  return read;
})();

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
  // Registered wrappers as flat triples: listener, "type|capture", wrapper.
  // Both lists are made on first use and searched linearly: a socket has a
  // handful of listeners, and idle servers hold many sockets.
  #wrappers: unknown[] | undefined;
  #handlers: Map<string, { handler: Handler; listener: EventListener | undefined }> | undefined;
  #hiddenFromRuntime: string | undefined;

  /** As `EventTarget.dispatchEvent`; where the runtime calls `on<type>` itself, it does not see the handler. */
  override dispatchEvent(event: Event): boolean {
    if (!RUNTIME_CALLS_HANDLERS) return super.dispatchEvent(event);
    this.#hiddenFromRuntime = event.type;
    try {
      return super.dispatchEvent(event);
    } finally {
      this.#hiddenFromRuntime = undefined;
    }
  }

  /** As `EventTarget.addEventListener`, with the listener wrapped so it cannot throw out of dispatch. */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    if (listener === null || listener === undefined) return;
    const key = `${type}|${captureOf(options)}`;
    let wrapper = this.#find(listener, key);
    if (wrapper === undefined) {
      const once = typeof options === "object" && options.once === true;
      const registered: EventListener = wrapper = (event: Event) => {
        if (once) this.#forget(registered);
        try {
          if (typeof listener === "function") listener.call(this, event);
          else listener.handleEvent(event);
        } catch (error) {
          reportListenerError(error);
        }
      };
      // A literal for the first: push() would reserve room for 17 entries.
      if (this.#wrappers === undefined) this.#wrappers = [listener, key, wrapper];
      else this.#wrappers.push(listener, key, wrapper);
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
    const wrapper = this.#find(listener, `${type}|${captureOf(options)}`);
    if (wrapper === undefined) return;
    this.#forget(wrapper);
    super.removeEventListener(type, wrapper, options);
  }

  #find(listener: unknown, key: string): EventListener | undefined {
    const wrappers = this.#wrappers;
    if (wrappers === undefined) return undefined;
    for (let i = 0; i < wrappers.length; i += 3) {
      if (wrappers[i] === listener && wrappers[i + 1] === key) return wrappers[i + 2] as EventListener;
    }
    return undefined;
  }

  #forget(wrapper: EventListener): void {
    const wrappers = this.#wrappers!;
    const i = wrappers.indexOf(wrapper);
    if (i >= 2) wrappers.splice(i - 2, 3);
  }

  /** The current `on<type>` handler. */
  // deno-lint-ignore no-explicit-any -- each subclass types its own on<type> attributes
  protected getHandler(type: string): any {
    if (this.#hiddenFromRuntime === type) {
      this.#hiddenFromRuntime = undefined;
      return null;
    }
    return this.#handlers?.get(type)?.handler ?? null;
  }

  /**
   * Set `on<type>`: the first non-null value registers a listener in order
   * with the others; later values replace the handler in place; null, or
   * anything but an object or function, removes it. An object that is not
   * callable is kept (and read back) but never called, as browsers do.
   */
  protected setHandler(type: string, value: unknown): void {
    const handler = typeof value === "function" || (typeof value === "object" && value !== null)
      ? value as Handler
      : null;
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
        const handler = current.handler;
        if (typeof handler !== "function") return;
        try {
          handler.call(this, event);
        } catch (error) {
          reportListenerError(error);
        }
      };
      super.addEventListener(type, slot.listener);
    }
  }
}

exposeMembers(SafeEventTarget.prototype, ["addEventListener", "removeEventListener", "dispatchEvent"]);

function captureOf(options: boolean | EventListenerOptions | undefined): boolean {
  return typeof options === "boolean" ? options : options?.capture === true;
}
