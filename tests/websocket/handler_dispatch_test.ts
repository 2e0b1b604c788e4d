// A WebSocket's dispatchEvent (WHATWG: an EventTarget's own) where the
// runtime calls on<type> itself: a dispatch by the page goes through the
// socket's listener state, which hides the handler from the runtime so it
// runs once; elsewhere the prototype keeps EventTarget's dispatchEvent. The
// runtime's own double call is only seen inside workerd
// (tests/interop/workerd_test.ts); here the override is installed by hand.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { dispatchThroughListeners } from "../../src/websocket/handler_dispatch.ts";
import { RUNTIME_CALLS_HANDLERS, SafeListeners } from "../../src/websocket/safe_events.ts";

class Target extends EventTarget {
  listeners: SafeListeners | undefined;
}
dispatchThroughListeners(Target.prototype, (value) => value instanceof Target ? value.listeners : undefined);

class Overridden extends EventTarget {
  listeners: SafeListeners | undefined;
}
dispatchThroughListeners(
  Overridden.prototype,
  (value) => value instanceof Overridden ? value.listeners : undefined,
  true,
);

describe("dispatchThroughListeners", () => {
  it("overrides dispatchEvent only where the runtime calls on<type> itself", () => {
    assert.equal(Object.hasOwn(Target.prototype, "dispatchEvent"), RUNTIME_CALLS_HANDLERS);
    if (!RUNTIME_CALLS_HANDLERS) assert.equal(Target.prototype.dispatchEvent, EventTarget.prototype.dispatchEvent);
  });

  it("installed, a dispatch goes through the receiver's listener state once and returns its answer", () => {
    assert.ok(Object.hasOwn(Overridden.prototype, "dispatchEvent"));
    const target = new Overridden();
    target.listeners = new SafeListeners(target);
    const dispatched: Event[] = [];
    const own = target.listeners.dispatch.bind(target.listeners);
    target.listeners.dispatch = (event: Event) => (dispatched.push(event), own(event));
    const seen: string[] = [];
    target.listeners.setHandler("tick", () => seen.push("handler"));
    target.listeners.add(["tick", (event: Event) => (seen.push("listener"), event.preventDefault())]);
    const event = new Event("tick", { cancelable: true });
    assert.equal(target.dispatchEvent(event), false);
    assert.deepEqual(dispatched, [event]);
    assert.deepEqual(seen, ["handler", "listener"]);
  });

  it("installed, a receiver without listener state (or not an instance) is dispatched as EventTarget does", () => {
    const target = new Overridden();
    let heard = 0;
    target.addEventListener("tick", () => heard++);
    assert.equal(target.dispatchEvent(new Event("tick")), true);
    assert.equal(heard, 1);
    const stranger = new EventTarget();
    stranger.addEventListener("tick", () => heard++);
    assert.equal(Overridden.prototype.dispatchEvent.call(stranger, new Event("tick")), true);
    assert.equal(heard, 2);
  });

  it("where not installed, on<type> and listeners still run once per dispatch by the page, in order", () => {
    const target = new Target();
    target.listeners = new SafeListeners(target);
    const seen: string[] = [];
    target.listeners.setHandler("tick", () => seen.push("handler"));
    target.listeners.add(["tick", () => seen.push("listener")]);
    assert.equal(target.dispatchEvent(new Event("tick")), true);
    assert.deepEqual(seen, ["handler", "listener"]);
  });
});
