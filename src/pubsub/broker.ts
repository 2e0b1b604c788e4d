/**
 * The broker interface: how topics reach beyond one server. A server joins
 * its broker once; it publishes message bytes to a topic, and says when
 * local interest in a topic appears (its first subscriber) and disappears
 * (its last), so a broker carries only topics someone listens to. A member
 * never receives its own publishes back: the server has already delivered
 * them to its own subscribers.
 *
 * @example
 * ```ts
 * import { memoryBroker } from "./broker.ts";
 * const broker = memoryBroker();
 * const a = broker.join((topic, message) => console.log("a got", topic, message));
 * const b = broker.join((topic, message) => console.log("b got", topic, message));
 * a.subscribe("news");
 * b.publish("news", new Uint8Array([2, 1])); // a got news Uint8Array [2, 1]
 * a.leave();
 * b.leave();
 * ```
 * @module
 */

/** Receives what other members published to a topic this member listens to. */
export type BrokerDelivery = (topic: string, message: Uint8Array) => void;

/** One server's place on a broker. */
export interface BrokerMember {
  /** Send `message` to every other member listening to `topic` (in order, per member). */
  publish(topic: string, message: Uint8Array): void;
  /** Local interest in `topic` appeared: deliver its messages from now on. */
  subscribe(topic: string): void;
  /** Local interest in `topic` is gone. */
  unsubscribe(topic: string): void;
  /** Stop: no more deliveries, every topic unsubscribed. */
  leave(): void;
}

/**
 * Carries messages between servers: in one process ({@link memoryBroker}),
 * or across processes and machines (`redisBroker` in `wasmws/redis`).
 *
 * @example
 * ```ts
 * const logging: Broker = {
 *   join: (deliver) => ({
 *     publish: (topic, message) => console.log("publish", topic, message.length),
 *     subscribe: (topic) => console.log("now listening to", topic),
 *     unsubscribe: (topic) => console.log("no longer listening to", topic),
 *     leave: () => {},
 *   }),
 * };
 * ```
 */
export interface Broker {
  /** Join as a new member; `deliver` receives the other members' messages. */
  join(deliver: BrokerDelivery): BrokerMember;
}

/**
 * A broker inside one process, for several servers in it (each `serve()`
 * without a `broker` gets one of its own, so its topics stay its own).
 * Deliveries are synchronous, in publish order.
 *
 * @example
 * ```ts
 * import { serve } from "../server/serve.ts";
 * const broker = memoryBroker();
 * const a = await serve({ port: 0, broker });
 * const b = await serve({ port: 0, broker });
 * a.publish("news", "to b's subscribers of news too");
 * await Promise.all([a.shutdown(), b.shutdown()]);
 * ```
 */
export function memoryBroker(): Broker {
  const listeners = new Map<string, Set<Member>>();
  interface Member {
    deliver: BrokerDelivery;
    topics: Set<string>;
  }
  return {
    join(deliver) {
      const self: Member = { deliver, topics: new Set() };
      const unsubscribe = (topic: string) => {
        if (!self.topics.delete(topic)) return;
        const members = listeners.get(topic)!;
        members.delete(self);
        if (members.size === 0) listeners.delete(topic);
      };
      return {
        publish(topic, message) {
          const members = listeners.get(topic);
          if (members === undefined) return;
          // A copy of the set: a delivery may subscribe or unsubscribe.
          for (const member of [...members]) if (member !== self) member.deliver(topic, message);
        },
        subscribe(topic) {
          if (self.topics.has(topic)) return;
          self.topics.add(topic);
          let members = listeners.get(topic);
          if (members === undefined) listeners.set(topic, members = new Set());
          members.add(self);
        },
        unsubscribe,
        leave() {
          for (const topic of [...self.topics]) unsubscribe(topic);
        },
      };
    },
  };
}
