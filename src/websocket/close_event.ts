/**
 * `CloseEvent` as WebIDL makes it (WHATWG WebSockets §"The CloseEvent
 * interface"): the runtime's own where it is exact (Bun), a subclass of it
 * that is where it is not (Deno's has non-enumerable attributes,
 * stringifies as "[object Event]" and converts nothing; Node 24's keeps a
 * code of -1 as -1; workerd's puts them on each event), and one of our own
 * on `Event` where there is none (Node 20 and 22).
 *
 * @example
 * ```ts
 * import { CloseEvent } from "./close_event.ts";
 * const event = new CloseEvent("close", { code: 1000, reason: "done", wasClean: true });
 * console.log(event.code, event.reason, event.wasClean, event instanceof Event);
 * ```
 * @module
 */

import { defineEventConstructor, Stamp } from "./event_interface.ts";
import { isWebIDLAttribute, throwsTypeError, toUnsignedShort, toUSVString } from "./idl.ts";

/** Fields of a `CloseEvent`. */
export interface CloseEventInit extends EventInit {
  /** Close code (an `unsigned short`; default 0). */
  code?: number;
  /** Close reason (default ""). */
  reason?: string;
  /** Whether the closing handshake completed (default false). */
  wasClean?: boolean;
}

/**
 * The `close` event: how the connection ended.
 *
 * @example
 * ```ts
 * const log = (event: CloseEvent) => console.log(event.code, event.reason, event.wasClean);
 * ```
 */
export interface CloseEvent extends Event {
  /** Close code. */
  readonly code: number;
  /** Close reason. */
  readonly reason: string;
  /** Whether the closing handshake completed. */
  readonly wasClean: boolean;
}

/** The `CloseEvent` interface object. */
export interface CloseEventConstructor {
  /** Make a close event of `type`. */
  new (type: string, eventInitDict?: CloseEventInit): CloseEvent;
  /** The interface prototype object. */
  readonly prototype: CloseEvent;
}

const ATTRIBUTES = ["wasClean", "code", "reason"];
const native = (globalThis as { CloseEvent?: CloseEventConstructor }).CloseEvent;

class Fields extends Stamp {
  #wasClean: boolean;
  #code: number;
  #reason: string;

  constructor(event: Event, wasClean: boolean, code: number, reason: string) {
    super(event);
    this.#wasClean = wasClean;
    this.#code = code;
    this.#reason = reason;
  }

  // Each throws a TypeError on anything but an event made here: the brand check.
  static wasClean = (event: object): boolean => (event as Fields).#wasClean;
  static code = (event: object): number => (event as Fields).#code;
  static reason = (event: object): string => (event as Fields).#reason;
}

const members = {
  get wasClean(): boolean {
    return Fields.wasClean(this);
  },
  get code(): number {
    return Fields.code(this);
  },
  get reason(): string {
    return Fields.reason(this);
  },
};

function init(event: Event, dictionary: Record<string, unknown>): void {
  // Members in WebIDL order (lexicographic), each read once.
  const code = dictionary.code;
  const reason = dictionary.reason;
  const wasClean = dictionary.wasClean;
  new Fields(
    event,
    !!wasClean,
    code === undefined ? 0 : toUnsignedShort(code),
    reason === undefined ? "" : toUSVString(reason),
  );
}

/**
 * True when `CloseEvent` (the runtime's) has WebIDL's shape and conversions.
 *
 * @example
 * ```ts
 * isExactCloseEvent(globalThis.CloseEvent); // true on Bun, false on Deno and Node 24
 * ```
 */
export function isExactCloseEvent(CloseEvent: CloseEventConstructor | undefined): boolean {
  if (CloseEvent === undefined || Object.getPrototypeOf(CloseEvent) !== Event || CloseEvent.length !== 1) return false;
  if (!ATTRIBUTES.every((name) => isWebIDLAttribute(CloseEvent.prototype, name))) return false;
  try {
    const event = new CloseEvent("close", { code: 65537, reason: "\uD800", wasClean: 1 as unknown as boolean });
    if (Object.prototype.toString.call(event) !== "[object CloseEvent]") return false;
    if (event.code !== 1 || event.reason !== "\uFFFD" || event.wasClean !== true) return false;
    // Node's (undici's) keeps -1 as it is.
    if (new CloseEvent("close", { code: -1 }).code !== 65535) return false;
    if (Object.getOwnPropertyNames(event).some((name) => name !== "isTrusted")) return false;
  } catch {
    return false;
  }
  return throwsTypeError(() => new (CloseEvent as unknown as new () => Event)()) &&
    throwsTypeError(() => new CloseEvent("close", 5 as CloseEventInit));
}

/**
 * `CloseEvent`: the runtime's own where it is WebIDL-exact, a subclass of it
 * (or of `Event` where there is none) that is, elsewhere. The `close`
 * events of every `WebSocket` are made from it.
 *
 * @example
 * ```ts
 * new CloseEvent("close", { code: 1006 }).wasClean; // false
 * ```
 */
export const CloseEvent: CloseEventConstructor = isExactCloseEvent(native)
  ? native!
  : defineEventConstructor("CloseEvent", native ?? Event, members, init) as CloseEventConstructor;
