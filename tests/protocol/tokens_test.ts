import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isToken, splitList } from "../../src/protocol/tokens.ts";

describe("RFC 9110 §5.6.2 token", () => {
  it("accepts exactly the tchar set among all of U+0000-U+00FF", () => {
    const tchar = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    for (let c = 0; c <= 0xff; c++) {
      const char = String.fromCharCode(c);
      assert.equal(isToken(char), tchar.includes(char), `U+${c.toString(16)}`);
    }
  });

  it("refuses the empty string and any string holding a non-tchar", () => {
    assert.equal(isToken(""), false);
    assert.equal(isToken("chat.v2"), true);
    assert.equal(isToken("chat v2"), false);
    assert.equal(isToken("chat\u{1F600}"), false);
  });
});

describe("RFC 9110 §5.6.1 lists", () => {
  it("splits on commas, trims OWS and skips empty elements", () => {
    assert.deepEqual(splitList(" a, b ,,c,\t"), ["a", "b", "c"]);
    assert.deepEqual(splitList(""), []);
  });
});
