import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_MAX_HEAD_BYTES,
  DEFAULT_MAX_HEADERS,
  findHeadEnd,
  parseRequestHead,
  parseResponseHead,
} from "../../../src/protocol/http1/head.ts";
import { decodeChunked } from "../../../src/protocol/http1/chunked.ts";
import { encodeLatin1, formatFields, isFieldValue } from "../../../src/protocol/http1/write.ts";
import { WebSocketError } from "../../../src/protocol/errors.ts";

const latin1 = (s: string) => encodeLatin1(s);
const malformed = (error: unknown) => error instanceof WebSocketError && error.code === "WS_ERR_HANDSHAKE_MALFORMED";
const tooLarge = (error: unknown) => error instanceof WebSocketError && error.code === "WS_ERR_HANDSHAKE_TOO_LARGE";
const request = (lines: string[]) => latin1(lines.map((line) => line + "\r\n").join("") + "\r\n");

describe("findHeadEnd", () => {
  it("returns the index just past the first CRLF CRLF, or -1", () => {
    assert.equal(findHeadEnd(latin1("A\r\n\r\nrest"), 0), 5);
    assert.equal(findHeadEnd(latin1("\r\n\r\n"), 0), 4);
    assert.equal(findHeadEnd(latin1("A\r\n\r\nB\r\n\r\n"), 0), 5);
    assert.equal(findHeadEnd(latin1("A\r\nB\r\n"), 0), -1);
    assert.equal(findHeadEnd(latin1("A\n\n\r\n"), 0), -1);
    assert.equal(findHeadEnd(latin1("A\r\r\n\n"), 0), -1);
    assert.equal(findHeadEnd(new Uint8Array(0), 0), -1);
  });

  it("resumes from an offset without missing a terminator that straddles it", () => {
    const bytes = latin1("GET / HTTP/1.1\r\n\r\nxx");
    for (let from = 0; from <= 15; from++) assert.equal(findHeadEnd(bytes, from), 18, `from ${from}`);
    assert.equal(findHeadEnd(bytes, 18), -1);
  });
});

describe("RFC 9112 §3 request line and §5 fields", () => {
  it("parses method, target, version and fields", () => {
    const head = parseRequestHead(request([
      "GET /chat?room=1 HTTP/1.1",
      "Host: example.com",
      "X-Multi: a",
      "x-multi: b",
      "Empty:",
      "Spaced: \t value with  inner  spaces \t",
    ]));
    assert.equal(head.method, "GET");
    assert.equal(head.target, "/chat?room=1");
    assert.equal(head.version, "HTTP/1.1");
    assert.equal(head.headers.get("host"), "example.com");
    assert.equal(head.headers.get("x-multi"), "a, b");
    assert.equal(head.headers.get("empty"), "");
    assert.equal(head.headers.get("spaced"), "value with  inner  spaces");
    assert.deepEqual(head.rawHeaders, [
      ["Host", "example.com"],
      ["X-Multi", "a"],
      ["x-multi", "b"],
      ["Empty", ""],
      ["Spaced", "value with  inner  spaces"],
    ]);
  });

  it("accepts any token method, absolute and asterisk targets, and HTTP/1.0", () => {
    assert.equal(parseRequestHead(request(["OPTIONS * HTTP/1.0"])).target, "*");
    assert.equal(parseRequestHead(request(["M-SEARCH http://h/x HTTP/1.1"])).method, "M-SEARCH");
    assert.equal(parseRequestHead(request(["GET / HTTP/1.9"])).version, "HTTP/1.9");
  });

  it("decodes field values as latin1 and keeps obs-text (including U+00A0) as is", () => {
    const head = parseRequestHead(latin1("GET / HTTP/1.1\r\nX: caf\xe9\xa0\r\n\r\n"));
    assert.equal(head.headers.get("x"), "caf\xe9\xa0");
    assert.deepEqual(head.rawHeaders, [["X", "caf\xe9\xa0"]]);
  });

  it("throws WS_ERR_HANDSHAKE_MALFORMED on a bad request line", () => {
    for (
      const line of [
        "",
        "GET",
        "GET /",
        "GET  / HTTP/1.1",
        "GET / HTTP/1.1 ",
        " GET / HTTP/1.1",
        "GET\t/ HTTP/1.1",
        "G(T / HTTP/1.1",
        "GET /a\xe9 HTTP/1.1",
        "GET / HTTP/2.0",
        "GET / HTTP/1",
        "GET / HTTP/1.10",
        "GET / http/1.1",
        "GET / HTTP/1.x",
      ]
    ) {
      assert.throws(() => parseRequestHead(request([line, "Host: h"])), malformed, JSON.stringify(line));
    }
  });

  it("throws WS_ERR_HANDSHAKE_MALFORMED on bad fields", () => {
    const cases: Record<string, string> = {
      "missing colon": "GET / HTTP/1.1\r\nHost h\r\n\r\n",
      "empty name": "GET / HTTP/1.1\r\n: h\r\n\r\n",
      "space before colon": "GET / HTTP/1.1\r\nHost : h\r\n\r\n",
      "bad name character": "GET / HTTP/1.1\r\nHo/st: h\r\n\r\n",
      "non-ASCII name": "GET / HTTP/1.1\r\nH\xe9: h\r\n\r\n",
      "obs-fold with a space": "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n",
      "obs-fold with a tab": "GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n",
      "bare LF in a field": "GET / HTTP/1.1\r\nX: a\nY: b\r\n\r\n",
      "bare LF ending the request line": "GET / HTTP/1.1\nX: a\r\n\r\n",
      "bare CR": "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
      "NUL in a value": "GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n",
      "control character in a value": "GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n",
      "DEL in a value": "GET / HTTP/1.1\r\nX: a\x7fb\r\n\r\n",
      "escape in a value": "GET / HTTP/1.1\r\nX: \x1b[31m\r\n\r\n",
      "no blank line": "GET / HTTP/1.1\r\nX: a\r\n",
      "bytes after the blank line": "GET / HTTP/1.1\r\n\r\nX",
      "empty input": "",
      "blank line first": "\r\nGET / HTTP/1.1\r\n\r\n",
    };
    for (const [name, text] of Object.entries(cases)) {
      assert.throws(() => parseRequestHead(latin1(text)), malformed, name);
    }
  });

  it('says "Cannot ..." and what was wrong', () => {
    assert.throws(
      () => parseRequestHead(latin1("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n")),
      (error: unknown) =>
        malformed(error) &&
        (error as Error).message ===
          "Cannot continue the WebSocket connection: malformed HTTP head: obsolete line folding",
    );
  });
});

