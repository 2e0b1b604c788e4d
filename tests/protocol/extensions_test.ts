import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkResponseExtensions, parseExtensionHeader } from "../../src/protocol/extensions.ts";
import { WebSocketError } from "../../src/protocol/errors.ts";

const headerError = (error: unknown) => error instanceof WebSocketError && error.code === "WS_ERR_HANDSHAKE_HEADER";

describe("RFC 6455 §9.1 Sec-WebSocket-Extensions grammar", () => {
  it("reads nothing from an absent or empty header", () => {
    assert.deepEqual(parseExtensionHeader(null), []);
    assert.deepEqual(parseExtensionHeader(""), []);
    assert.deepEqual(parseExtensionHeader(" , "), []);
  });

  it("reads names, valueless params, token and quoted values", () => {
    assert.deepEqual(
      parseExtensionHeader(
        'permessage-deflate; client_max_window_bits; server_max_window_bits=10, x-foo ;a="b" ; c = d',
      ),
      [
        { name: "permessage-deflate", params: { client_max_window_bits: true, server_max_window_bits: "10" } },
        { name: "x-foo", params: { a: "b", c: "d" } },
      ],
    );
  });

  it("unescapes a quoted-pair inside a quoted value", () => {
    assert.deepEqual(parseExtensionHeader('x; a="1\\0"'), [{ name: "x", params: { a: "10" } }]);
  });

  it("keeps one entry per offer, even for the same name", () => {
    assert.equal(parseExtensionHeader("a; x=1, a; x=2").length, 2);
  });

  it("throws WS_ERR_HANDSHAKE_HEADER when malformed", () => {
    for (
      const bad of [
        "a b",
        ";a",
        "a;",
        "a; =1",
        "a; b=",
        "a; b=c d",
        'a; b="c d"',
        'a; b="c',
        'a; b=""',
        "a; b=c=d",
        "é",
        'a; b="c,d"',
        "a/b",
      ]
    ) {
      assert.throws(() => parseExtensionHeader(bad), headerError, bad);
    }
  });
});

describe("RFC 6455 §4.1 client checks the server's extensions", () => {
  it('exposes "" when the server chose none', () => {
    assert.equal(checkResponseExtensions([], null), "");
    assert.equal(checkResponseExtensions([], ""), "");
  });

  it("fails with WS_ERR_HANDSHAKE_EXTENSION on an extension that was not offered", () => {
    assert.throws(
      () => checkResponseExtensions([], "permessage-deflate"),
      (error: unknown) => error instanceof WebSocketError && error.code === "WS_ERR_HANDSHAKE_EXTENSION",
    );
    assert.throws(
      () => checkResponseExtensions(["x"], "x, y"),
      (error: unknown) => error instanceof WebSocketError && error.code === "WS_ERR_HANDSHAKE_EXTENSION",
    );
  });

  it("fails with WS_ERR_HANDSHAKE_HEADER on a malformed value", () => {
    assert.throws(() => checkResponseExtensions([], "a b"), headerError);
  });

  it("returns the header value for offered extensions", () => {
    assert.equal(
      checkResponseExtensions(["permessage-deflate"], "permessage-deflate; server_no_context_takeover"),
      "permessage-deflate; server_no_context_takeover",
    );
  });
});
