import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { normalizeProtocols, parseProtocolHeader, selectProtocol } from "../../src/protocol/subprotocols.ts";
import { WebSocketError } from "../../src/protocol/errors.ts";

const syntaxError = (error: unknown) => error instanceof DOMException && error.name === "SyntaxError";
const subprotocolError = (error: unknown) =>
  error instanceof WebSocketError && error.code === "WS_ERR_HANDSHAKE_SUBPROTOCOL";

describe("WHATWG WebSocket constructor: protocols", () => {
  it("takes nothing, one string or a list", () => {
    assert.deepEqual(normalizeProtocols(), []);
    assert.deepEqual(normalizeProtocols([]), []);
    assert.deepEqual(normalizeProtocols("chat"), ["chat"]);
    assert.deepEqual(normalizeProtocols(["chat", "v2.json", "a!#$%&'*+-.^_`|~z"]), [
      "chat",
      "v2.json",
      "a!#$%&'*+-.^_`|~z",
    ]);
  });

  it("throws SyntaxError for a value that is not a token", () => {
    for (const bad of ["", "a b", "a,b", "a;b", 'a"', "a/b", "(a)", "a\tb", "é", "a\u0000", "[x]", "a=b", "{}"]) {
      assert.throws(() => normalizeProtocols([bad]), syntaxError, JSON.stringify(bad));
    }
    assert.throws(() => normalizeProtocols(""), syntaxError);
  });

  it("throws SyntaxError for a duplicate, compared case-insensitively", () => {
    assert.throws(() => normalizeProtocols(["chat", "chat"]), syntaxError);
    assert.throws(() => normalizeProtocols(["chat", "CHAT"]), syntaxError);
    assert.deepEqual(normalizeProtocols(["chat", "chat2"]), ["chat", "chat2"]);
  });

  it("does not return the caller's array", () => {
    const input = ["a"];
    const output = normalizeProtocols(input);
    output.push("b");
    assert.deepEqual(input, ["a"]);
  });
});

describe("RFC 6455 §4.1 client checks Sec-WebSocket-Protocol", () => {
  it('returns "" when none was offered and the server chose none', () => {
    assert.equal(selectProtocol([], null), "");
  });

  it("fails when protocols were offered and the response names none (WHATWG: not acknowledged)", () => {
    assert.throws(() => selectProtocol(["chat"], null), subprotocolError);
    assert.throws(() => selectProtocol(["chat", "superchat"], null), subprotocolError);
  });

  it("returns the chosen protocol when it was offered", () => {
    assert.equal(selectProtocol(["chat", "superchat"], "superchat"), "superchat");
  });

  it("fails when the server chose one that was not offered, or any when none was", () => {
    assert.throws(() => selectProtocol(["chat"], "other"), subprotocolError);
    assert.throws(() => selectProtocol(["chat"], "CHAT"), subprotocolError);
    assert.throws(() => selectProtocol([], "chat"), subprotocolError);
    assert.throws(() => selectProtocol(["a", "b"], "a, b"), subprotocolError);
    assert.throws(() => selectProtocol(["chat"], ""), subprotocolError);
  });
});

describe("RFC 6455 §4.2.1 server reads Sec-WebSocket-Protocol", () => {
  it("splits the comma-separated list in order, skipping empty items", () => {
    assert.deepEqual(parseProtocolHeader(null), []);
    assert.deepEqual(parseProtocolHeader("chat"), ["chat"]);
    assert.deepEqual(parseProtocolHeader("chat, superchat"), ["chat", "superchat"]);
    assert.deepEqual(parseProtocolHeader(" a ,, b\t,c "), ["a", "b", "c"]);
    assert.deepEqual(parseProtocolHeader(""), []);
  });

  it("offers nothing when the header holds a non-token", () => {
    assert.deepEqual(parseProtocolHeader("chat, a b"), []);
    assert.deepEqual(parseProtocolHeader("chat; q=1"), []);
    assert.deepEqual(parseProtocolHeader('"chat"'), []);
  });
});
