/**
 * The WebIDL conversions of the `WebSocket` interface that JavaScript does
 * not do by itself: the constructor's `(DOMString or sequence<DOMString>)`
 * union (next to the options object undici, Deno and Bun accept), `DOMString`
 * arguments, and the enumerable members every browser exposes.
 *
 * @example
 * ```ts
 * import { isOptionsObject, toProtocols } from "./idl.ts";
 * isOptionsObject({ headers: {} }); // true
 * toProtocols(new Set(["chat"])); // ["chat"]
 * toProtocols(null); // "null"
 * ```
 * @module
 */

/**
 * WebIDL `DOMString`: `String(value)`, except that a Symbol is a `TypeError`
 * (as in browsers) rather than the text "Symbol(...)".
 *
 * @example
 * ```ts
 * toDOMString({ toString: () => "arraybuffer" }); // "arraybuffer"
 * ```
 */
export function toDOMString(value: unknown): string {
  if (typeof value === "symbol") throw new TypeError("Cannot convert a Symbol to a string");
  return String(value);
}

/**
 * True when the constructor's second argument is an options object: a
 * non-null object that is not iterable. Anything iterable is a protocol
 * list, as WebIDL reads the union.
 *
 * @example
 * ```ts
 * isOptionsObject(["chat"]); // false
 * isOptionsObject({ protocols: ["chat"] }); // true
 * ```
 */
export function isOptionsObject(value: unknown): value is object {
  return typeof value === "object" && value !== null &&
    (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] == null;
}

/**
 * WebIDL `(DOMString or sequence<DOMString>)`: an iterable object becomes a
 * list of strings, anything else but `undefined` one string.
 *
 * @example
 * ```ts
 * toProtocols(123); // "123"
 * toProtocols(["a", 1]); // ["a", "1"]
 * ```
 */
export function toProtocols(value: unknown): string | string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "object" && value !== null && !isOptionsObject(value)) {
    return Array.from(value as Iterable<unknown>, toDOMString);
  }
  return toDOMString(value);
}

/**
 * Make prototype members enumerable, as WebIDL attributes and operations
 * are (`for…in` over a browser's WebSocket lists them).
 *
 * @example
 * ```ts
 * class Probe {
 *   get name(): string { return "probe"; }
 * }
 * exposeMembers(Probe.prototype, ["name"]);
 * for (const key in new Probe()) console.log(key); // "name"
 * ```
 */
export function exposeMembers(prototype: object, names: readonly string[]): void {
  for (const name of names) {
    // A name missing here would become an own `undefined`, hiding what the chain holds.
    if (!Object.hasOwn(prototype, name)) throw new Error(`Cannot expose ${name}: not defined on this prototype`);
    Object.defineProperty(prototype, name, { enumerable: true });
  }
}

/** What {@link defineInterface} sets on a class. */
export interface InterfaceShape {
  /** The `Symbol.toStringTag`. */
  name: string;
  /** Constants, on the class and its prototype (enumerable, read-only). */
  constants: Record<string, number>;
  /** Prototype members made enumerable. */
  members: readonly string[];
  /** Argument counts: `constructor` for the class, other keys for methods. */
  lengths: Record<string, number>;
}

/**
 * Give a class the shape WebIDL gives an interface object.
 *
 * @example
 * ```ts
 * class Door {
 *   open(_force?: boolean): void {}
 * }
 * defineInterface(Door, { name: "Door", constants: { SHUT: 0 }, members: ["open"], lengths: { open: 0 } });
 * Object.prototype.toString.call(new Door()); // "[object Door]"
 * ```
 */
export function defineInterface(constructor: { prototype: object }, shape: InterfaceShape): void {
  const prototype = constructor.prototype as Record<string, unknown>;
  for (const [name, value] of Object.entries(shape.constants)) {
    const descriptor = { value, enumerable: true, writable: false, configurable: false };
    Object.defineProperty(constructor, name, descriptor);
    Object.defineProperty(prototype, name, descriptor);
  }
  Object.defineProperty(prototype, Symbol.toStringTag, { value: shape.name, configurable: true });
  exposeMembers(prototype, shape.members);
  for (const [name, length] of Object.entries(shape.lengths)) {
    Object.defineProperty(name === "constructor" ? constructor : prototype[name] as object, "length", {
      value: length,
    });
  }
}

/**
 * WebIDL `USVString`: a `DOMString` with each lone surrogate replaced by U+FFFD.
 *
 * @example
 * ```ts
 * toUSVString("a\uD800"); // "a\uFFFD"
 * ```
 */
export function toUSVString(value: unknown): string {
  const text = toDOMString(value);
  // isWellFormed (ES2024) is the fast check; Node 20 has it, the regex is for older engines.
  const checked = text as unknown as { isWellFormed?: () => boolean };
  if (checked.isWellFormed?.() === true) return text;
  return text.replace(/\p{Surrogate}/gu, "\uFFFD");
}

/**
 * WebIDL `unsigned short` (no `[EnforceRange]`): `ToNumber`, then NaN and
 * infinities to 0, truncation, and modulo 2¹⁶.
 *
 * @example
 * ```ts
 * toUnsignedShort(65537); // 1
 * toUnsignedShort(-1); // 65535
 * ```
 */
export function toUnsignedShort(value: unknown): number {
  // Unary plus, not Number(): WebIDL's ToNumber throws on a BigInt.
  const number = +(value as number);
  if (!Number.isFinite(number)) return 0;
  return ((Math.trunc(number) % 65536) + 65536) % 65536;
}

/**
 * A WebIDL dictionary argument: `undefined` and `null` are an empty one,
 * any other non-object a `TypeError`.
 *
 * @example
 * ```ts
 * toDictionary(undefined, "CloseEventInit"); // {}
 * ```
 */
export function toDictionary(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" && typeof value !== "function") {
    throw new TypeError(`Cannot convert to ${name}: not an object`);
  }
  return value as Record<string, unknown>;
}

/**
 * The `EventInit` members of a converted dictionary, read once each, in
 * WebIDL order (`bubbles`, `cancelable`, `composed`).
 *
 * @example
 * ```ts
 * toEventInit({ bubbles: 1 }); // { bubbles: true, cancelable: false, composed: false }
 * ```
 */
export function toEventInit(dictionary: Record<string, unknown>): EventInit {
  return { bubbles: !!dictionary.bubbles, cancelable: !!dictionary.cancelable, composed: !!dictionary.composed };
}

/**
 * True when `prototype` has `name` as WebIDL makes a read-only attribute:
 * an enumerable, configurable accessor whose getter is named `get <name>`
 * and which has no setter.
 *
 * @example
 * ```ts
 * isWebIDLAttribute(Event.prototype, "type");
 * ```
 */
export function isWebIDLAttribute(prototype: object, name: string): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
  return descriptor?.get !== undefined && descriptor.set === undefined && descriptor.enumerable === true &&
    descriptor.configurable === true && descriptor.get.name === `get ${name}`;
}

/**
 * True when `body` throws a `TypeError` (a feature probe's question).
 *
 * @example
 * ```ts
 * throwsTypeError(() => new (Event as unknown as new () => Event)()); // true: a type is required
 * ```
 */
export function throwsTypeError(body: () => unknown): boolean {
  try {
    body();
    return false;
  } catch (error) {
    return error instanceof TypeError;
  }
}
