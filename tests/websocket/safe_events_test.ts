import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SafeEventTarget } from "../../src/websocket/safe_events.ts";

class Target extends SafeEventTarget {
  get onping(): ((event: Event) => unknown) | null {
    return this.getHandler("ping");
  }
  set onping(value: ((event: Event) => unknown) | null) {
    this.setHandler("ping", value);
  }
}

function quietly<T>(body: (logged: unknown[]) => T): T {
  const original = console.error;
  const logged: unknown[] = [];
  console.error = (error: unknown) => logged.push(error);
  try {
    return body(logged);
  } finally {
    console.error = original;
  }
}

describe("listeners that throw", () => {
  it("are reported and do not stop later listeners", () => {
    quietly((logged) => {
      const target = new Target();
      const calls: string[] = [];
      target.addEventListener("ping", () => {
        throw new Error("first");
      });
      target.addEventListener("ping", { handleEvent: () => calls.push("object") });
      target.onping = () => {
        throw new Error("handler");
      };
      target.addEventListener("ping", () => calls.push("last"));
      target.dispatchEvent(new Event("ping"));
      assert.deepEqual(calls, ["object", "last"]);
      assert.equal(logged.length, 2);
    });
  });

  it("removeEventListener, duplicates and once behave like EventTarget", () => {
    const target = new Target();
    const calls: number[] = [];
    const listener = () => calls.push(1);
    target.addEventListener("ping", listener);
    target.addEventListener("ping", listener);
    target.dispatchEvent(new Event("ping"));
    target.removeEventListener("ping", listener);
    target.dispatchEvent(new Event("ping"));
    target.addEventListener("ping", () => calls.push(2), { once: true });
    target.dispatchEvent(new Event("ping"));
    target.dispatchEvent(new Event("ping"));
    assert.deepEqual(calls, [1, 2]);
  });

  it("handler attributes: non-functions become null, `this` is the target", () => {
    const target = new Target();
    let self: unknown;
    target.onping = function (this: unknown) {
      self = this;
    };
    target.dispatchEvent(new Event("ping"));
    assert.equal(self, target);
    target.onping = "nope" as unknown as null;
    assert.equal(target.onping, null);
  });
});

describe("event handler attributes hold any object (HTML [LegacyTreatNonObjectAsNull])", () => {
  it("keep a non-callable object and read it back, but never call it; primitives give null", () => {
    quietly((logged) => {
      const target = new Target();
      const calls: string[] = [];
      const object = { handleEvent: () => calls.push("handleEvent") };
      target.onping = object as unknown as null;
      assert.equal(target.onping, object);
      target.addEventListener("ping", () => calls.push("listener"));
      target.dispatchEvent(new Event("ping"));
      assert.deepEqual(calls, ["listener"]);
      assert.deepEqual(logged, [], "nothing to report: invoking it does nothing");
      target.onping = () => calls.push("function");
      target.dispatchEvent(new Event("ping"));
      assert.deepEqual(calls, ["listener", "function", "listener"], "a later function keeps the first slot");
      target.onping = 5 as unknown as null;
      assert.equal(target.onping, null);
    });
  });

  it("the EventTarget methods are enumerable, the handler plumbing is not", () => {
    const keys: string[] = [];
    for (const key in new Target()) keys.push(key);
    for (const name of ["addEventListener", "removeEventListener", "dispatchEvent"]) {
      assert.ok(keys.includes(name), name);
    }
    assert.ok(!keys.includes("getHandler") && !keys.includes("setHandler"));
  });
});

describe("listener options and arguments, as EventTarget takes them", () => {
  it("a listener added with a signal is gone once it aborts, and can be added again", () => {
    const target = new Target();
    const calls: string[] = [];
    const listener = () => calls.push("called");
    const abort = new AbortController();
    target.addEventListener("ping", listener, { signal: abort.signal });
    target.dispatchEvent(new Event("ping"));
    abort.abort();
    target.dispatchEvent(new Event("ping"));
    target.addEventListener("ping", listener);
    target.dispatchEvent(new Event("ping"));
    assert.deepEqual(calls, ["called", "called"]);
  });

  it("capture is part of a listener's identity, as for the runtime's own EventTarget", () => {
    // Node's own EventTarget removes a capturing listener by neither call below; ours follows the runtime.
    const run = (target: EventTarget): number => {
      let calls = 0;
      const listener = () => calls++;
      target.addEventListener("ping", listener, { capture: true });
      target.removeEventListener("ping", listener);
      target.dispatchEvent(new Event("ping"));
      target.removeEventListener("ping", listener, true);
      target.dispatchEvent(new Event("ping"));
      return calls;
    };
    const native = run(new EventTarget());
    assert.ok(native >= 1, "the first removal (other phase) leaves it");
    assert.equal(run(new Target()), native);
  });

  it("missing arguments and a Symbol type are TypeErrors; a null listener does nothing", () => {
    const target = new Target();
    const add = target.addEventListener as (...args: unknown[]) => void;
    assert.throws(() => add.call(target), TypeError);
    assert.throws(() => add.call(target, "ping"), TypeError);
    assert.throws(() => add.call(target, Symbol("ping"), () => {}), TypeError);
    add.call(target, "ping", null);
    assert.equal(target.dispatchEvent(new Event("ping")), true);
  });
});
