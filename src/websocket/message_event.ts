/**
 * `MessageEvent` as WebIDL makes it (HTML §"The MessageEvent interface"):
 * the runtime's own where it is exact (Bun, Node ≥ 22), a subclass of it
 * that is elsewhere. Deno's keeps `data`, `origin`, `lastEventId` and
 * `ports` as own properties of each event and assigns them in its
 * constructor (so no accessor can stand on a subclass's prototype while it
 * runs); Node 20's stringifies as "[object Event]", lacks
 * `initMessageEvent` and converts nothing. The subclass is built by
 * `event_interface.ts`, without running the runtime's constructor.
 *
 * @example
 * ```ts
 * import { MessageEvent } from "./message_event.ts";
 * const event = new MessageEvent("message", { data: "hi", origin: "ws://example.com" });
 * console.log(event.data, event.origin, event instanceof globalThis.MessageEvent);
 * ```
 * @module
 */

import { defineEventConstructor, Stamp } from "./event_interface.ts";
import { isWebIDLAttribute, throwsTypeError, toDOMString, toUSVString } from "./idl.ts";

/**
 * The `message` event (the runtime's `MessageEvent` type).
 *
 * @example
 * ```ts
 * const log = (event: MessageEvent<string>) => console.log(event.data);
 * ```
 */
// deno-lint-ignore no-explicit-any -- the same default as the DOM's own type
export type MessageEvent<T = any> = Omit<globalThis.MessageEvent, "data"> & { readonly data: T };

/**
 * Fields of a `MessageEvent` a WebSocket uses (the DOM's `MessageEventInit`
 * without `source` and `ports`, said here because `@types/node` declares a
 * global one that takes no type parameter).
 *
 * @example
 * ```ts
 * const init: MessageEventInit<string> = { data: "hi", origin: "ws://example.com" };
 * ```
 */
// deno-lint-ignore no-explicit-any -- the same default as the DOM's own type
export interface MessageEventInit<T = any> extends EventInit {
  /** The message. */
  data?: T;
  /** The origin of the message's sender. */
  origin?: string;
  /** The last event ID (server-sent events; "" here). */
  lastEventId?: string;
}

/** The `MessageEvent` interface object. */
export interface MessageEventConstructor {
  /** Make a message event of `type`. */
  new <T = unknown>(type: string, eventInitDict?: MessageEventInit<T>): MessageEvent<T>;
  /** The interface prototype object. */
  readonly prototype: MessageEvent;
}

const ATTRIBUTES = ["data", "origin", "lastEventId", "source", "ports"];
const native = globalThis.MessageEvent as MessageEventConstructor;
// Most events carry no ports: one frozen empty list serves them all.
const NO_PORTS: readonly object[] = Object.freeze([]);
const Port = (globalThis as { MessagePort?: abstract new () => object }).MessagePort;

class Fields extends Stamp {
  #data: unknown;
  #origin: string;
  #lastEventId: string;
  #source: object | null;
  #ports: readonly object[];

  constructor(
    event: Event,
    data: unknown,
    origin: string,
    lastEventId: string,
    source: object | null,
    ports: object[],
  ) {
    super(event);
    this.#data = data;
    this.#origin = origin;
    this.#lastEventId = lastEventId;
    this.#source = source;
    this.#ports = ports.length === 0 ? NO_PORTS : Object.freeze(ports);
  }

  // Each throws a TypeError on anything but an event made here: the brand check.
  static data = (event: object): unknown => (event as Fields).#data;
  static origin = (event: object): string => (event as Fields).#origin;
  static lastEventId = (event: object): string => (event as Fields).#lastEventId;
  static source = (event: object): object | null => (event as Fields).#source;
  static ports = (event: object): readonly object[] => (event as Fields).#ports;
  static reset(
    event: object,
    data: unknown,
    origin: string,
    lastEventId: string,
    source: object | null,
    ports: object[],
  ) {
    const fields = event as Fields;
    fields.#data = data;
    fields.#origin = origin;
    fields.#lastEventId = lastEventId;
    fields.#source = source;
    fields.#ports = ports.length === 0 ? NO_PORTS : Object.freeze(ports);
  }
}

function toSource(value: unknown): object | null {
  if (value === undefined || value === null) return null;
  // MessageEventSource is (WindowProxy or MessagePort or ServiceWorker); only MessagePort exists here.
  if (Port === undefined || !(value instanceof Port)) throw new TypeError("Cannot use this source: not a MessagePort");
  return value;
}

