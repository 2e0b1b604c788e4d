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

// Set for one construction by `_closed`: what the engine reports is not checked like an application's close().
let reported: { closeCode: number; reason: string } | undefined;

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
    super(message, "WebSocketError");
    const engine = reported;
    reported = undefined;
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

  /** @internal An error for what the engine reports (any code, 1006 included, unchecked). */
  static _closed(message: string, closeCode: number, reason: string, cause?: unknown): WebSocketStreamError {
    reported = { closeCode, reason };
    return new WebSocketStreamError(message, { cause });
  }
}
