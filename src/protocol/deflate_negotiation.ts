/**
 * permessage-deflate negotiation (RFC 7692 §5, §7.1), sans-I/O: the client's
 * offer, the server's choice among the offers it received, and the client's
 * check of the answer. The (de)compressor itself lives in `src/extensions/`.
 *
 * @example
 * ```ts
 * import { answerDeflateOffers, checkDeflateAnswer, deflateOfferHeader } from "./deflate_negotiation.ts";
 * const offer = deflateOfferHeader([{ clientMaxWindowBits: true }]); // "permessage-deflate; client_max_window_bits"
 * const answer = answerDeflateOffers(offer, {})!; // the server's side
 * checkDeflateAnswer([{ clientMaxWindowBits: true }], answer.header); // the client's side
 * ```
 * @module
 */

import { WebSocketError } from "./errors.ts";
import { type ExtensionOffer, parseExtensionHeader } from "./extensions.ts";

/** The extension's name. */
export const PERMESSAGE_DEFLATE = "permessage-deflate";

/**
 * How permessage-deflate is offered (client) or answered (server), and how
 * messages are compressed.
 *
 * @example
 * ```ts
 * const options: DeflateOptions = { clientMaxWindowBits: true, threshold: 512, level: 1 };
 * ```
 */
export interface DeflateOptions {
  /** The server's compressor resets after each message. Server default: true (wasmws never keeps it). */
  serverNoContextTakeover?: boolean;
  /** The client's compressor resets after each message (the server may demand it). */
  clientNoContextTakeover?: boolean;
  /** Largest LZ77 window of the server's compressor, 8–15. */
  serverMaxWindowBits?: number;
  /** Largest window of the client's compressor, 8–15; a client may offer `true` (the parameter without a value). */
  clientMaxWindowBits?: number | boolean;
  /** Messages shorter than this many bytes go uncompressed (default 1024). */
  threshold?: number;
  /** zlib compression level 0–9 (default 6 as ws and zlib). */
  level?: number;
  /** zlib memory level 1–9 (default 8). */
  memLevel?: number;
}

/**
 * What both ends agreed (RFC 7692 §7.1), with the defaults filled in.
 *
 * @example
 * ```ts
 * const agreed: DeflateParams = {
 *   serverNoContextTakeover: true,
 *   clientNoContextTakeover: false,
 *   serverMaxWindowBits: 15,
 *   clientMaxWindowBits: 15,
 * };
 * ```
 */
export interface DeflateParams {
  /** The server's compressor resets after each message. */
  serverNoContextTakeover: boolean;
  /** The client's compressor resets after each message. */
  clientNoContextTakeover: boolean;
  /** The server compresses with at most this window (bits). */
  serverMaxWindowBits: number;
  /** The client compresses with at most this window (bits). */
  clientMaxWindowBits: number;
}

// One offer or answer, parameter by parameter, once valid.
interface Parsed {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits?: number;
  clientMaxWindowBits?: number | true;
}

const BITS = /^(?:8|9|1[0-5])$/;

/**
 * The parameters of one `permessage-deflate` element, or undefined when one
 * is unknown, repeated or has a bad value (§7.1). In an answer
 * (`answer` true), `client_max_window_bits` needs a value.
 */
function parseParams(element: ExtensionOffer, answer: boolean): Parsed | undefined {
  if (element.repeated !== undefined) return undefined;
  const parsed: Parsed = { serverNoContextTakeover: false, clientNoContextTakeover: false };
  for (const [key, value] of Object.entries(element.params)) {
    if (key === "server_no_context_takeover" || key === "client_no_context_takeover") {
      if (value !== true) return undefined;
      if (key === "server_no_context_takeover") parsed.serverNoContextTakeover = true;
      else parsed.clientNoContextTakeover = true;
    } else if (key === "server_max_window_bits") {
      if (value === true || !BITS.test(value)) return undefined;
      parsed.serverMaxWindowBits = Number(value);
    } else if (key === "client_max_window_bits") {
      if (value === true ? answer : !BITS.test(value)) return undefined;
      parsed.clientMaxWindowBits = value === true ? true : Number(value);
    } else {
      return undefined;
    }
  }
  return parsed;
}

function checkBits(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean" && !(Number.isInteger(value) && BITS.test(String(value)))) {
    throw new RangeError(`Cannot use ${name} ${String(value)}: it must be an integer from 8 to 15`);
  }
}

/**
 * Check the window options of `options` (a `RangeError` for a bad one).
 *
 * @example
 * ```ts
 * validateDeflateOptions({ serverMaxWindowBits: 10 }); // fine
 * ```
 */
export function validateDeflateOptions(options: DeflateOptions): void {
  checkBits("serverMaxWindowBits", options.serverMaxWindowBits);
  checkBits("clientMaxWindowBits", options.clientMaxWindowBits);
  if (typeof options.serverMaxWindowBits === "boolean") {
    throw new RangeError("Cannot use serverMaxWindowBits true: it needs a value from 8 to 15");
  }
}

/**
 * The client's `Sec-WebSocket-Extensions` value: one offer per element of
 * `offers`, in preference order.
 *
 * @example
 * ```ts
 * deflateOfferHeader([{ serverMaxWindowBits: 10, clientMaxWindowBits: true }, {}]);
 * // "permessage-deflate; server_max_window_bits=10; client_max_window_bits, permessage-deflate"
 * ```
 */
