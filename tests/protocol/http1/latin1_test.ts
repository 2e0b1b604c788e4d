import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeLatin1 } from "../../../src/protocol/http1/latin1.ts";
import { parseRequestHead, parseResponseHead } from "../../../src/protocol/http1/head.ts";
import { encodeLatin1 } from "../../../src/protocol/http1/write.ts";

const ALL = Uint8Array.from({ length: 256 }, (_, i) => i);
const expected = (bytes: Uint8Array) => Array.from(bytes, (b) => String.fromCharCode(b)).join("");

describe("decodeLatin1: one character per byte (ISO-8859-1, not windows-1252)", () => {
  it("maps every byte 0x00-0xFF to the character of the same code, 0x80-0x9F included", () => {
    const text = decodeLatin1(ALL);
    assert.equal(text.length, 256);
    for (let i = 0; i < 256; i++) assert.equal(text.charCodeAt(i), i, `0x${i.toString(16)}`);
    assert.equal(decodeLatin1(new Uint8Array([0x80, 0x9f])), "\x80\x9f");
  });

  it("decodes ASCII-only, empty, and views into a larger buffer", () => {
    assert.equal(decodeLatin1(new TextEncoder().encode("GET / HTTP/1.1\r\n")), "GET / HTTP/1.1\r\n");
    assert.equal(decodeLatin1(new Uint8Array(0)), "");
    assert.equal(decodeLatin1(ALL.subarray(0x7e, 0x82)), "\x7e\x7f\x80\x81");
    assert.equal(decodeLatin1(ALL.subarray(0x41, 0x44)), "ABC");
  });

  it("decodes inputs longer than one chunk exactly, with high bytes anywhere", () => {
    for (const length of [8191, 8192, 8193, 20000, 70000]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
      assert.equal(decodeLatin1(bytes), expected(bytes), `length ${length}`);
      const ascii = Uint8Array.from({ length }, (_, i) => 0x20 + (i % 95));
      ascii[length - 1] = 0xe9;
      assert.equal(decodeLatin1(ascii), expected(ascii), `length ${length}, one high byte at the end`);
    }
  });
});

describe("heads keep obs-text bytes exactly", () => {
  it("a field value with every byte 0x80-0xFF survives parsing byte for byte", () => {
    const high = expected(ALL.subarray(0x80));
    const request = parseRequestHead(encodeLatin1(`GET / HTTP/1.1\r\nX-High: ${high}\r\n\r\n`));
    assert.equal(request.fields.get("x-high"), high);
    assert.equal(request.headers.get("x-high"), high);
    const response = parseResponseHead(encodeLatin1(`HTTP/1.1 200 \x80\xff\r\nX-High: ${high}\r\n\r\n`));
    assert.equal(response.statusText, "\x80\xff");
    assert.equal(response.fields.get("X-HIGH"), high);
  });
});
