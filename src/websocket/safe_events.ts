/**
 * Listeners that can never break the connection or the process: a listener
 * that throws is reported (as a browser would log it) and dispatch goes on.
 * Node turns a throwing `EventTarget` listener into an uncaught exception
 * and Deno into a fatal `error` event, so every listener is wrapped before
 * the runtime's `EventTarget` sees it. Also keeps WHATWG event handler
 * attributes (`onopen` …). {@link SafeListeners} is the state one target
 * holds (made on first use, no class between an interface and
 * `EventTarget`); {@link SafeEventTarget} is the same as a base class, for
 * event targets that may have one.
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
import { exposeMembers, toDOMString } from "./idl.ts";

// HTML keeps any object as a handler ([LegacyTreatNonObjectAsNull]); only a function is called.
type Handler = ((event: Event) => unknown) | object | null;

const nativeAdd = EventTarget.prototype.addEventListener;
const nativeRemove = EventTarget.prototype.removeEventListener;
const nativeDispatch = EventTarget.prototype.dispatchEvent;

/**
 * True where the runtime's `EventTarget` calls an object's `on<type>`
 * property by itself when it dispatches (workerd, a service-worker legacy),
 * which would run every handler twice. There the property reads as null to
 * the one lookup each dispatch makes before it calls any listener
 * ({@link SafeListeners.dispatch}). This leans on that lookup coming first
 * (tests/interop/workerd_test.ts runs a real workerd): were it skipped, a
 * listener reading `on<type>` in that one dispatch would see null.
 *
 * @example
 * ```ts
 * if (RUNTIME_CALLS_HANDLERS) console.log("workerd-style EventTarget");
 * ```
 */
