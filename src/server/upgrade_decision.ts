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

import { loadCodec } from "../codec/load.ts";
import { loadZlib } from "../extensions/zlib_stream.ts";
import { answerDeflateOffers, type DeflateOptions, validateDeflateOptions } from "../protocol/deflate_negotiation.ts";
import { WebSocketError } from "../protocol/errors.ts";
import { rejectResponse } from "../protocol/server_responses.ts";
import { keepRequest, upgradeInfo } from "../websocket/upgrade_info.ts";
import type { UpgradeDecision } from "./accept_options.ts";
import { openSocket, type Upgrading } from "./open_socket.ts";
import { requestUrl } from "./request_url.ts";

/**
 * Ask the `upgrade` hook, answer a refusal, or open the socket as it chose.
 * Rejects when the hook throws or rejects, or chose a subprotocol the
 * client did not offer (the caller answers 500).
 *
 * @example
 * ```ts
 * import type { Upgrading } from "./open_socket.ts";
 * declare const upgrading: Upgrading<undefined>;
 * decideUpgrade(upgrading).catch((error) => console.error("500:", error));
 * ```
 */
// The async part stays small: every local here lives in a suspended frame
// per connection until the codec is there.
export async function decideUpgrade<T>(upgrading: Upgrading<T>): Promise<void> {
  const { session, request, phase, options, secure } = upgrading;
  const transport = session.transport;
  const remoteAddress = transport.remoteAddress;
  const host = request.fields.get("host") ?? remoteAddress?.hostname ?? "localhost";
  // The socket keeps the fields as sent, not the Headers: idle connections are many, and most never ask.
  const kept = keepRequest(requestUrl(request.target, host, secure), remoteAddress, request.fields);
  // Each info builds the (shared) Headers only if the application reads it.
  const pending = options.upgrade?.(
    Object.assign(upgradeInfo(kept.url, remoteAddress, request.fields), { protocols: request.protocols }),
  );
  // Nothing to wait for without a hook: no promise per connection for it.
  const decision = pending === undefined ? undefined : await pending;
  if (session.isClosed) return;
  if (decision === false) return phase.refuse(rejectResponse(403));
  if (decision instanceof Response) {
    const body = new Uint8Array(await decision.arrayBuffer());
    return phase.refuse(rejectResponse(decision.status, [...decision.headers], body));
  }
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
  // node:zlib is loaded only once a connection agrees to deflate.
  const [codec, zlib] = await Promise.all([loadCodec(), answer === undefined ? undefined : loadZlib()]);
  phase.settle();
  const deflate = answer === undefined || zlib === undefined
    ? undefined
    : { header: answer.header, zlib, agreement: { ...deflateOptions, params: answer.params } };
  openSocket({ ...upgrading, kept, protocol, headers, codec, data: accepted.data, deflate });
}

const NO_DEFLATE_OPTIONS: DeflateOptions = {};
const NO_CHOICE = {};
