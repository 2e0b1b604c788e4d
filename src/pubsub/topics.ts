/**
 * One server's topics: who is subscribed to what, delivery to the local
 * subscribers (one encoding for all of them), and the server's place on
 * its broker, told when a topic gains its first local subscriber and loses
 * its last, so the broker carries only topics someone here listens to.
 *
 * @example
 * ```ts
 * import { TopicHub } from "./topics.ts";
 * import { memoryBroker } from "./broker.ts";
 * import { loadCodec } from "../codec/load.ts";
 * const hub = new TopicHub(memoryBroker());
 * hub.encoder = (await loadCodec()).encoder("server");
 * hub.publish("news", "nobody listens yet"); // 0
 * hub.close();
 * ```
 * @module
 */

import type { Encoder } from "../codec/mod.ts";
import type { Session } from "../session/session.ts";
import type { Broker, BrokerMember } from "./broker.ts";
import { type DeflateLookup, SharedMessage } from "./fan_out.ts";
import { decodeMessage, encodeMessage } from "./message.ts";

/** Options of a publish. */
export interface PublishOptions {
  /** Deliver to this process's subscribers only, not through the broker (default false). */
  local?: boolean;
}

/** What a message to a topic may be. */
export type TopicData = string | ArrayBuffer | ArrayBufferView;

/**
 * What the hub needs of a socket: an identity to key it by and its state.
 * A `WebSocket` is one; the hub names no facade type, so pubsub stays below it.
 *
 * @example
 * ```ts
 * const member: TopicMember = { readyState: 1 };
 * ```
 */
export interface TopicMember {
  /** 1 while open: only an open socket may subscribe. */
  readonly readyState: number;
}

interface Subscriber {
  readonly ws: TopicMember;
  readonly session: Session;
  readonly topics: Set<string>;
}

/**
 * The topics of one server.
 *
 * @example
 * ```ts
 * import { memoryBroker } from "./broker.ts";
 * import type { Session } from "../session/session.ts";
 * declare const ws: TopicMember;
 * declare const session: Session;
 * const hub = new TopicHub(memoryBroker());
 * hub.subscribe(ws, session, "news");
 * console.log(hub.subscriberCount("news")); // 1
 * hub.leaveAll(ws);
 * ```
 */
export class TopicHub {
  /** Encodes frames for local subscribers (set once the codec is loaded). */
  encoder: Encoder | undefined;
  readonly #topics = new Map<string, Set<Subscriber>>();
  readonly #subscribers = new Map<TopicMember, Subscriber>();
  readonly #member: BrokerMember;
  readonly #deflateOf: DeflateLookup | undefined;