export function deflateOfferHeader(offers: DeflateOptions[]): string {
  return offers.map((offer) => {
    validateDeflateOptions(offer);
    let text = PERMESSAGE_DEFLATE;
    if (offer.serverNoContextTakeover) text += "; server_no_context_takeover";
    if (offer.clientNoContextTakeover) text += "; client_no_context_takeover";
    if (offer.serverMaxWindowBits !== undefined) text += `; server_max_window_bits=${offer.serverMaxWindowBits}`;
    if (offer.clientMaxWindowBits === true) text += "; client_max_window_bits";
    else if (typeof offer.clientMaxWindowBits === "number") {
      text += `; client_max_window_bits=${offer.clientMaxWindowBits}`;
    }
    return text;
  }).join(", ");
}

/**
 * The server's choice (§5, §7.1): the first acceptable `permessage-deflate`
 * offer in `header`, its agreed parameters and the answer to send. Malformed
 * or unacceptable offers are declined (skipped); undefined when none is left.
 *
 * @example
 * ```ts
 * answerDeflateOffers("permessage-deflate; client_max_window_bits", { clientMaxWindowBits: 12 });
 * // { header: "permessage-deflate; server_no_context_takeover; client_max_window_bits=12", params: { … } }
 * ```
 */
export function answerDeflateOffers(
  header: string,
  options: DeflateOptions,
): { header: string; params: DeflateParams } | undefined {
  let elements: ExtensionOffer[];
  try {
    elements = parseExtensionHeader(header);
  } catch {
    // A header that does not parse offers nothing we can read: decline everything.
    return undefined;
  }
  for (const element of elements) {
    if (element.name !== PERMESSAGE_DEFLATE) continue;
    const offer = parseParams(element, false);
    if (offer === undefined) continue;
    const serverNoContextTakeover = offer.serverNoContextTakeover || options.serverNoContextTakeover !== false;
    const clientNoContextTakeover = offer.clientNoContextTakeover || options.clientNoContextTakeover === true;
    const ownServerBits = typeof options.serverMaxWindowBits === "number" ? options.serverMaxWindowBits : 15;
    const serverMaxWindowBits = Math.min(offer.serverMaxWindowBits ?? 15, ownServerBits);
    const offeredClientBits = typeof offer.clientMaxWindowBits === "number" ? offer.clientMaxWindowBits : 15;
    const ownClientBits = typeof options.clientMaxWindowBits === "number" ? options.clientMaxWindowBits : 15;
    // §7.1.2.2: the answer may limit the client's window only when the offer allowed it.
    const limitClient = offer.clientMaxWindowBits !== undefined;
    const clientMaxWindowBits = limitClient ? Math.min(offeredClientBits, ownClientBits) : 15;
    let text = PERMESSAGE_DEFLATE;
    if (serverNoContextTakeover) text += "; server_no_context_takeover";
    if (clientNoContextTakeover) text += "; client_no_context_takeover";
    // §7.1.2.1: an offer's server_max_window_bits is accepted by answering it.
    if (offer.serverMaxWindowBits !== undefined || serverMaxWindowBits < 15) {
      text += `; server_max_window_bits=${serverMaxWindowBits}`;
    }
    if (limitClient && clientMaxWindowBits < 15) text += `; client_max_window_bits=${clientMaxWindowBits}`;
    return {
      header: text,
      params: { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits },
    };
  }
  return undefined;
}

/**
 * The client's check of the server's answer (§7.1): `answer` is the
 * `permessage-deflate` element of the response; it must answer one of
 * `offers`. Throws `WS_ERR_HANDSHAKE_DEFLATE` otherwise.
 *
 * @example
 * ```ts
 * checkDeflateAnswer([{ clientMaxWindowBits: true }], "permessage-deflate; client_max_window_bits=10");
 * // { serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 10 }
 * ```
 */
export function checkDeflateAnswer(offers: DeflateOptions[], answer: string | ExtensionOffer): DeflateParams {
  const elements = typeof answer === "string" ? parseExtensionHeader(answer) : [answer];
  const deflates = elements.filter((element) => element.name === PERMESSAGE_DEFLATE);
  if (deflates.length !== 1) {
    throw new WebSocketError(
      "WS_ERR_HANDSHAKE_DEFLATE",
      `the server answered permessage-deflate ${deflates.length} times`,
    );
  }
  const parsed = parseParams(deflates[0], true);
  if (parsed === undefined) {
    throw new WebSocketError("WS_ERR_HANDSHAKE_DEFLATE", "the server's permessage-deflate parameters are malformed");
  }
  const clientBits = parsed.clientMaxWindowBits as number | undefined;
  for (const offer of offers) {
    if (offer.serverNoContextTakeover && !parsed.serverNoContextTakeover) continue;
    if (
      offer.serverMaxWindowBits !== undefined &&
      (parsed.serverMaxWindowBits === undefined || parsed.serverMaxWindowBits > offer.serverMaxWindowBits)
    ) continue;
    const offeredClient = offer.clientMaxWindowBits;
    if (clientBits !== undefined && (offeredClient === undefined || offeredClient === false)) continue;
    if (clientBits !== undefined && typeof offeredClient === "number" && clientBits > offeredClient) continue;
    return {
      serverNoContextTakeover: parsed.serverNoContextTakeover,
      clientNoContextTakeover: parsed.clientNoContextTakeover || offer.clientNoContextTakeover === true,
      serverMaxWindowBits: parsed.serverMaxWindowBits ?? 15,
      clientMaxWindowBits: clientBits ?? (typeof offeredClient === "number" ? offeredClient : 15),
    };
  }
  throw new WebSocketError("WS_ERR_HANDSHAKE_DEFLATE", "the server's permessage-deflate answers none of the offers");
}
