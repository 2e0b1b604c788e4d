// One normaliser for client and server options: every default from one
// module, limits capped to what the codec holds.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_SESSION_OPTIONS, resolveSessionOptions } from "../../src/session/options.ts";

describe("session options", () => {
  it("applies every default: 100 MiB, 100,000 fragments, 5 s close, no heartbeat, 16 MiB, wait", () => {
    assert.deepEqual(resolveSessionOptions({}), {
      limits: { maxPayload: 100 * 1024 * 1024, maxFragments: 100_000 },
      closeTimeout: 5000,
      idleTimeout: 0,
      highWaterMark: 16 * 1024 * 1024,
      onBufferFull: "wait",
    });
    assert.deepEqual(DEFAULT_SESSION_OPTIONS, resolveSessionOptions({}));
  });

  it("keeps what is given; limits win over maxPayload and maxFragments", () => {
    const given = { maxPayload: 10, maxFragments: 2, closeTimeout: 1, idleTimeout: 2, highWaterMark: 3 };
    assert.deepEqual(resolveSessionOptions({ ...given, onBufferFull: "close" }), {
      limits: { maxPayload: 10, maxFragments: 2 },
      closeTimeout: 1,
      idleTimeout: 2,
      highWaterMark: 3,
      onBufferFull: "close",
    });
    assert.deepEqual(resolveSessionOptions({ ...given, limits: { maxPayload: 7, maxFragments: 8 } }).limits, {
      maxPayload: 7,
      maxFragments: 8,
    });
  });

  it("caps limits below 2^53 bytes and 2^32 fragments (Infinity means no limit the codec can hold)", () => {
    assert.deepEqual(resolveSessionOptions({ maxPayload: Infinity, maxFragments: Infinity }).limits, {
      maxPayload: 2 ** 53 - 1,
      maxFragments: 2 ** 32 - 1,
    });
    assert.equal(resolveSessionOptions({ maxPayload: 2 ** 60 }).limits.maxPayload, 2 ** 53 - 1);
  });
});
