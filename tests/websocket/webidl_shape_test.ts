// The interface objects as WebIDL (§3.7 "Interface objects", §3.7.3
// "Interface prototype object", §3.7.6 attributes, §3.7.7 operations) makes
// them from the IDL of the WHATWG WebSockets Standard (WebSocket,
// CloseEvent) and of HTML (MessageEvent): prototype chains, own accessors
// and operations, `length`, enumerability, constants, string tags and
// brand checks, for the classes as we export them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CloseEvent, MessageEvent, type MessageEventInit, WebSocket } from "../../src/mod.ts";

type AnyFunction = (...args: unknown[]) => unknown;

const WEBSOCKET_ATTRIBUTES = {
  url: "readonly",
  readyState: "readonly",
  bufferedAmount: "readonly",
  onopen: "writable",
  onerror: "writable",
  onclose: "writable",
  extensions: "readonly",
  protocol: "readonly",
  onmessage: "writable",
  binaryType: "writable",
} as const;
const WEBSOCKET_OPERATIONS = { close: 0, send: 1 };
const CONSTANTS = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };

/** "ok" or the name of what `body` throws. */
function outcome(body: () => unknown): string {
  try {
    body();
    return "ok";
  } catch (error) {
    return (error as Error).constructor.name;
  }
}

function assertAttribute(prototype: object, name: string, writable: boolean): void {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
  assert.ok(descriptor !== undefined, `${name} is an own property of the prototype`);
  assert.equal(typeof descriptor.get, "function", `${name} is an accessor`);
  assert.equal(descriptor.enumerable, true, `${name} is enumerable`);
  assert.equal(descriptor.configurable, true, `${name} is configurable`);
  assert.equal(descriptor.get!.name, `get ${name}`);
  assert.equal(descriptor.get!.length, 0);
  if (writable) {
    assert.equal(typeof descriptor.set, "function", `${name} has a setter`);
    assert.equal(descriptor.set!.name, `set ${name}`);
    assert.equal(descriptor.set!.length, 1);
  } else assert.equal(descriptor.set, undefined, `${name} is read-only`);
  // The getter checks its receiver: a TypeError for anything but an instance.
  for (const foreign of [{}, null, undefined, new EventTarget(), Object.create(prototype)]) {
    assert.throws(() => descriptor.get!.call(foreign), TypeError, `get ${name} on a foreign object`);
  }
}

function assertOperation(prototype: object, name: string, length: number): void {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
  assert.ok(descriptor !== undefined, `${name} is an own property of the prototype`);
  assert.equal(typeof descriptor.value, "function");
  assert.deepEqual([descriptor.writable, descriptor.enumerable, descriptor.configurable], [true, true, true], name);
  assert.equal(descriptor.value.name, name);
  assert.equal(descriptor.value.length, length, `${name}.length`);
}

function assertInterfaceObject(constructor: AnyFunction, name: string, length: number): void {
  assert.equal(constructor.name, name);
  assert.equal(constructor.length, length);
  const prototype = Object.getOwnPropertyDescriptor(constructor, "prototype")!;
  assert.deepEqual([prototype.writable, prototype.enumerable, prototype.configurable], [false, false, false]);
  const back = Object.getOwnPropertyDescriptor(prototype.value, "constructor")!;
  assert.equal(back.value, constructor);
  assert.deepEqual([back.writable, back.enumerable, back.configurable], [true, false, true]);
  const tag = Object.getOwnPropertyDescriptor(prototype.value, Symbol.toStringTag)!;
  assert.deepEqual([tag.value, tag.writable, tag.enumerable, tag.configurable], [name, false, false, true]);
  assert.throws(() => constructor("x"), TypeError, `${name}() without new`);
}

/** The class an exported event interface extends: the runtime's own of that name where there is one. */
function expectedParent(name: "CloseEvent" | "MessageEvent", exported: AnyFunction): AnyFunction {
  const runtime = (globalThis as unknown as Record<string, AnyFunction | undefined>)[name];
  return runtime === undefined || runtime === exported ? Event as unknown as AnyFunction : runtime;
}

