import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isToken, isTokenAt, listIncludes, splitList } from "../../../src/protocol/http1/tokens.ts";

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

describe("token checks and list lookups in place", () => {
  it("isTokenAt judges a slice without making it", () => {
    assert.equal(isTokenAt("Host: h", 0, 4), true);
    assert.equal(isTokenAt("Host: h", 0, 5), false);
    assert.equal(isTokenAt("Host: h", 2, 2), false);
    assert.equal(isTokenAt("a\xe9b", 0, 3), false);
  });

  it("listIncludes answers like lower-casing, splitting on commas, trimming and includes", () => {
    const reference = (value: string, token: string) =>
      value.toLowerCase().split(",").map((item) => item.trim()).includes(token);
    const values = [
      "",
      ",",
      "websocket",
      "WebSocket",
      " websocket ",
      "\twebsocket\xa0",
      "\u2003websocket\ufeff",
      "h2c, websocket",
      "h2c,websocket,",
      "web socket",
      "websockets",
      "xwebsocket",
      "\u212aeep-alive",
      "WEBSOC\u212aET",
      "\u0130websocket",
      "websocket\u0130",
    ];
    for (const value of values) {
      for (const token of ["websocket", "keep-alive", "upgrade"]) {
        assert.equal(
          listIncludes(value, 0, value.length, token),
          reference(value, token),
          JSON.stringify([value, token]),
        );
      }
    }
    const text = "X: a, websocket\r\n";
    assert.equal(listIncludes(text, 2, 15, "websocket"), true);
    assert.equal(listIncludes(text, 2, 14, "websocket"), false);
  });
});
