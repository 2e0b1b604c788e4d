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
  });
});