describe("WebSocket interface object", () => {
  it("inherits from the runtime's own EventTarget, with nothing between", () => {
    assert.equal(Object.getPrototypeOf(WebSocket), EventTarget);
    assert.equal(Object.getPrototypeOf(WebSocket.prototype), EventTarget.prototype);
    assertInterfaceObject(WebSocket as unknown as AnyFunction, "WebSocket", 1);
  });

  it("the interface object holds only what WebIDL puts there: no way for user code to make a server socket", () => {
    const own = Object.getOwnPropertyNames(WebSocket).sort();
    assert.deepEqual(own, ["CLOSED", "CLOSING", "CONNECTING", "OPEN", "length", "name", "prototype"]);
    assert.deepEqual(Object.getOwnPropertySymbols(WebSocket), []);
    assert.throws(() => new WebSocket(Symbol("accepted") as unknown as string), TypeError, "a Symbol is no URL");
  });

  it("has the constants on the interface object and the prototype, read-only and enumerable", () => {
    for (const [name, value] of Object.entries(CONSTANTS)) {
      for (const holder of [WebSocket, WebSocket.prototype]) {
        const descriptor = Object.getOwnPropertyDescriptor(holder, name)!;
        assert.deepEqual(
          [descriptor.value, descriptor.writable, descriptor.enumerable, descriptor.configurable],
          [value, false, true, false],
          name,
        );
      }
    }
  });

  it("has every attribute as an accessor on WebSocket.prototype and nowhere else", async () => {
    for (const [name, kind] of Object.entries(WEBSOCKET_ATTRIBUTES)) {
      assertAttribute(WebSocket.prototype, name, kind === "writable");
      assert.equal(Object.hasOwn(EventTarget.prototype, name), false, `${name} not on EventTarget.prototype`);
    }
    const ws = new WebSocket("ws://127.0.0.1:1");
    // String keys only: Deno's EventTarget keeps its own state under symbols on every target.
    assert.deepEqual(Object.getOwnPropertyNames(ws), [], "an instance has no own properties");
    ws.onclose = () => {};
    assert.deepEqual(Object.getOwnPropertyNames(ws), [], "nor after a handler is set");
    await new Promise((resolve) => ws.addEventListener("close", resolve));
  });

  it("has the operations close(code, reason) and send(data) with WebIDL lengths", () => {
    for (const [name, length] of Object.entries(WEBSOCKET_OPERATIONS)) {
      assertOperation(WebSocket.prototype, name, length);
    }
  });

  it("adds to the IDL members only the EventTarget operations that make listeners safe", () => {
    const idl = [...Object.keys(WEBSOCKET_ATTRIBUTES), ...Object.keys(WEBSOCKET_OPERATIONS), ...Object.keys(CONSTANTS)];
    const extra = Object.getOwnPropertyNames(WebSocket.prototype).filter((name) =>
      name !== "constructor" && !idl.includes(name)
    );
    // wasmws's documented extras: ping/drained/terminate, and on accepted sockets remoteAddress/request/data
    // and topics (subscribe, unsubscribe, isSubscribed, subscriptions, publish).
    const safe = ["addEventListener", "removeEventListener", "dispatchEvent"];
    const extras = ["ping", "drained", "terminate", "remoteAddress", "request", "data"];
    extras.push("subscribe", "unsubscribe", "isSubscribed", "subscriptions", "publish");
    assert.deepEqual(extra.filter((name) => !extras.includes(name) && !safe.includes(name)), []);
    assert.ok(extra.includes("addEventListener") && extra.includes("removeEventListener"));
    assert.deepEqual(
      Object.getOwnPropertySymbols(WebSocket.prototype),
      [Symbol.toStringTag],
      "no engine methods under symbols",
    );
    for (const name of safe.filter((name) => extra.includes(name))) {
      assertOperation(WebSocket.prototype, name, name === "dispatchEvent" ? 1 : 2);
    }
  });

  it("checks the receiver before the arguments", () => {
    const proto = WebSocket.prototype as unknown as Record<string, AnyFunction>;
    assert.throws(() => proto.close.call(null), TypeError);
    assert.throws(() => proto.close.call({}, 5), TypeError, "a bad code on a foreign object is still a TypeError");
    assert.throws(() => proto.close.call({}, 1000, "x".repeat(200)), TypeError);
    assert.throws(() => proto.send.call({}, "x"), TypeError);
    assert.throws(() => proto.send.call(undefined), TypeError);
    const binaryType = Object.getOwnPropertyDescriptor(WebSocket.prototype, "binaryType")!;
    assert.throws(() => binaryType.set!.call({}, "arraybuffer"), TypeError);
    const symbol = { toString: () => Symbol("never converted") };
    assert.throws(() => binaryType.set!.call({}, symbol), TypeError);
    let converted = false;
    assert.throws(() =>
      binaryType.set!.call(new EventTarget(), {
        toString() {
          converted = true;
          return "blob";
        },
      }), TypeError);
    assert.equal(converted, false, "the value is not converted before the receiver is checked");
    for (const name of ["onopen", "onmessage", "onerror", "onclose"]) {
      const handler = Object.getOwnPropertyDescriptor(WebSocket.prototype, name)!;
      assert.throws(() => handler.set!.call({}, () => {}), TypeError, `set ${name}`);
    }
  });

  it("the listener operations act as EventTarget's on any other EventTarget", () => {
    const target = new EventTarget();
    const calls: string[] = [];
    const listener = () => calls.push("called");
    WebSocket.prototype.addEventListener.call(target, "x", listener);
    target.dispatchEvent(new Event("x"));
    WebSocket.prototype.removeEventListener.call(target, "x", listener);
    target.dispatchEvent(new Event("x"));
    assert.deepEqual(calls, ["called"]);
    // Deno's EventTarget methods take a null receiver as globalThis; the stand-ins do as the runtime does.
    assert.equal(
      outcome(() => WebSocket.prototype.addEventListener.call(null, "x", listener)),
      outcome(() => EventTarget.prototype.addEventListener.call(null, "x", listener)),
    );
    assert.throws(() => WebSocket.prototype.addEventListener.call({}, "x", listener), TypeError);
    assert.throws(() => (WebSocket.prototype.addEventListener as AnyFunction).call(target, "x"), TypeError);
  });

  it("addEventListener checks its arguments as the runtime's EventTarget does", async () => {
    const ws = new WebSocket("ws://127.0.0.1:1");
    const add = ws.addEventListener as AnyFunction;
    const native = EventTarget.prototype.addEventListener as AnyFunction;
    assert.throws(() => add.call(ws), TypeError, "no arguments");
    assert.throws(() => add.call(ws, "open"), TypeError, "no callback");
    assert.throws(() => add.call(ws, Symbol(), () => {}), TypeError, "a type that is a Symbol");
    for (const callback of [5, "f", true]) {
      assert.equal(
        outcome(() => add.call(ws, "open", callback)),
        outcome(() => native.call(new EventTarget(), "open", callback)),
      );
    }
    add.call(ws, "open", null);
    await new Promise((resolve) => ws.addEventListener("close", resolve));
  });
});

