import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { requestUrl } from "../../src/server/request_url.ts";

// What the server computed before the shortcut, kept as the reference.
function reference(target: string, host: string, secure = false): string {
  const scheme = secure ? "wss://" : "ws://";
  try {
    return new URL(target, scheme + host).href;
  } catch {
    return `${scheme}localhost${target.startsWith("/") ? target : "/"}`;
  }
}

const HOSTS = [
  "example.com",
  "example.com:8080",
  "localhost",
  "127.0.0.1",
  "127.0.0.1:9000",
  "EXAMPLE.com",
  "a.b:80",
  "a.b:443",
  "a.b:080",
  "a.b:0",
  "a.b:",
  "a.b:65535",
  "a.b:65536",
  "a.b:99999",
  "[::1]:8080",
  "[::FFFF:127.0.0.1]",
  "xn--nxasmq6b.com",
  "a.xn--nxasmq6b",
  "xn--a.com",
  "1.2.3",
  "1.2.3.4.5",
  "256.1.1.1",
  "01.2.3.4",
  "0x7f.0.0.1",
  "1.2.3.0x4",
  "b.1a",
  "b.12",
  "b.-1",
  "-a.b",
  "a-.b",
  "a--b.c",
  "a..b",
  ".a",
  "a.",
  "",
  ":80",
  "h\xe9",
  "h_x",
  "h x",
  "h/x",
  "h?x",
  "h#x",
  "u@h",
  "h%41",
  "h\\x",
];

const TARGETS = [
  "/",
  "/chat",
  "/chat?room=1&x=%zz",
  "/a/../b",
  "/a/./b",
  "/.",
  "/..",
  "/a/..",
  "/.well-known/x",
  "/a.b/c.d",
  "/%2e%2e/x",
  "/%2E/x",
  "//evil.com/x",
  "/\\x",
  "/a\\b",
  "/x#frag",
  "/x?y#z",
  "/p'q",
  "/x?q='1'",
  '/x?q="1"',
  "/x?<>",
  "/{a}",
  "/^",
  "/`",
  "/|",
  "/x?a^b`c{d}|",
  "/~user/!$&()*+,;=:@",
  "/x?/?:@!$&()*+,;=%41",
  "*",
  "http://other/x",
  "x",
  "/ws?token=abc.def-ghi_jkl~",
];

describe("requestUrl: ws:// + Host + target as the URL parser writes it", () => {
  it("agrees with new URL(target, `ws://${host}`).href on edge cases", () => {
    for (const secure of [false, true]) {
      for (const host of HOSTS) {
        for (const target of TARGETS) {
          const url = requestUrl(target, host, secure);
          assert.equal(url, reference(target, host, secure), JSON.stringify([target, host, secure]));
        }
      }
    }
  });

  it("agrees with the URL parser on random hosts and targets", () => {
    let seed = 1;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = (chars: string, max: number) =>
      Array.from({ length: Math.floor(random() * max) }, () => chars[Math.floor(random() * chars.length)]).join("");
    const printable = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join("");
    for (let round = 0; round < 20000; round++) {
      const host = round % 3 === 0 ? pick("ab0189.-:Xx", 12) : `${pick("abz09-", 6)}.${pick("ab09.-x", 6)}` +
        (random() < 0.5 ? `:${pick("0189", 6)}` : "");
      const target = "/" + (round % 2 === 0 ? pick("ab./?%#=&'\"<>^`{}|\\~!$()*+,;:@", 14) : pick(printable, 14));
      const secure = round % 5 === 0;
      assert.equal(requestUrl(target, host, secure), reference(target, host, secure), JSON.stringify([target, host]));
    }
  });

  it("hands a plain request back as it came", () => {
    assert.equal(requestUrl("/chat?room=1", "example.com:8080"), "ws://example.com:8080/chat?room=1");
    assert.equal(requestUrl("/", "127.0.0.1:9000"), "ws://127.0.0.1:9000/");
    assert.equal(requestUrl("/", "127.0.0.1:9000", true), "wss://127.0.0.1:9000/");
  });
});
