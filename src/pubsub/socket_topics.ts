/**
 * The socket side of topics (`ws.subscribe`, `ws.publish`, …): an accepted
 * socket finds its server's {@link TopicHub} through the tracker its session
 * is registered with, so sockets carry no topic state of their own until
 * they subscribe. Client sockets have no server, hence no topics.
 *
 * @example
 * ```ts
 * import { socketTopics } from "./socket_topics.ts";
 * import type { Session } from "../session/session.ts";
 * import type { TopicMember } from "./topics.ts";
 * declare const ws: TopicMember;
 * declare const session: Session;
 * socketTopics(session, "subscribe").subscribe(ws, session, "news");
 * ```
 * @module
 */

import type { Session } from "../session/session.ts";
import type { TopicHub, TopicMember } from "./topics.ts";

const hubs = new WeakMap<object, TopicHub>();

/**
 * Let the sessions `tracker` tracks reach `hub` (called by the registry).
 *
 * @example
 * ```ts
 * import { TopicHub } from "./topics.ts";
 * import { memoryBroker } from "./broker.ts";
 * const tracker = {};
 * attachTopics(tracker, new TopicHub(memoryBroker()));
 * ```
 */
export function attachTopics(tracker: object, hub: TopicHub): void {
  hubs.set(tracker, hub);
}

/**
 * The hub of the server that accepted `session`; throws `InvalidStateError`
 * for a client socket.
 *
 * @example
 * ```ts
 * import type { Session } from "../session/session.ts";
 * declare const session: Session;
 * console.log(socketTopics(session, "publish").subscriberCount("news"));
 * ```
 */
export function socketTopics(session: Session | undefined, what: string): TopicHub {
  const hub = hubOf(session);
  if (hub === undefined) {
    throw new DOMException(`Cannot ${what}: only sockets accepted by a server have topics`, "InvalidStateError");
  }
  return hub;
}

/**
 * The topics of `ws` (none for a client socket: a getter does not throw).
 *
 * @example
 * ```ts
 * import type { Session } from "../session/session.ts";
 * import type { TopicMember } from "./topics.ts";
 * declare const ws: TopicMember;
 * declare const session: Session | undefined;
 * console.log(subscriptionsOf(session, ws)); // e.g. ["news"]
 * ```
 */
export function subscriptionsOf(session: Session | undefined, ws: TopicMember): string[] {
  return hubOf(session)?.subscriptions(ws) ?? [];
}

function hubOf(session: Session | undefined): TopicHub | undefined {
  const tracker = session?.tracker;
  return tracker === undefined ? undefined : hubs.get(tracker);
}
