/**
 * An upgrade request put to the application: its `upgrade` hook accepts,
 * refuses (403, or its own `Response`) or accepts with a subprotocol, extra
 * 101 headers, `ws.data` and a permessage-deflate choice; then the codec
 * (and zlib, if deflate was agreed) is loaded and the socket opened.
 *
 * @example
 * ```ts
 * import { decideUpgrade } from "./upgrade_decision.ts";
 * import type { Upgrading } from "./open_socket.ts";
 * declare const upgrading: Upgrading<undefined>;
 * await decideUpgrade(upgrading);
 * ```
 * @module
 */

import { loadCodec, loadedCodec } from "../codec/load.ts";
import { loadZlib } from "../extensions/zlib_stream.ts";
import {
  answerDeflateOffers,
  type DeflateOptions,
  type DeflateParams,
  validateDeflateOptions,
} from "../protocol/deflate_negotiation.ts";
import { WebSocketError } from "../protocol/errors.ts";
import { rejectResponse } from "../protocol/server_responses.ts";
import { keepRequest, type KeptRequest, upgradeInfo } from "../websocket/upgrade_info.ts";
import type { UpgradeDecision } from "./accept_options.ts";
import { type Accepted, openSocket, type Upgrading } from "./open_socket.ts";
import { requestUrl } from "./request_url.ts";

/**
 * Ask the `upgrade` hook, answer a refusal, or open the socket as it chose.
 * Without a hook to wait for, nothing to load and no deflate to agree, this
 * all happens now, and no promise is made (handshakes are many, and their
 * garbage is what a server's young generation grows on). Otherwise the
 * promise returned rejects when the hook throws or rejects; a subprotocol
 * the client did not offer throws or rejects the same way (the caller
 * answers 500).
 *
 * @example
 * ```ts
 * import type { Upgrading } from "./open_socket.ts";
 * declare const upgrading: Upgrading<undefined>;
 * try {
 *   decideUpgrade(upgrading)?.catch((error) => console.error("500:", error));
 * } catch (error) {
 *   console.error("500:", error);
 * }
 * ```
 */
export function decideUpgrade<T>(upgrading: Upgrading<T>): Promise<void> | undefined {
  const { session, request, options, secure } = upgrading;
  const remoteAddress = session.transport.remoteAddress;
  const host = request.fields.get("host") ?? remoteAddress?.hostname ?? "localhost";
  // The socket keeps the fields as sent, not the Headers: idle connections are many, and most never ask.
  const kept = keepRequest(requestUrl(request.target, host, secure), remoteAddress, request.fields);
  // Each info builds the (shared) Headers only if the application reads it.
  const pending = options.upgrade?.(
    Object.assign(upgradeInfo(kept.url, remoteAddress, request.fields), { protocols: request.protocols }),
  );
  return pending === undefined ? decided(upgrading, kept, undefined) : awaited(upgrading, kept, pending);
}

// The async part stays small: every local here lives in a suspended frame
// per connection until the hook decides.
async function awaited<T>(
  upgrading: Upgrading<T>,
  kept: KeptRequest,
  pending: UpgradeDecision<T> | Promise<UpgradeDecision<T>>,
): Promise<void> {
  const decision = await pending;
  await decided(upgrading, kept, decision);
}

function decided<T>(
  upgrading: Upgrading<T>,
  kept: KeptRequest,
  decision: UpgradeDecision<T> | undefined,
): Promise<void> | undefined {
  const { session, request, phase, options } = upgrading;
  if (session.isClosed) return;
  if (decision === false) {
    phase.refuse(rejectResponse(403));
    return;
  }
  if (decision instanceof Response) return refuseWith(phase, decision);
  const accepted: Exclude<UpgradeDecision<T>, void | boolean | Response> =
    typeof decision === "object" && decision !== null ? decision : NO_CHOICE;
  // As ws does: without a choice, the first offered subprotocol is taken.
  const protocol = accepted.protocol ?? request.protocols[0] ?? "";
  if (protocol !== "" && !request.protocols.includes(protocol)) {
    throw new WebSocketError("WS_ERR_HANDSHAKE_SUBPROTOCOL", `the upgrade hook chose ${protocol}, not offered`);
  }
  const headers = accepted.headers === undefined
    ? undefined
    : Array.isArray(accepted.headers)
    ? accepted.headers
    : Object.entries(accepted.headers);
  const wanted = accepted.perMessageDeflate ?? options.perMessageDeflate;
  const deflateOptions = wanted === true ? NO_DEFLATE_OPTIONS : wanted || undefined;
  if (deflateOptions !== undefined && deflateOptions !== options.perMessageDeflate) {
    validateDeflateOptions(deflateOptions);
  }
  const answer = deflateOptions === undefined || request.extensions === ""
    ? undefined
    : answerDeflateOffers(request.extensions, deflateOptions);
  const codec = loadedCodec();
  const data = accepted.data;
  if (answer === undefined && codec !== undefined) {
    phase.settle();
    openSocket({ ...upgrading, kept, protocol, headers, data, codec, deflate: undefined });
    return;
  }
  const opening = { ...upgrading, kept, protocol, headers, data };
  return loadThenOpen(opening, answer && { header: answer.header, params: answer.params, options: deflateOptions! });
}

// node:zlib is loaded only once a connection agrees to deflate.
async function loadThenOpen<T>(
  opening: Omit<Accepted<T>, "codec" | "deflate">,
  answer: { header: string; params: DeflateParams; options: DeflateOptions } | undefined,
): Promise<void> {
  const [codec, zlib] = await Promise.all([loadCodec(), answer === undefined ? undefined : loadZlib()]);
  opening.phase.settle();
  const deflate = answer === undefined || zlib === undefined
    ? undefined
    : { header: answer.header, zlib, agreement: { ...answer.options, params: answer.params } };
  openSocket({ ...opening, codec, deflate });
}

async function refuseWith(phase: Upgrading<unknown>["phase"], response: Response): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  phase.refuse(rejectResponse(response.status, [...response.headers], body));
}

const NO_DEFLATE_OPTIONS: DeflateOptions = {};
const NO_CHOICE = {};
