import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { keepRequest, restoreRequest } from "../src/upgrade_info.ts";

describe("the upgrade request an accepted socket keeps", () => {
  it("gives back URL, address and every field as sent, values with colons and repeats included", () => {
    const remote = { hostname: "127.0.0.1", port: 5000 };
    const kept = keepRequest("ws://h/room?id=7", remote, [
      ["Host", "h"],
      ["X-Token", "a: b"],
      ["X-Many", "1"],
      ["X-Many", "2"],
      ["X-Empty", ""],
    ]);
    const request = restoreRequest(kept);
    assert.equal(request.url, "ws://h/room?id=7");
    assert.equal(request.remoteAddress, remote);
    assert.deepEqual([...request.headers], [["host", "h"], ["x-empty", ""], ["x-many", "1, 2"], ["x-token", "a: b"]]);
  });

  it("handles a request with no fields", () => {
    assert.deepEqual([...restoreRequest(keepRequest("ws://h/", undefined, [])).headers], []);
  });
});
