import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { acceptKey, generateKey, toBase64 } from "../../src/protocol/accept_key.ts";

describe("RFC 6455 §4.2.2 Sec-WebSocket-Accept", () => {
  it("answers the RFC's sample nonce", () => {
    assert.equal(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });

  it("is base64(SHA-1(key + GUID)) as Web Crypto computes it, for random keys", async () => {
    for (let i = 0; i < 20; i++) {
      const key = generateKey();
      const digest = await crypto.subtle.digest(
        "SHA-1",
        new TextEncoder().encode(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
      );
      assert.equal(acceptKey(key), toBase64(new Uint8Array(digest)));
    }
  });
});

describe("acceptKey on any string", () => {
  const reference = async (key: string) =>
    btoa(String.fromCharCode(
      ...new Uint8Array(
        await crypto.subtle.digest("SHA-1", new TextEncoder().encode(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")),
      ),
    ));

  it("is base64(SHA-1(UTF-8(key + GUID))) for empty, long, non-ASCII and lone-surrogate keys", async () => {
    for (
      const key of [
        "",
        "x",
        "x".repeat(27),
        "x".repeat(28),
        "x".repeat(29),
        "x".repeat(200),
        "k\xe9y",
        "\u20ac",
        "\ud800",
      ]
    ) {
      assert.equal(acceptKey(key), await reference(key), JSON.stringify(key));
    }
  });

  it("gives the same answer when called again, between other keys", () => {
    const first = acceptKey("dGhlIHNhbXBsZSBub25jZQ==");
    acceptKey("x".repeat(100));
    acceptKey("\xe9");
    assert.equal(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), first);
  });
});

describe("RFC 6455 §4.1 Sec-WebSocket-Key", () => {
  it("is 16 bytes in base64 (24 characters ending in ==)", () => {
    const key = generateKey();
    assert.equal(key.length, 24);
    assert.ok(key.endsWith("=="));
    assert.equal(atob(key).length, 16);
  });

  it("is fresh for every connection", () => {
    const keys = new Set(Array.from({ length: 100 }, generateKey));
    assert.equal(keys.size, 100);
  });
});

describe("toBase64", () => {
  it("encodes every byte value like btoa over a binary string", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.equal(atob(toBase64(all)), String.fromCharCode(...all));
    assert.equal(toBase64(new Uint8Array(0)), "");
    assert.equal(toBase64(new Uint8Array([104, 105])), "aGk=");
    const long = Uint8Array.from({ length: 20000 }, (_, i) => (i * 31) & 0xff);
    assert.equal(atob(toBase64(long)), Array.from(long, (b) => String.fromCharCode(b)).join(""));
  });
});
