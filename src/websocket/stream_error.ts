/**
 * The WHATWG WebSocketStream proposal's `WebSocketError`: a `DOMException`
 * named `"WebSocketError"` with the close code and reason. Exported as
 * `WebSocketStreamError`, since wasmws's `WebSocketError` (the engine's
 * failures, with stable `WS_ERR_*` codes) already holds that name; the
 * engine's error, when there is one, is the `cause`.
 *
 * @example
 * ```ts
 * import { WebSocketStreamError } from "./stream_error.ts";
 * const error = new WebSocketStreamError("done", { closeCode: 4000, reason: "bye" });
 * console.log(error.name, error.closeCode, error.reason); // "WebSocketError" 4000 "bye"
 * ```
 * @module
 */

import { checkCloseArguments } from "../protocol/close_codes.ts";

// The constructor's first argument when the engine reports a close: no user code can pass it.
const REPORTED: unique symbol = Symbol("reported");

// What the engine reports is not checked like an application's close().
interface Reported {
  message: string;
  closeCode: number;
  reason: string;
  cause?: unknown;
}

/** A close code and reason, as `close()` takes them and `closed` reports them. */
export interface WebSocketCloseInfo {
  /** 1000 or 3000–4999 when given by the application. */
  closeCode?: number;
  /** At most 123 UTF-8 bytes (default ""). */
  reason?: string;
}

/**
 * Why a `WebSocketStream` failed or was closed abnormally.
 *
 * @example
 * ```ts
 * const error = new WebSocketStreamError("", { reason: "no code" });
 * console.log(error.closeCode); // 1000: a reason alone closes with 1000
 * ```
 */
export class WebSocketStreamError extends DOMException {
  readonly #closeCode: number | null;
  readonly #reason: string;

  /**
   * Throws like `close()` for a code that is neither 1000 nor 3000–4999, or
   * a reason over 123 bytes.
   */
  constructor(message = "", init: WebSocketCloseInfo & { cause?: unknown } = {}) {
    const engine = (message as unknown) === REPORTED ? init as Reported : undefined;
    super(engine === undefined ? message : engine.message, "WebSocketError");
    const reason = engine?.reason ?? init.reason ?? "";
    const code = engine?.closeCode ?? checkCloseArguments(init.closeCode, init.reason);
    this.#closeCode = code ?? (reason === "" ? null : 1000);
    this.#reason = reason;
    if (init.cause !== undefined) Object.defineProperty(this, "cause", { value: init.cause, configurable: true });
  }

  /** The close code, or null. */
  get closeCode(): number | null {
    return this.#closeCode;
  }

  /** The close reason ("" when none). */
  get reason(): string {
    return this.#reason;
  }
}

/**
 * An error for what the engine reports: any close code, 1006 included,
 * unchecked. Not exported from the package: only the engine reports.
 *
 * @example
 * ```ts
 * const error = closedError("Cannot continue the WebSocket connection: closed abnormally", 1006, "");
 * console.log(error.closeCode); // 1006, which new WebSocketStreamError() refuses
 * ```
 */
export function closedError(message: string, closeCode: number, reason: string, cause?: unknown): WebSocketStreamError {
  const reported: Reported = { message, closeCode, reason, cause };
  return new WebSocketStreamError(REPORTED as unknown as string, reported);
}