function toPorts(value: unknown): object[] {
  if (value === undefined) return [];
  if (typeof value !== "object" || value === null || !(Symbol.iterator in value)) {
    throw new TypeError("Cannot use these ports: not a sequence");
  }
  return Array.from(value as Iterable<unknown>, (port) => {
    if (Port === undefined || !(port instanceof Port)) throw new TypeError("Cannot use this port: not a MessagePort");
    return port;
  });
}

const initEvent = (Event.prototype as { initEvent?: (type: string, bubbles: boolean, cancelable: boolean) => void })
  .initEvent;

const members = {
  get data(): unknown {
    return Fields.data(this);
  },
  get origin(): string {
    return Fields.origin(this);
  },
  get lastEventId(): string {
    return Fields.lastEventId(this);
  },
  get source(): object | null {
    return Fields.source(this);
  },
  get ports(): readonly object[] {
    return Fields.ports(this);
  },
  initMessageEvent(
    this: Event,
    type: string,
    bubbles = false,
    cancelable = false,
    data: unknown = null,
    origin = "",
    lastEventId = "",
    source: unknown = null,
    ports: unknown = [],
  ): void {
    Fields.data(this);
    if (arguments.length === 0) throw new TypeError("Cannot init a MessageEvent: a type is required");
    const converted = [toDOMString(type), !!bubbles, !!cancelable, toUSVString(origin), toDOMString(lastEventId)];
    const port = toSource(source);
    const list = toPorts(ports);
    // The dispatch flag is set exactly while the event is in a phase: the spec returns then.
    if (this.eventPhase !== 0) return;
    // Deno has no initEvent: there the type and flags stay as constructed.
    initEvent?.call(this, converted[0] as string, converted[1] as boolean, converted[2] as boolean);
    Fields.reset(this, data, converted[3] as string, converted[4] as string, port, list);
  },
};

function init(event: Event, dictionary: Record<string, unknown>): void {
  // Members in WebIDL order (lexicographic), each read once.
  const data = dictionary.data;
  const lastEventId = dictionary.lastEventId;
  const origin = dictionary.origin;
  const ports = toPorts(dictionary.ports);
  const source = toSource(dictionary.source);
  new Fields(
    event,
    data === undefined ? null : data,
    origin === undefined ? "" : toUSVString(origin),
    lastEventId === undefined ? "" : toDOMString(lastEventId),
    source,
    ports,
  );
}

/**
 * True when `MessageEvent` (the runtime's) has WebIDL's shape and conversions.
 *
 * @example
 * ```ts
 * isExactMessageEvent(globalThis.MessageEvent); // true on Bun and Node ≥ 22, false on Deno and Node 20
 * ```
 */
export function isExactMessageEvent(MessageEvent: MessageEventConstructor): boolean {
  if (Object.getPrototypeOf(MessageEvent) !== Event || MessageEvent.length !== 1) return false;
  if (!ATTRIBUTES.every((name) => isWebIDLAttribute(MessageEvent.prototype, name))) return false;
  const init = Object.getOwnPropertyDescriptor(MessageEvent.prototype, "initMessageEvent");
  if (typeof init?.value !== "function" || init.value.length !== 1 || !init.enumerable) return false;
  try {
    const event = new MessageEvent("message", { data: 1, origin: "\uD800" });
    if (Object.prototype.toString.call(event) !== "[object MessageEvent]") return false;
    if (event.origin !== "\uFFFD" || !Object.isFrozen(event.ports)) return false;
    if (Object.getOwnPropertyNames(event).some((name) => name !== "isTrusted")) return false;
  } catch {
    return false;
  }
  return throwsTypeError(() => new (MessageEvent as unknown as new () => Event)()) &&
    throwsTypeError(() => new MessageEvent("message", 5 as unknown as MessageEventInit));
}

/**
 * `MessageEvent`: the runtime's own where it is WebIDL-exact, a subclass of
 * it that is elsewhere. The `message` events of every `WebSocket` are made
 * from it, so `event instanceof globalThis.MessageEvent` holds.
 *
 * @example
 * ```ts
 * new MessageEvent("message", { data: new ArrayBuffer(2) }).data.byteLength; // 2
 * ```
 */
export const MessageEvent: MessageEventConstructor = isExactMessageEvent(native)
  ? native
  : defineEventConstructor("MessageEvent", native, members, init) as MessageEventConstructor;
