/**
 * The event classes the WebSocket interface dispatches: the runtime's own
 * `CloseEvent`, `MessageEvent` and `ErrorEvent` where it has them (so
 * `instanceof` works as users expect), small spec-shaped stand-ins where it
 * does not (Node 20/22 lack `CloseEvent`, Node lacks `ErrorEvent`).
 *
 * @example
 * ```ts
 * import { CloseEvent } from "./dom.ts";
 * const event = new CloseEvent("close", { code: 1000, reason: "done", wasClean: true });
 * console.log(event.code, event.wasClean);
 * ```
 * @module
 */

/** Fields of a `CloseEvent`. */
export interface CloseEventInit extends EventInit {
  /** Close code. */
  code?: number;
  /** Close reason. */
  reason?: string;
  /** Whether the closing handshake completed. */
  wasClean?: boolean;
}

/** The `close` event's shape. */
export interface CloseEventLike extends Event {
  /** Close code. */
  readonly code: number;
  /** Close reason. */
  readonly reason: string;
  /** Whether the closing handshake completed. */
  readonly wasClean: boolean;
}

/** Fields of an `ErrorEvent`. */
export interface ErrorEventInit extends EventInit {
  /** Human-readable message. */
  message?: string;
  /** The error itself (a `WebSocketError` with a stable `code`). */
  error?: unknown;
}

/** The `error` event's shape: a plain event in browsers, with `message` and `error` here. */
export interface ErrorEventLike extends Event {
  /** Human-readable message. */
  readonly message: string;
  /** The error itself. */
  readonly error: unknown;
}

class CloseEventShim extends Event implements CloseEventLike {
  readonly #init: CloseEventInit;
  constructor(type: string, init: CloseEventInit = {}) {
    super(type, init);
    this.#init = init;
  }
  get code(): number {
    return this.#init.code ?? 0;
  }
  get reason(): string {
    return this.#init.reason ?? "";
  }
  get wasClean(): boolean {
    return this.#init.wasClean ?? false;
  }
}

class ErrorEventShim extends Event implements ErrorEventLike {
  readonly #init: ErrorEventInit;
  constructor(type: string, init: ErrorEventInit = {}) {
    super(type, init);
    this.#init = init;
  }
  get message(): string {
    return this.#init.message ?? "";
  }
  get error(): unknown {
    return this.#init.error;
  }
}

const globals = globalThis as unknown as {
  CloseEvent?: new (type: string, init?: CloseEventInit) => CloseEventLike;
  ErrorEvent?: new (type: string, init?: ErrorEventInit) => ErrorEventLike;
};

/**
 * `CloseEvent`: the runtime's own, or a stand-in with the same fields.
 *
 * @example
 * ```ts
 * new CloseEvent("close", { code: 1006 }).wasClean; // false
 * ```
 */
export const CloseEvent: new (type: string, init?: CloseEventInit) => CloseEventLike = globals.CloseEvent ??
  CloseEventShim;

/**
 * `ErrorEvent`: the runtime's own, or a stand-in with `message` and `error`.
 *
 * @example
 * ```ts
 * new ErrorEvent("error", { message: "Cannot connect" }).message;
 * ```
 */
export const ErrorEvent: new (type: string, init?: ErrorEventInit) => ErrorEventLike = globals.ErrorEvent ??
  ErrorEventShim;