  /** Publishes here go to `broker`; `deflateOf` tells which subscribers compress (one compression each setting). */
  constructor(broker: Broker, deflateOf?: DeflateLookup) {
    this.#deflateOf = deflateOf;
    this.#member = broker.join((topic, message) => {
      const data = decodeMessage(message);
      if (data !== undefined) this.#deliver(topic, data, undefined);
    });
  }

  /** Add `ws` to `topic`; false when it already was there. */
  subscribe(ws: TopicMember, session: Session, topic: string): boolean {
    checkTopic(topic, "subscribe");
    // Gone already (it left every topic), or about to: it must not come back in.
    if (ws.readyState !== 1 || session.isClosed) return false;
    let subscriber = this.#subscribers.get(ws);
    if (subscriber?.topics.has(topic)) return false;
    if (subscriber === undefined) this.#subscribers.set(ws, subscriber = { ws, session, topics: new Set() });
    subscriber.topics.add(topic);
    let subscribers = this.#topics.get(topic);
    if (subscribers === undefined) {
      this.#topics.set(topic, subscribers = new Set());
      this.#member.subscribe(topic);
    }
    subscribers.add(subscriber);
    return true;
  }

  /** Take `ws` out of `topic`; false when it was not there. */
  unsubscribe(ws: TopicMember, topic: string): boolean {
    checkTopic(topic, "unsubscribe");
    const subscriber = this.#subscribers.get(ws);
    if (subscriber === undefined || !subscriber.topics.delete(topic)) return false;
    if (subscriber.topics.size === 0) this.#subscribers.delete(ws);
    const subscribers = this.#topics.get(topic)!;
    subscribers.delete(subscriber);
    if (subscribers.size === 0) {
      this.#topics.delete(topic);
      this.#member.unsubscribe(topic);
    }
    return true;
  }

  /** Whether `ws` is subscribed to `topic`. */
  isSubscribed(ws: TopicMember, topic: string): boolean {
    checkTopic(topic, "check a subscription");
    return this.#subscribers.get(ws)?.topics.has(topic) ?? false;
  }

  /** The topics of `ws`, in the order it subscribed to them. */
  subscriptions(ws: TopicMember): string[] {
    return [...this.#subscribers.get(ws)?.topics ?? []];
  }

  /** `ws` closed: it leaves every topic. */
  leaveAll(ws: TopicMember): void {
    const subscriber = this.#subscribers.get(ws);
    if (subscriber === undefined) return;
    for (const topic of [...subscriber.topics]) this.unsubscribe(ws, topic);
  }

  /** How many sockets of this server are subscribed to `topic`. */
  subscriberCount(topic: string): number {
    checkTopic(topic, "count subscribers");
    return this.#topics.get(topic)?.size ?? 0;
  }

  /**
   * Send `data` to the subscribers of `topic` here (but `except`), and
   * through the broker to those of other servers. Returns how many local
   * sockets it was handed to.
   */
  publish(topic: string, data: TopicData, options?: PublishOptions, except?: TopicMember): number {
    checkTopic(topic, "publish");
    const payload = payloadOf(data);
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError("Cannot publish: options must be an object");
    }
    // A socket that is closing publishes nothing, as its send() sends nothing.
    if (except !== undefined && except.readyState !== 1) return 0;
    const count = this.#deliver(topic, payload, except);
    if (options?.local !== true) this.#member.publish(topic, encodeMessage(payload));
    return count;
  }

  /** Leave the broker (the server shut down). */
  close(): void {
    this.#member.leave();
  }

  #deliver(topic: string, data: string | Uint8Array, except: TopicMember | undefined): number {
    const subscribers = this.#topics.get(topic);
    const encoder = this.encoder;
    if (subscribers === undefined || encoder === undefined) return 0;
    // Only the sender listens: nothing to encode.
    if (subscribers.size === 1 && except !== undefined && this.#subscribers.get(except)?.topics.has(topic)) return 0;
    const message = new SharedMessage(encoder, data, this.#deflateOf);
    let count = 0;
    // A subscriber failed by its buffer policy inside sendTo leaves the set while we walk it: Sets allow that.
    for (const subscriber of subscribers) {
      if (subscriber.ws === except || subscriber.ws.readyState !== 1) continue;
      if (message.sendTo(subscriber.session)) count++;
    }
    message.release();
    return count;
  }
}

function checkTopic(topic: unknown, what: string): asserts topic is string {
  if (typeof topic !== "string") throw new TypeError(`Cannot ${what}: the topic must be a string, not ${typeof topic}`);
}

function payloadOf(data: TopicData): string | Uint8Array {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || isSharedArrayBuffer(data)) return new Uint8Array(data);
  // A server socket's binaryType is "blob" by default: passing a binary event.data on is the usual way to get here.
  const hint = typeof Blob === "function" && (data as unknown) instanceof Blob
    ? ` (a Blob: set ws.binaryType = "arraybuffer")`
    : "";
  throw new TypeError(`Cannot publish: data must be a string, an ArrayBuffer or an ArrayBufferView${hint}`);
}

function isSharedArrayBuffer(data: unknown): boolean {
  return typeof SharedArrayBuffer === "function" && data instanceof SharedArrayBuffer;
}