describe("CloseEvent as exported", () => {
  const parent = expectedParent("CloseEvent", CloseEvent as unknown as AnyFunction);

  it("is, or extends, the runtime's own CloseEvent, and an Event", () => {
    assert.equal(Object.getPrototypeOf(CloseEvent), parent);
    assert.equal(Object.getPrototypeOf(CloseEvent.prototype), parent.prototype);
    if (parent !== (Event as unknown)) assert.equal(Object.getPrototypeOf(parent.prototype), Event.prototype);
    const event = new CloseEvent("close");
    assert.ok(event instanceof Event);
    const runtime = (globalThis as unknown as { CloseEvent?: AnyFunction }).CloseEvent;
    if (runtime !== undefined) assert.ok(event instanceof runtime);
    assertInterfaceObject(CloseEvent as unknown as AnyFunction, "CloseEvent", 1);
  });

  it("has wasClean, code and reason as read-only accessors that check their receiver", () => {
    for (const name of ["wasClean", "code", "reason"]) assertAttribute(CloseEvent.prototype, name, false);
  });

  it("converts its dictionary as WebIDL says", () => {
    const event = new CloseEvent("close", { code: 65537, reason: "a\uD800", wasClean: 1 as unknown as boolean });
    assert.deepEqual([event.code, event.reason, event.wasClean], [1, "a\uFFFD", true]);
    assert.equal(new CloseEvent("close", { code: -1 }).code, 65535);
    assert.equal(new CloseEvent("close", { code: NaN }).code, 0);
    const plain = new CloseEvent("close", { bubbles: true });
    assert.deepEqual([plain.code, plain.reason, plain.wasClean, plain.bubbles], [0, "", false, true]);
    assert.equal(new CloseEvent("close", null as unknown as undefined).code, 0);
    assert.throws(() => new CloseEvent("close", 5 as unknown as undefined), TypeError);
    assert.throws(() => new (CloseEvent as unknown as new () => Event)(), TypeError);
    assert.throws(() => new CloseEvent(Symbol() as unknown as string), TypeError);
    assert.equal(Object.prototype.toString.call(event), "[object CloseEvent]");
    assert.deepEqual(Object.keys(event).filter((key) => key !== "isTrusted"), []);
  });
});

