import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { originOf, parseWebSocketUrl } from "../../src/protocol/ws_url.ts";

const syntaxError = (error: unknown) => error instanceof DOMException && error.name === "SyntaxError";

describe("WHATWG WebSocket constructor: URL parsing", () => {
  it("derives host, port and resource from a ws: URL", () => {
    assert.deepEqual(parseWebSocketUrl("ws://example.com"), {
      url: "ws://example.com/",
      secure: false,
      hostname: "example.com",
      port: 80,
      host: "example.com",
      resource: "/",
    });
    assert.deepEqual(parseWebSocketUrl("wss://Example.COM:8443/chat/room?id=1&x"), {
      url: "wss://example.com:8443/chat/room?id=1&x",
      secure: true,
      hostname: "example.com",
      port: 8443,
      host: "example.com:8443",
      resource: "/chat/room?id=1&x",
    });
  });

  it("names a refused URL in its error, shortened when it is long", () => {
    assert.throws(() => parseWebSocketUrl("ftp://h/"), (error: DOMException) => {
      return syntaxError(error) && error.message.includes('"ftp://h/"');
    });
    const long = "ftp://h/" + "a".repeat(100_000);
    assert.throws(() => parseWebSocketUrl(long), (error: DOMException) => {
      assert.ok(syntaxError(error));
      assert.ok(error.message.length < 400, `a ${error.message.length}-character message`);
      assert.match(error.message, /^Cannot open a WebSocket to "ftp:\/\/h\/a+…" \(100008 characters\): the scheme/);
      return true;
    });
  });

  it("omits the default port from Host and keeps a non-default one", () => {
    assert.equal(parseWebSocketUrl("ws://h:80/").host, "h");
    assert.equal(parseWebSocketUrl("wss://h:443/").host, "h");
    assert.equal(parseWebSocketUrl("wss://h/").port, 443);
    const crossed = parseWebSocketUrl("ws://h:443/");
    assert.equal(crossed.host, "h:443");
    assert.equal(crossed.port, 443);
    assert.equal(parseWebSocketUrl("wss://h:80/").host, "h:80");
  });

  it("maps http: to ws: and https: to wss:", () => {
    const plain = parseWebSocketUrl("http://h/x");
    assert.equal(plain.url, "ws://h/x");
    assert.equal(plain.secure, false);
    assert.equal(plain.port, 80);
    const secure = parseWebSocketUrl("HTTPS://h:8443/x");
    assert.equal(secure.url, "wss://h:8443/x");
    assert.equal(secure.secure, true);
  });

  it("resolves a relative URL against a base, mapping the base's scheme", () => {
    assert.equal(parseWebSocketUrl("c?d", "https://h/a/b").url, "wss://h/a/c?d");
    assert.equal(parseWebSocketUrl("/socket", "http://h:8080/page").url, "ws://h:8080/socket");
  });

  it("accepts a URL object", () => {
    assert.equal(parseWebSocketUrl(new URL("ws://h/a")).resource, "/a");
  });

  it("keeps IPv6 brackets in Host and url, not in hostname", () => {
    const v6 = parseWebSocketUrl("ws://[::1]:9000/p?q");
    assert.equal(v6.hostname, "::1");
    assert.equal(v6.host, "[::1]:9000");
    assert.equal(v6.port, 9000);
    assert.equal(v6.url, "ws://[::1]:9000/p?q");
    const defaultPort = parseWebSocketUrl("wss://[2001:DB8::1]/");
    assert.equal(defaultPort.hostname, "2001:db8::1");
    assert.equal(defaultPort.host, "[2001:db8::1]");
    assert.equal(defaultPort.port, 443);
  });

  it("percent-encodes the resource and keeps an empty query", () => {
    assert.equal(parseWebSocketUrl("ws://h/a b?c d").resource, "/a%20b?c%20d");
    assert.equal(parseWebSocketUrl("ws://h/?").resource, "/?");
    assert.equal(parseWebSocketUrl("ws://h?x=1").resource, "/?x=1");
  });

  it("turns userinfo into Basic authorization of the percent-decoded user:password", () => {
    const url = parseWebSocketUrl("ws://user:pass@h/");
    assert.equal(url.authorization, `Basic ${btoa("user:pass")}`);
    assert.equal(url.url, "ws://user:pass@h/");
    assert.equal(url.host, "h");
    assert.equal(parseWebSocketUrl("ws://us%20er:p%3Aw@h/").authorization, `Basic ${btoa("us er:p:w")}`);
    assert.equal(parseWebSocketUrl("ws://only@h/").authorization, `Basic ${btoa("only:")}`);
    assert.equal(parseWebSocketUrl("ws://:secret@h/").authorization, `Basic ${btoa(":secret")}`);
    assert.equal(parseWebSocketUrl("ws://%C3%A9:x@h/").authorization, `Basic ${btoa("\xc3\xa9:x")}`);
    assert.equal(parseWebSocketUrl("ws://%FF:x@h/").authorization, `Basic ${btoa("\xff:x")}`);
    assert.equal(parseWebSocketUrl("ws://h/").authorization, undefined);
    assert.equal("authorization" in parseWebSocketUrl("ws://h/"), false);
  });

  it("throws SyntaxError for any other scheme", () => {
    for (
      const url of ["ftp://h/", "file:///tmp/x", "javascript:alert(1)", "data:text/plain,x", "mailto:a@b", "wsx://h/"]
    ) {
      assert.throws(() => parseWebSocketUrl(url), syntaxError, url);
    }
  });

  it("names the schemes it accepts when it refuses one", () => {
    assert.throws(
      () => parseWebSocketUrl("ftp://h/"),
      (error: unknown) =>
        syntaxError(error) &&
        (error as DOMException).message ===
          'Cannot open a WebSocket to "ftp://h/": the scheme must be ws:, wss:, http: or https:',
    );
  });

  it("throws SyntaxError for a fragment, even an empty one", () => {
    assert.throws(() => parseWebSocketUrl("ws://h/#x"), syntaxError);
    assert.throws(() => parseWebSocketUrl("ws://h/#"), syntaxError);
    assert.throws(() => parseWebSocketUrl("https://h/?q#"), syntaxError);
  });

  it("throws SyntaxError for an unparsable URL", () => {
    for (const url of ["", "not a url", "ws://", "ws://h:99999/", "ws://[::1/", "/relative", "ws://exa mple.com/"]) {
      assert.throws(() => parseWebSocketUrl(url), syntaxError, url);
    }
    assert.throws(() => parseWebSocketUrl("x", "not a base"), syntaxError);
  });

  it('says why in a "Cannot ..." message', () => {
    assert.throws(
      () => parseWebSocketUrl("ftp://h/"),
      (error: unknown) =>
        syntaxError(error) && (error as Error).message.startsWith('Cannot open a WebSocket to "ftp://h/": '),
    );
  });
});

describe("MessageEvent origin", () => {
  it("is the URL's origin with the ws scheme kept, default ports dropped", () => {
    assert.equal(originOf("ws://127.0.0.1:8080/chat?x=1"), "ws://127.0.0.1:8080");
    assert.equal(originOf("wss://example.com:443/"), "wss://example.com");
    assert.equal(originOf("ws://[::1]:9000/"), "ws://[::1]:9000");
  });
});
