import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { abortable } from "../../src/transport/abortable.ts";

describe("abortable", () => {
  it("the abort wins over a connect still pending, and what connects later is discarded", async () => {
    let connect!: (value: string) => void;
    const pending = new Promise<string>((resolve) => connect = resolve);
    const abort = new AbortController();
    const discarded: string[] = [];
    const racing = abortable(pending, abort.signal, (late) => discarded.push(late));
    abort.abort();
    await assert.rejects(racing, /aborted/);
    connect("socket");
    await pending;
    await Promise.resolve();
    assert.deepEqual(discarded, ["socket"]);
  });

  it("without an abort it is the connect itself, and nothing is discarded", async () => {
    const abort = new AbortController();
    const discarded: number[] = [];
    assert.equal(await abortable(Promise.resolve(7), abort.signal, (late) => discarded.push(late)), 7);
    abort.abort();
    await Promise.resolve();
    assert.deepEqual(discarded, []);
    await assert.rejects(abortable(Promise.reject(new Error("refused")), abort.signal, () => {}), /refused/);
  });
});
