// The reconnect delays as a table: exponential from minDelay by factor,
// capped at maxDelay, less up to `jitter` of it drawn at random.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { backoffDelay, type BackoffOptions, checkBackoff } from "../../src/client/backoff.ts";

describe("backoffDelay", () => {
  const table: Array<[attempt: number, options: Parameters<typeof backoffDelay>[1], random: number, delay: number]> = [
    [1, {}, 0, 500],
    [2, {}, 0, 1000],
    [3, {}, 0, 2000],
    [7, {}, 0, 30_000], // 32000 capped
    [50, {}, 0, 30_000],
    [1, {}, 0.5, 375], // 500 × (1 − 0.5 × 0.5)
    [1, {}, 0.999, 250],
    [3, { minDelay: 100, factor: 3, jitter: 0 }, 0.9, 900],
    [4, { minDelay: 100, maxDelay: 500, jitter: 0 }, 0.3, 500],
    [2, { minDelay: 1000, jitter: 1 }, 0.25, 1500],
    [1, { minDelay: 0 }, 0.5, 0],
    // A first wait longer than the default cap: the cap follows it (documented on maxDelay).
    [1, { minDelay: 60_000, jitter: 0 }, 0, 60_000],
    [3, { minDelay: 60_000, jitter: 0 }, 0, 60_000],
  ];
  for (const [attempt, options, random, delay] of table) {
    it(`attempt ${attempt} ${JSON.stringify(options)} random ${random} waits ${delay} ms`, () => {
      assert.equal(backoffDelay(attempt, options, () => random), delay);
    });
  }

  it("jitter spreads waits between (1 − jitter) and 1 of the exponential figure", () => {
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(3, { minDelay: 100, jitter: 0.4 }, Math.random);
      assert.ok(delay >= 240 && delay <= 400, String(delay));
    }
  });

  it("checkBackoff refuses settings that make no sense", () => {
    for (
      const bad of [{ minDelay: -1 }, { minDelay: 100, maxDelay: 50 }, { factor: 0.5 }, { jitter: 2 }, {
        maxDelay: Infinity,
      }]
    ) {
      assert.throws(() => checkBackoff(bad), RangeError, JSON.stringify(bad));
    }
    checkBackoff({});
  });

  it("checkBackoff names the setting and the value it refuses", () => {
    const cases: Array<[BackoffOptions, RegExp]> = [
      [{ minDelay: -1 }, /minDelay .* not -1$/],
      [{ minDelay: 100, maxDelay: 50 }, /maxDelay .* minDelay \(100\) .* not 50$/],
      [{ factor: 0.5 }, /factor .* not 0\.5$/],
      [{ jitter: 2 }, /jitter .* not 2$/],
    ];
    for (const [bad, message] of cases) {
      assert.throws(() => checkBackoff(bad), (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /^Cannot reconnect with these settings: /);
        assert.match(error.message, message);
        return true;
      });
    }
  });

  it("checkBackoff accepts a minDelay above the default maxDelay when maxDelay is not given", () => {
    checkBackoff({ minDelay: 60_000 });
    assert.throws(() => checkBackoff({ minDelay: 60_000, maxDelay: 30_000 }), RangeError);
  });
});
