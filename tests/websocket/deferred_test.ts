// The promise pair behind WebSocketStream's `opened` and `closed`: settled
// from outside, and a rejection nobody awaits is not an unhandled rejection
// (deno test, bun test and node --test all fail a run that leaks one).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Deferred } from "../../src/websocket/deferred.ts";

describe("Deferred", () => {
  it("settles once, by the first call", async () => {
    const deferred = new Deferred<string>();
    deferred.resolve("first");
    deferred.reject(new Error("too late"));
    assert.equal(await deferred.promise, "first");
  });

  it("a rejection nobody awaits passes unreported, and still rejects whoever awaits later", async () => {
    const deferred = new Deferred<string>();
    deferred.reject(new Error("closed"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    await assert.rejects(deferred.promise, { message: "closed" });
  });
});
