// NO_PROXY and the *_proxy variables, as a table: curl's rules (names match
// themselves and every name under them, a leading dot or "*." changes
// nothing, "*" alone matches all), plus ports and IP literals/ranges.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { environmentProxy, noProxyMatches } from "../../src/client/no_proxy.ts";
import { parseProxyUrl, resolveProxy } from "../../src/client/proxy.ts";
import { parseWebSocketUrl } from "../../src/protocol/ws_url.ts";

const TABLE: Array<[host: string, port: number, noProxy: string, direct: boolean]> = [
  ["example.com", 443, "", false],
  ["example.com", 443, "*", true],
  ["example.com", 443, " * ", true],
  ["example.com", 443, "example.com", true],
  ["EXAMPLE.com", 443, "example.COM", true],
  ["example.com.", 443, "example.com", true],
  ["api.example.com", 443, "example.com", true],
  ["api.example.com", 443, ".example.com", true],
  ["example.com", 443, ".example.com", true],
  ["api.example.com", 443, "*.example.com", true],
  ["badexample.com", 443, "example.com", false],
  ["badexample.com", 443, ".example.com", false],
  ["example.com.evil", 443, "example.com", false],
  ["other.org", 443, "localhost, example.com ,.internal", false],
  ["db.internal", 443, "localhost, example.com ,.internal", true],
  ["db.internal", 443, "localhost example.com .internal", true],
  ["localhost", 8080, "localhost:8080", true],
  ["localhost", 8081, "localhost:8080", false],
  ["127.0.0.1", 80, "127.0.0.1", true],
  ["127.0.0.1", 80, "127.0.0.2", false],
  ["127.0.0.1", 80, "127.0.0.1:80", true],
  ["127.0.0.1", 81, "127.0.0.1:80", false],
  ["10.1.2.3", 80, "10.0.0.0/8", true],
  ["11.1.2.3", 80, "10.0.0.0/8", false],
  ["192.168.1.9", 80, "192.168.1.0/24", true],
  ["192.168.2.9", 80, "192.168.1.0/24", false],
  ["example.com", 80, "10.0.0.0/8", false],
  ["::1", 80, "::1", true],
  ["::1", 80, "[::1]", true],
  ["::1", 80, "[0:0::1]:80", true],
  ["::1", 81, "[::1]:80", false],
  ["::2", 80, "::1", false],
  // An IP literal has no names under it.
  ["1.127.0.0.1", 80, "127.0.0.1", false],
  ["10.0.0.1", 80, "0.0.1", false],
];

describe("NO_PROXY matching", () => {
  for (const [host, port, noProxy, direct] of TABLE) {
    it(`${host}:${port} with NO_PROXY=${JSON.stringify(noProxy)} goes ${direct ? "direct" : "through"}`, () => {
      assert.equal(noProxyMatches(host, port, noProxy), direct);
    });
  }
});

describe("proxy variables", () => {
  const lookup = (env: Record<string, string>) => (name: string) => env[name];
  const wss = { secure: true, hostname: "example.com", port: 443 };
  const ws = { secure: false, hostname: "example.com", port: 80 };

  it("wss: reads https_proxy, ws: reads http_proxy; the lower-case name wins", () => {
    const env = lookup({
      https_proxy: "http://lower-s:1",
      HTTPS_PROXY: "http://upper-s:1",
      http_proxy: "http://lower:1",
      HTTP_PROXY: "http://upper:1",
    });
    assert.equal(environmentProxy(wss, env), "http://lower-s:1");
    assert.equal(environmentProxy(ws, env), "http://lower:1");
    assert.equal(environmentProxy(wss, lookup({ HTTPS_PROXY: "http://upper-s:1" })), "http://upper-s:1");
    assert.equal(environmentProxy(ws, lookup({ HTTPS_PROXY: "http://upper-s:1" })), undefined);
    assert.equal(environmentProxy(ws, lookup({ http_proxy: "", HTTP_PROXY: "http://upper:1" })), "http://upper:1");
  });

  it("loopback targets never take a proxy from the environment", () => {
    const env = lookup({ http_proxy: "http://p:1", https_proxy: "http://p:1" });
    for (const hostname of ["localhost", "LOCALHOST.", "app.localhost", "127.0.0.1", "127.8.9.10", "::1", "0:0::1"]) {
      assert.equal(environmentProxy({ secure: false, hostname, port: 80 }, env), undefined, hostname);
    }
    for (const hostname of ["128.0.0.1", "localhost.example", "::2"]) {
      assert.equal(environmentProxy({ secure: true, hostname, port: 443 }, env), "http://p:1", hostname);
    }
  });

  it("no_proxy wins over NO_PROXY, even when empty", () => {
    const base = { https_proxy: "http://p:1" };
    assert.equal(environmentProxy(wss, lookup({ ...base, NO_PROXY: "example.com" })), undefined);
    assert.equal(environmentProxy(wss, lookup({ ...base, no_proxy: "", NO_PROXY: "example.com" })), "http://p:1");
    assert.equal(environmentProxy(wss, lookup({ ...base, no_proxy: "other", NO_PROXY: "example.com" })), "http://p:1");
  });

  it("resolveProxy: the option over the environment, false for none, credentials as Basic", () => {
    const url = parseWebSocketUrl("wss://example.com/x");
    const env = lookup({ https_proxy: "proxy.env:3128" });
    assert.deepEqual(resolveProxy(url, undefined, env), { hostname: "proxy.env", port: 3128, secure: false });
    assert.equal(resolveProxy(url, false, env), undefined);
    assert.deepEqual(resolveProxy(url, "https://u%40x:p%3Aw@[::1]", env), {
      hostname: "::1",
      port: 443,
      secure: true,
      authorization: `Basic ${btoa("u@x:p:w")}`,
    });
    assert.deepEqual(parseProxyUrl("http://proxy", "t"), { hostname: "proxy", port: 80, secure: false });
  });

  it("a bad proxy in the environment throws a TypeError naming the variable, not its value", () => {
    const url = parseWebSocketUrl("ws://example.com/");
    assert.throws(
      () => resolveProxy(url, undefined, lookup({ HTTP_PROXY: "socks5://u:hunter2@h:1" })),
      (error: Error) =>
        error instanceof TypeError && /HTTP_PROXY/.test(error.message) && !/hunter2/.test(error.message),
    );
  });
});