describe("RFC 9112 §4 status line", () => {
  it("parses version, status and reason", () => {
    const head = parseResponseHead(latin1("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"));
    assert.equal(head.version, "HTTP/1.1");
    assert.equal(head.status, 101);
    assert.equal(head.statusText, "Switching Protocols");
    assert.equal(head.headers.get("upgrade"), "websocket");
    assert.deepEqual(head.rawHeaders, [["Upgrade", "websocket"]]);
  });

  it("accepts an empty or missing reason, and a reason with tabs and obs-text", () => {
    assert.equal(parseResponseHead(latin1("HTTP/1.1 101\r\n\r\n")).statusText, "");
    assert.equal(parseResponseHead(latin1("HTTP/1.1 404 \r\n\r\n")).statusText, "");
    assert.equal(parseResponseHead(latin1("HTTP/1.0 500 Bad\tthing \xe9\r\n\r\n")).statusText, "Bad\tthing \xe9");
  });

  it("throws WS_ERR_HANDSHAKE_MALFORMED on a bad status line", () => {
    for (
      const line of [
        "HTTP/1.1",
        "HTTP/1.1 ",
        "HTTP/1.1 10",
        "HTTP/1.1 1011 X",
        "HTTP/1.1  101 X",
        "HTTP/1.1 099 X",
        "HTTP/1.1 600 X",
        "HTTP/1.1 abc X",
        "HTTP/1.1 1a1 X",
        "HTTP/2 101 X",
        "HTTP/2.0 101 X",
        "http/1.1 101 X",
        "ICY 200 OK",
        "HTTP/1.1 101 X\x01",
        "HTTP/1.1\t101 X",
      ]
    ) {
      assert.throws(() => parseResponseHead(latin1(`${line}\r\n\r\n`)), malformed, JSON.stringify(line));
    }
  });
});

