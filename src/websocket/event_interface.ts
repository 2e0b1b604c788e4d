/**
 * How our event interfaces are built where the runtime's own is not
 * WebIDL-exact: a constructor function whose prototype inherits from the
 * runtime's class (so `instanceof` the runtime's holds) but whose events are
 * made by `Event`'s own constructor. A class could not do it: a subclass
 * constructor must run its parent's, and some parents put the attributes on
 * each event as own properties (Deno's `MessageEvent` assigns them, workerd's
 * `CloseEvent` defines them), where they hide any accessor on a prototype.
 *
 * @example
 * ```ts
 * import { defineEventConstructor, Stamp } from "./event_interface.ts";
 * class Fields extends Stamp {
 *   #rtt = 0;
 *   static rtt = (event: object): number => (event as Fields).#rtt;
 * }
 * const PingEvent = defineEventConstructor("PingEvent", Event, {
 *   get rtt(): number {
 *     return Fields.rtt(this);
 *   },
 * }, (event) => void new Fields(event));
 * ```
 * @module
 */

import { toDictionary, toDOMString, toEventInit } from "./idl.ts";

/**
 * A base class whose constructor returns the object it is given, so that
 * `new Subclass(event)` installs the subclass's private fields on an event
 * it did not make: those fields hold the attributes, and reading one off
 * anything else throws the `TypeError` WebIDL's brand check wants.
 *
 * @example
 * ```ts
 * class Tag extends Stamp {
 *   #tag = "tagged";
 *   static of = (object: object): string => (object as Tag).#tag;
 * }
 * const event = new Event("x");
 * new Tag(event);
 * Tag.of(event); // "tagged"
 * ```
 */
export class Stamp {
  constructor(object: object) {
    return object as Stamp;
  }
}

/**
 * An interface object named `name` extending `parent`: `members` become its
 * prototype's accessors and operations (enumerable, as WebIDL makes them),
 * and `init` fills each new event from its converted dictionary.
 *
 * @example
 * ```ts
 * const Plain = defineEventConstructor("PlainEvent", Event, {}, () => {}) as typeof Event;
 * new Plain("x") instanceof Event; // true
 * ```
 */
export function defineEventConstructor(
  name: string,
  parent: { prototype: object },
  members: object,
  init: (event: Event, dictionary: Record<string, unknown>) => void,
): unknown {
  // Events of this very interface come from `new Maker`, which V8 makes faster than Reflect.construct;
  // its prototype is the interface's. A subclass's events still need Reflect.construct.
  const Maker = class extends Event {};
  const prototype = Maker.prototype;
  function constructor(this: unknown, type: string, eventInitDict?: unknown): Event {
    if (new.target === undefined) throw new TypeError(`Cannot call ${name}: it is a constructor (use new)`);
    if (arguments.length === 0) throw new TypeError(`Cannot construct a ${name}: a type is required`);
    type = toDOMString(type);
    const dictionary = toDictionary(eventInitDict, `${name}Init`);
    const eventInit = toEventInit(dictionary);
    const event = new.target === constructor
      ? new Maker(type, eventInit)
      : Reflect.construct(Event, [type, eventInit], new.target) as Event;
    init(event, dictionary);
    return event;
  }
  Object.setPrototypeOf(prototype, parent.prototype);
  Object.defineProperties(prototype, Object.getOwnPropertyDescriptors(members));
  Object.defineProperty(prototype, "constructor", { value: constructor, writable: true, configurable: true });
  Object.defineProperty(prototype, Symbol.toStringTag, { value: name, configurable: true });
  Object.defineProperty(constructor, "prototype", { value: prototype, writable: false });
  Object.defineProperty(constructor, "length", { value: 1 });
  Object.defineProperty(constructor, "name", { value: name });
  Object.setPrototypeOf(constructor, parent);
  return constructor;
}
