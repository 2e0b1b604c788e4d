/**
 * `Sec-WebSocket-Extensions` (RFC 6455 §9.1): the list parser, and the
 * client's check that the server chose only what was offered. What
 * permessage-deflate's parameters mean is in `deflate_negotiation.ts`.
 *
 * @example
 * ```ts
 * import { checkResponseExtensions } from "./extensions.ts";
 * checkResponseExtensions([], null); // ""
 * ```
 * @module
 */

import { WebSocketError } from "./errors.ts";
import { isToken } from "./http1/tokens.ts";

/** One negotiated extension and its parameters. */
export interface ExtensionOffer {
  /** Extension name, e.g. `permessage-deflate`. */
  name: string;
  /** Parameters; `true` for a parameter without a value. */
  params: Record<string, string | true>;
  /** Parameter names given more than once (only the last value is in `params`); absent when none. */
  repeated?: string[];
}

/**
 * Parse an extension list; throws `WS_ERR_HANDSHAKE_HEADER` when malformed.
 *
 * @example
 * ```ts
 * parseExtensionHeader("permessage-deflate; client_max_window_bits");
 * // [{ name: "permessage-deflate", params: { client_max_window_bits: true } }]
 * ```
 */
export function parseExtensionHeader(value: string | null): ExtensionOffer[] {
  if (value === null) return [];
  const scanner = new Scanner(value);
  const offers: ExtensionOffer[] = [];
  // 1#element: empty list elements are allowed and skipped (RFC 9110 §5.6.1).
  for (;;) {
    scanner.skipOws();
    if (scanner.done()) break;
    if (scanner.take(",")) continue;
    const name = scanner.token();
    const params: Record<string, string | true> = {};
    const offer: ExtensionOffer = { name, params };
    for (;;) {
      scanner.skipOws();
      if (!scanner.take(";")) break;
      scanner.skipOws();
      const key = scanner.token();
      if (Object.hasOwn(params, key)) (offer.repeated ??= []).push(key);
      scanner.skipOws();
      if (!scanner.take("=")) {
        params[key] = true;
        continue;
      }
      scanner.skipOws();
      params[key] = scanner.peek() === '"' ? scanner.quotedToken() : scanner.token();
    }
    offers.push(offer);
    if (!scanner.done() && !scanner.take(",")) scanner.fail();
  }
  return offers;
}

// A cursor over the header value; every read either advances or throws.
class Scanner {
  readonly #text: string;
  #at = 0;

  constructor(text: string) {
    this.#text = text;
  }

  done(): boolean {
    return this.#at >= this.#text.length;
  }

  peek(): string {
    return this.#text[this.#at];
  }

  take(char: string): boolean {
    if (this.#text[this.#at] !== char) return false;
    this.#at++;
    return true;
  }

  skipOws(): void {
    while (this.peek() === " " || this.peek() === "\t") this.#at++;
  }

  token(): string {
    const start = this.#at;
    while (!this.done() && isToken(this.peek())) this.#at++;
    if (this.#at === start) this.fail();
    return this.#text.slice(start, this.#at);
  }

  // RFC 6455 §9.1: a quoted value must still be a token once unescaped.
  quotedToken(): string {
    this.#at++;
    let text = "";
    for (;;) {
      if (this.done()) this.fail();
      const char = this.#text[this.#at++];
      if (char === '"') break;
      text += char === "\\" && !this.done() ? this.#text[this.#at++] : char;
    }
    if (!isToken(text)) this.fail();
    return text;
  }

  fail(): never {
    throw new WebSocketError("WS_ERR_HANDSHAKE_HEADER", `malformed Sec-WebSocket-Extensions "${this.#text}"`);
  }
}

/**
 * The client's check of the server's extensions: each must have been
 * offered; returns the header value to expose as `WebSocket.extensions`.
 *
 * @example
 * ```ts
 * checkResponseExtensions(["permessage-deflate"], "permessage-deflate"); // "permessage-deflate"
 * ```
 */
export function checkResponseExtensions(offered: string[], header: string | null): string {
  for (const extension of parseExtensionHeader(header)) {
    if (!offered.includes(extension.name)) {
      throw new WebSocketError(
        "WS_ERR_HANDSHAKE_EXTENSION",
        `the server chose "${extension.name}", which was not offered`,
      );
    }
  }
  return header?.trim() ?? "";
}
