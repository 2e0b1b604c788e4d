/**
 * What a connection is made with (its codec, role and limits), held once
 * for all the connections that share all three, as a server's do: one slot
 * per connection rather than three, and its decoder made from it at the
 * first bytes read.
 *
 * @example
 * ```ts
 * import { decoderFor, setupOf } from "./connection_setup.ts";
 * import { loadCodec } from "../codec/load.ts";
 * import { DEFAULT_LIMITS } from "./defaults.ts";
 * const codec = await loadCodec();
 * const setup = setupOf(codec, "server", DEFAULT_LIMITS);
 * console.log(setup === setupOf(codec, "server", DEFAULT_LIMITS)); // true
 * const decoder = decoderFor(setup);
 * ```
 * @module
 */

import type { Codec, Decoder, Role } from "../codec/mod.ts";
import type { ConnectionLimits } from "./connection_listener.ts";

/**
 * A connection's codec, role and limits.
 *
 * @example
 * ```ts
 * declare const setup: ConnectionSetup;
 * console.log(setup.role, setup.limits.maxPayload);
 * ```
 */
export interface ConnectionSetup {
  /** Makes the connection's encoder and decoder. */
  readonly codec: Codec;
  /** Which side of the connection this is ("server" or "client"). */
  readonly role: Role;
  /** Limits for received messages. */
  readonly limits: ConnectionLimits;
}

// The last setup made for each codec: a server's connections all ask for
// the same one. Weakly held: a codec of its own (permessage-deflate's) goes
// with its connection.
const setups = new WeakMap<Codec, ConnectionSetup>();

/**
 * The setup for `codec`, `role` and `limits`: the one made last for this
 * codec when role and limits are the same, else a new one (then the last).
 *
 * @example
 * ```ts
 * import { loadCodec } from "../codec/load.ts";
 * import { DEFAULT_LIMITS } from "./defaults.ts";
 * const setup = setupOf(await loadCodec(), "client", DEFAULT_LIMITS);
 * ```
 */
export function setupOf(codec: Codec, role: Role, limits: ConnectionLimits): ConnectionSetup {
  const last = setups.get(codec);
  if (last !== undefined && last.role === role && last.limits === limits) return last;
  const setup = { codec, role, limits };
  setups.set(codec, setup);
  return setup;
}

/**
 * A decoder for a connection made with `setup`.
 *
 * @example
 * ```ts
 * declare const setup: ConnectionSetup;
 * const decoder = decoderFor(setup);
 * ```
 */
export function decoderFor(setup: ConnectionSetup): Decoder {
  const { codec, role, limits } = setup;
  return codec.decoder({ role, maxPayload: limits.maxPayload, maxFragments: limits.maxFragments });
}
