// The CONNECT exchange (RFC 9110 §9.3.6), bytes only: the request on the
// wire, a 2xx opening the tunnel however it is split, refusals with the
// proxy's status and headers.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProxyConnect } from "../../src/protocol/proxy_connect.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe("CONNECT request", () => {
  it("authority-form target, Host, and Proxy-Authorization only when given", () => {
    assert.equal(
      text(new ProxyConnect({ host: "example.com", port: 443 }).request()),
      "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
    );
    assert.equal(
      text(new ProxyConnect({ host: "::1", port: 8080, authorization: "Basic dTpw" }).request()),
      "CONNECT [::1]:8080 HTTP/1.1\r\nHost: [::1]:8080\r\nProxy-Authorization: Basic dTpw\r\n\r\n",
    );
  });
});

describe("CONNECT response", () => {
  it("any 2xx opens the tunnel, byte by byte too", () => {
    for (const head of ["HTTP/1.1 200 Connection established\r\n\r\n", "HTTP/1.0 204 \r\nVia: x\r\n\r\n"]) {
      const exchange = new ProxyConnect({ host: "h", port: 1 });
      const input = bytes(head);
      for (let i = 0; i < input.length - 1; i++) {
        assert.deepEqual(exchange.receive(input.subarray(i, i + 1)), { done: false });
      }
      assert.deepEqual(exchange.receive(input.subarray(input.length - 1)), { done: true, ok: true });
    }
  });

  it("a non-2xx is WS_ERR_PROXY_REFUSED with status, statusText and headers", () => {
    const step = new ProxyConnect({ host: "h", port: 1 }).receive(
      bytes('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="x"\r\n\r\n<html>'),
    );
    assert.ok(step.done && !step.ok);
    assert.equal(step.error.code, "WS_ERR_PROXY_REFUSED");
    assert.equal(step.error.details?.status, 407);
    assert.equal(step.error.details?.statusText, "Proxy Authentication Required");
    assert.equal((step.error.details?.headers as Headers).get("proxy-authenticate"), 'Basic realm="x"');
    assert.match(step.error.message, /^Cannot .*407 Proxy Authentication Required$/);
  });

  it("1xx, bytes after a 2xx, EOF first, a malformed or oversized head all fail", () => {
    const codes = [
      ["HTTP/1.1 100 Continue\r\n\r\n", "WS_ERR_PROXY_REFUSED"],
      ["HTTP/1.1 200 OK\r\n\r\nX", "WS_ERR_PROXY_REFUSED"],
      ["HTTP/1.1 200 OK\r\nX: a\nb\r\n\r\n", "WS_ERR_HANDSHAKE_MALFORMED"],
      ["SSH-2.0-OpenSSH\r\n\r\n", "WS_ERR_HANDSHAKE_MALFORMED"],
    ];
    for (const [input, code] of codes) {
      const step = new ProxyConnect({ host: "h", port: 1 }).receive(bytes(input));
      assert.ok(step.done && !step.ok, input);
      assert.equal(step.error.code, code, input);
      // Whatever failed, the message says it was the proxy's answer, not the WebSocket server's.
      assert.match(step.error.message, /^Cannot .*: the proxy/, input);
    }
    const big = new ProxyConnect({ host: "h", port: 1, maxHeadBytes: 64 }).receive(
      bytes(`HTTP/1.1 200 OK\r\nX: ${"a".repeat(80)}`),
    );
    assert.ok(big.done && !big.ok && big.error.code === "WS_ERR_HANDSHAKE_TOO_LARGE");
    assert.match(big.error.message, /^Cannot .*: the proxy's answer to CONNECT: handshake head too large$/);
    const eof = new ProxyConnect({ host: "h", port: 1 });
    eof.receive(bytes("HTTP/1.1 200"));
    const step = eof.eof();
    assert.ok(step.done && !step.ok && step.error.code === "WS_ERR_PROXY_REFUSED");
  });
});