describe("head limits", () => {
  it("defaults to 16384 bytes and 100 fields", () => {
    assert.equal(DEFAULT_MAX_HEAD_BYTES, 16384);
    assert.equal(DEFAULT_MAX_HEADERS, 100);
  });

  it("accepts a head of exactly maxHeadBytes and refuses one byte more", () => {
    const base = "GET / HTTP/1.1\r\nX: \r\n\r\n";
    const exact = latin1(base.replace("X: ", "X: " + "a".repeat(DEFAULT_MAX_HEAD_BYTES - base.length)));
    assert.equal(exact.length, DEFAULT_MAX_HEAD_BYTES);
    assert.equal(parseRequestHead(exact).headers.get("x")?.length, DEFAULT_MAX_HEAD_BYTES - base.length);
    const over = latin1(base.replace("X: ", "X: " + "a".repeat(DEFAULT_MAX_HEAD_BYTES - base.length + 1)));
    assert.throws(() => parseRequestHead(over), tooLarge);
    assert.throws(() => parseResponseHead(latin1("HTTP/1.1 200 OK\r\n\r\n"), { maxHeadBytes: 10 }), tooLarge);
  });

  it("accepts maxHeaders fields and refuses one more", () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `X-${i}: ${i}`);
    assert.equal(parseRequestHead(request(["GET / HTTP/1.1", ...fields(100)])).rawHeaders.length, 100);
    assert.throws(() => parseRequestHead(request(["GET / HTTP/1.1", ...fields(101)])), tooLarge);
    assert.equal(parseResponseHead(request(["HTTP/1.1 200 OK", ...fields(3)]), { maxHeaders: 3 }).status, 200);
    assert.throws(() => parseResponseHead(request(["HTTP/1.1 200 OK", ...fields(4)]), { maxHeaders: 3 }), tooLarge);
  });

  it("checks the size before the syntax", () => {
    assert.throws(() => parseRequestHead(latin1("\x00".repeat(20)), { maxHeadBytes: 10 }), tooLarge);
  });

  it("stays linear on inputs built to make a backtracking parser stall", () => {
    const started = performance.now();
    const colons = latin1(`GET / HTTP/1.1\r\nX${":".repeat(16000)}\r\n\r\n`);
    assert.equal(parseRequestHead(colons).headers.get("x")?.length, 15999);
    const spaces = latin1(`HTTP/1.1 200 ${" ".repeat(16000)}x\r\nY:${" \t".repeat(100)}\r\n\r\n`);
    assert.equal(parseResponseHead(spaces).headers.get("y"), "");
    const almost = latin1("\r\n\r".repeat(1_000_000));
    assert.equal(findHeadEnd(almost, 0), -1);
    assert.ok(performance.now() - started < 2000);
  });
});

describe("writing heads", () => {
  it("isFieldValue refuses control characters (not HTAB) and characters above U+00FF", () => {
    assert.equal(isFieldValue("a=1; Path=/; \tcaf\xe9"), true);
    assert.equal(isFieldValue(""), true);
    for (const bad of ["a\rb", "a\nb", "a\x00", "\x7f", "\x1f", "\u0100", "€"]) {
      assert.equal(isFieldValue(bad), false, JSON.stringify(bad));
    }
  });

  it("formatFields writes name: value lines and throws TypeError on a bad name or value", () => {
    assert.equal(formatFields([["Set-Cookie", "a=1"], ["X", ""]]), "Set-Cookie: a=1\r\nX: \r\n");
    assert.throws(() => formatFields([["X", "a\r\nInjected: 1"]]), TypeError);
    assert.throws(
      () => formatFields([["Bad Name", "a"]]),
      (error: unknown) => error instanceof TypeError && error.message.startsWith('Cannot set header "Bad Name": '),
    );
    assert.throws(() => formatFields([["", "a"]]), TypeError);
  });

  it("encodeLatin1 writes one byte per character", () => {
    assert.deepEqual(encodeLatin1("caf\xe9\r\n"), new Uint8Array([99, 97, 102, 0xe9, 13, 10]));
  });
});

describe("RFC 9112 §7.1 chunked body (for a refused upgrade's body)", () => {
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

  it("decodes complete chunks and stops at the last chunk, ignoring extensions and trailers", () => {
    const decoded = decodeChunked(latin1("3\r\nabc\r\nA;ext=1\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\nnext"));
    assert.equal(text(decoded.body), "abc0123456789");
    assert.equal(decoded.complete, true);
  });

  it("returns what has arrived so far", () => {
    const all = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    for (let cut = 0; cut < all.length; cut++) {
      const decoded = decodeChunked(latin1(all.slice(0, cut)));
      assert.ok("hello world".startsWith(text(decoded.body)), `cut ${cut}`);
      assert.equal(decoded.complete, cut >= all.indexOf("0\r\n") + 3, `cut ${cut}`);
    }
    assert.equal(text(decodeChunked(latin1("5\r\nhel")).body), "hel");
  });

  it("ends the body at a malformed chunk size instead of throwing", () => {
    assert.deepEqual(decodeChunked(latin1("2\r\nok\r\nzz\r\nmore")), { body: latin1("ok"), complete: true });
    assert.equal(decodeChunked(latin1("fffffffff\r\n")).complete, true);
  });
});