describe("MessageEvent as exported", () => {
  const parent = expectedParent("MessageEvent", MessageEvent as unknown as AnyFunction);

  it("is, or extends, the runtime's own MessageEvent, so instanceof holds in user code", () => {
    assert.equal(Object.getPrototypeOf(MessageEvent), parent);
    assert.equal(Object.getPrototypeOf(MessageEvent.prototype), parent.prototype);
    const event = new MessageEvent("message", { data: 1 });
    assert.ok(event instanceof globalThis.MessageEvent);
    assert.ok(event instanceof Event);
    assertInterfaceObject(MessageEvent as unknown as AnyFunction, "MessageEvent", 1);
  });

  it("has data, origin, lastEventId, source and ports as read-only accessors, and initMessageEvent", () => {
    for (const name of ["data", "origin", "lastEventId", "source", "ports"]) {
      assertAttribute(MessageEvent.prototype, name, false);
    }
    assertOperation(MessageEvent.prototype, "initMessageEvent", 1);
    const init = (MessageEvent.prototype as unknown as Record<string, AnyFunction>).initMessageEvent;
    assert.throws(() => init.call({}, "message"), TypeError);
  });

  it("converts its dictionary as WebIDL says", () => {
    const data = { any: "value" };
    const event = new MessageEvent("message", { data, origin: "ws://h\uD800", lastEventId: 7 as unknown as string });
    assert.equal(event.data, data);
    assert.equal(event.origin, "ws://h\uFFFD");
    assert.equal(event.lastEventId, "7");
    assert.equal(event.source, null);
    assert.ok(Object.isFrozen(event.ports) && event.ports.length === 0);
    assert.equal(event.ports, event.ports, "one frozen array");
    const empty = new MessageEvent("message");
    assert.deepEqual([empty.data, empty.origin, empty.lastEventId], [null, "", ""]);
    assert.throws(() => new MessageEvent("message", 5 as unknown as undefined), TypeError);
    assert.throws(() => new MessageEvent("message", { source: {} } as MessageEventInit), TypeError);
    assert.throws(() => new (MessageEvent as unknown as new () => Event)(), TypeError);
    assert.equal(Object.prototype.toString.call(event), "[object MessageEvent]");
    assert.deepEqual(Object.keys(event).filter((key) => key !== "isTrusted"), []);
  });
});

describe("WebIDL argument conversions of close()", () => {
  it("converts code before reason, and checks both after", async () => {
    const ws = new WebSocket("ws://127.0.0.1:1");
    const order: string[] = [];
    const code = { valueOf: () => (order.push("code"), 999) };
    const reason = { toString: () => (order.push("reason"), "r") };
    assert.throws(
      () => ws.close(code as unknown as number, reason as unknown as string),
      (error: unknown) => error instanceof DOMException && error.name === "InvalidAccessError",
    );
    assert.deepEqual(order, ["code", "reason"]);
    assert.throws(() => ws.close(Symbol() as unknown as number), TypeError);
    await new Promise((resolve) => ws.addEventListener("close", resolve));
  });
});