export const RUNTIME_CALLS_HANDLERS: boolean = ((): boolean => {
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
 * The listener state of one event target: wrapped listeners and `on<type>`
 * handlers, registered with the runtime's own `EventTarget` methods.
 *
 * @example
 * ```ts
 * const target = new EventTarget();
 * const listeners = new SafeListeners(target);
 * listeners.setHandler("tick", () => console.log("tick"));
 * listeners.dispatch(new Event("tick"));
 * ```
 */
export class SafeListeners {
  readonly #target: EventTarget;
  // Registered wrappers as flat quadruples: listener, type, capture, wrapper.
  // Both lists are made on first use and searched linearly: a socket has a
  // handful of listeners, and idle servers hold many sockets.
  #wrappers: unknown[] | undefined;
  #handlers: Map<string, { handler: Handler; listener: EventListener | undefined }> | undefined;
  #hiddenFromRuntime: string | undefined;

  constructor(target: EventTarget) {
    this.#target = target;
  }

  /** As `EventTarget.addEventListener` (same arguments), with the listener wrapped so it cannot throw out of dispatch. */
  add(args: IArguments | unknown[]): void {
    // Indexed, not destructured: destructuring walks an iterator, garbage on every call.
    const type = args[0] as string;
    const listener = args[1];
    const options = args[2] as boolean | AddEventListenerOptions | undefined;
    // Missing arguments, a null or a non-object listener: the runtime's checks and no-ops, as they are.
    if (args.length < 2 || !isCallback(listener)) return void nativeAdd.apply(this.#target, args as never);
    const name = toDOMString(type);
    const capture = captureOf(options);
    let wrapper = this.#find(listener, name, capture);
    if (wrapper === undefined) {
      const once = typeof options === "object" && options !== null && options.once === true;
      const registered = wrapper = once ? this.#forgotten(listener) : safely(listener);
      // A literal for the first: push() would reserve room for 17 entries.
      if (this.#wrappers === undefined) this.#wrappers = [listener, name, capture, wrapper];
      else this.#wrappers.push(listener, name, capture, wrapper);
      const signal = typeof options === "object" && options !== null ? options.signal : undefined;
      signal?.addEventListener("abort", () => this.#forget(registered), { once: true });
    }
    nativeAdd.call(this.#target, name, wrapper, options);
  }

  /** As `EventTarget.removeEventListener` (same arguments), for listeners added here. */
  remove(args: IArguments | unknown[]): void {
    const type = args[0] as string;
    const listener = args[1];
    const options = args[2] as boolean | EventListenerOptions | undefined;
    if (args.length < 2 || !isCallback(listener)) return void nativeRemove.apply(this.#target, args as never);
    const name = toDOMString(type);
    const wrapper = this.#find(listener, name, captureOf(options));
    // Not a listener added here: maybe one of our wrappers, which the runtime removes through this very
    // method when an `options.signal` aborts (Node and Deno call the target's removeEventListener).
    if (wrapper === undefined) return void nativeRemove.apply(this.#target, args as never);
    this.#forget(wrapper);
    nativeRemove.call(this.#target, name, wrapper, options);
  }

  /** Dispatch with the runtime's `dispatchEvent`; where it calls `on<type>` itself, it does not see the handler. */
  dispatch(event: Event): boolean {
    if (!RUNTIME_CALLS_HANDLERS) return nativeDispatch.call(this.#target, event);
    this.#hiddenFromRuntime = event.type;
    try {
      return nativeDispatch.call(this.#target, event);
    } finally {
      this.#hiddenFromRuntime = undefined;
    }
  }

  /** The current `on<type>` handler. */
  // deno-lint-ignore no-explicit-any -- each interface types its own on<type> attributes
  getHandler(type: string): any {
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
  setHandler(type: string, value: unknown): void {
    const handler = typeof value === "function" || (typeof value === "object" && value !== null)
      ? value as Handler
      : null;
    const handlers = this.#handlers ??= new Map();
    let slot = handlers.get(type);
    if (slot === undefined) handlers.set(type, slot = { handler: null, listener: undefined });
    slot.handler = handler;
    if (handler === null && slot.listener !== undefined) {
      nativeRemove.call(this.#target, type, slot.listener);
      slot.listener = undefined;
    } else if (handler !== null && slot.listener === undefined) {
      const current = slot;
      const target = this.#target;
      slot.listener = (event: Event) => {
        const handler = current.handler;
        if (typeof handler !== "function") return;
        try {
          handler.call(target, event);
        } catch (error) {
          reportListenerError(error);
        }
      };
      nativeAdd.call(this.#target, type, slot.listener);
    }
  }

  #find(listener: unknown, type: string, capture: boolean): EventListener | undefined {
    const wrappers = this.#wrappers;
    if (wrappers === undefined) return undefined;
    for (let i = 0; i < wrappers.length; i += 4) {
      if (wrappers[i] === listener && wrappers[i + 1] === type && wrappers[i + 2] === capture) {
        return wrappers[i + 3] as EventListener;
      }
    }
    return undefined;
  }

  #forget(wrapper: EventListener): void {
    const wrappers = this.#wrappers!;
    const i = wrappers.indexOf(wrapper);
    if (i >= 3) wrappers.splice(i - 3, 4);
  }

  // A `once` listener's wrapper also leaves the list when it runs.
  #forgotten(listener: EventListenerOrEventListenerObject): EventListener {
    const inner = safely(listener);
    const forget = (wrapper: EventListener) => this.#forget(wrapper);
    return function forgotten(this: EventTarget, event: Event): void {
      forget(forgotten);
      inner.call(this, event);
    };
  }
}

/**
 * `listener` wrapped so that what it throws is reported, not thrown. A
 * closure over the listener alone: the runtime calls it with the target as
 * `this` (the event's current target), as it would have called the listener.
 */
function safely(listener: EventListenerOrEventListenerObject): EventListener {
  return function (this: EventTarget, event: Event): void {
    try {
      if (typeof listener === "function") listener.call(this, event);
      else listener.handleEvent(event);
    } catch (error) {
      reportListenerError(error);
    }
  };
}

/**
 * `EventTarget` with exception-safe listeners and event handler attributes,
 * for event targets that may sit on a class of their own.
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
  #listeners: SafeListeners | undefined;

  /** As `EventTarget.dispatchEvent`; where the runtime calls `on<type>` itself, it does not see the handler. */
  override dispatchEvent(event: Event): boolean {
    return this.#state().dispatch(event);
  }

  /** As `EventTarget.addEventListener`, with the listener wrapped so it cannot throw out of dispatch. */
  override addEventListener(
    _type: string,
    _listener: EventListenerOrEventListenerObject | null,
    _options?: boolean | AddEventListenerOptions,
  ): void {
    this.#state().add(arguments);
  }

  /** As `EventTarget.removeEventListener`, for listeners added here. */
  override removeEventListener(
    _type: string,
    _listener: EventListenerOrEventListenerObject | null,
    _options?: boolean | EventListenerOptions,
  ): void {
    this.#state().remove(arguments);
  }

  /** The current `on<type>` handler. */
  // deno-lint-ignore no-explicit-any -- each subclass types its own on<type> attributes
  protected getHandler(type: string): any {
    return this.#listeners?.getHandler(type) ?? null;
  }

  /** Set the `on<type>` handler (see {@link SafeListeners.setHandler}). */
  protected setHandler(type: string, value: unknown): void {
    this.#state().setHandler(type, value);
  }

  #state(): SafeListeners {
    return this.#listeners ??= new SafeListeners(this);
  }
}

exposeMembers(SafeEventTarget.prototype, ["addEventListener", "removeEventListener", "dispatchEvent"]);

function isCallback(listener: unknown): listener is EventListenerOrEventListenerObject {
  return typeof listener === "function" || (typeof listener === "object" && listener !== null);
}

function captureOf(options: boolean | EventListenerOptions | undefined): boolean {
  return typeof options === "boolean" ? options : typeof options === "object" && options?.capture === true;
}
