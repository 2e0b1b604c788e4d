// A WebSocket's dispatchEvent (WHATWG: an EventTarget's own) where the
// runtime calls on<type> itself: a dispatch by the page goes through the
// socket's listener state, which hides the handler from the runtime so it
// runs once; elsewhere the prototype keeps EventTarget's dispatchEvent.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { dispatchThroughListeners } from "../../src/websocket/handler_dispatch.ts";
import { RUNTIME_CALLS_HANDLERS, SafeListeners } from "../../src/websocket/safe_events.ts";

class Target extends EventTarget {
  listeners: SafeListeners | undefined;
}
dispatchThroughListeners(Target.prototype, (value) => value instanceof Target ? value.listeners : undefined);

describe("dispatchThroughListeners", () => {
  it("overrides dispatchEvent only where the runtime calls on<type> itself", () => {
    assert.equal(Object.hasOwn(Target.prototype, "dispatchEvent"), RUNTIME_CALLS_HANDLERS);
    if (!RUNTIME_CALLS_HANDLERS) assert.equal(Target.prototype.dispatchEvent, EventTarget.prototype.dispatchEvent);
  });

  it("runs an on<type> handler once per dispatch by the page, listeners in order", () => {
    const target = new Target();
    target.listeners = new SafeListeners(target);
    const seen: string[] = [];
    target.listeners.setHandler("tick", () => seen.push("handler"));
    target.listeners.add(["tick", () => seen.push("listener")]);
    assert.equal(target.dispatchEvent(new Event("tick")), true);
    assert.deepEqual(seen, ["handler", "listener"]);
  });

  it("dispatches a receiver without listener state as EventTarget does", () => {
    const target = new Target();
    let heard = 0;
    target.addEventListener("tick", () => heard++);
    target.dispatchEvent(new Event("tick"));
    assert.equal(heard, 1);
  });
});
