import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { keepRequest, restoreRequest, upgradeInfo } from "../../src/websocket/upgrade_info.ts";
import { parseRequestHead } from "../../src/protocol/http1/head.ts";
import { encodeLatin1 } from "../../src/protocol/http1/write.ts";

describe("the upgrade request an accepted socket keeps", () => {
  it("gives back URL, address and every field as sent, values with colons and repeats included", () => {
    const remote = { hostname: "127.0.0.1", port: 5000 };
    const kept = keepRequest("ws://h/room?id=7", remote, [
      ["Host", "h"],
      ["X-Token", "a: b"],
      ["X-Many", "1"],
      ["X-Many", "2"],
      ["X-Empty", ""],
    ]);
    const request = restoreRequest(kept);
    assert.equal(request.url, "ws://h/room?id=7");
    assert.equal(request.remoteAddress, remote);
    assert.deepEqual([...request.headers], [["host", "h"], ["x-empty", ""], ["x-many", "1, 2"], ["x-token", "a: b"]]);
  });

  it("handles a request with no fields", () => {
    assert.deepEqual([...restoreRequest(keepRequest("ws://h/", undefined, [])).headers], []);
  });
});

describe("the upgrade info handed to the application", () => {
  const fieldsOf = (...lines: string[]) =>
    parseRequestHead(encodeLatin1(["GET / HTTP/1.1", ...lines].map((line) => line + "\r\n").join("") + "\r\n"))
      .fields;

  it("has headers as an own, enumerable property that reads as the request's Headers", () => {
    const info = upgradeInfo("ws://h/", undefined, fieldsOf("Host: h", "X-A: 1", "x-a: 2"));
    assert.deepEqual(Object.keys(info), ["url", "headers", "remoteAddress"]);
    assert.ok(info.headers instanceof Headers);
    assert.equal(info.headers.get("x-a"), "1, 2");
    assert.equal(info.headers, info.headers, "the same object each time");
    assert.deepEqual(Object.getOwnPropertyDescriptor(info, "headers")?.writable, true);
  });

  it("survives a spread and JSON like a plain object, and can be replaced", () => {
    const fields = fieldsOf("Host: h");
    const spread = { ...upgradeInfo("ws://h/", undefined, fields), protocols: [] };
    assert.equal(spread.headers.get("host"), "h");
    const plain = { url: "ws://h/", headers: fields.toHeaders(), remoteAddress: undefined };
    assert.equal(JSON.stringify(upgradeInfo("ws://h/", undefined, fields)), JSON.stringify(plain));
    const info = upgradeInfo("ws://h/", undefined, fields);
    const replaced = new Headers({ a: "b" });
    info.headers = replaced;
    assert.equal(info.headers, replaced);
  });

  it("shares one Headers between infos of the same request", () => {
    const fields = fieldsOf("Host: h");
    assert.equal(upgradeInfo("u", undefined, fields).headers, upgradeInfo("u", undefined, fields).headers);
  });

  it("keeps parsed fields as sent and restores them as the parser read them", () => {
    const fields = fieldsOf("Host: h", "X:\t a: b \t", "x: c", "Empty:", "Latin: caf\xe9\xa0\x80\xff");
    const kept = keepRequest("ws://h/", undefined, fields);
    assert.equal(kept.fields, "Host: h\r\nX:\t a: b \t\r\nx: c\r\nEmpty:\r\nLatin: caf\xe9\xa0\x80\xff");
    assert.deepEqual([...restoreRequest(kept).headers], [...new Headers(fields.pairs())]);
    assert.deepEqual([...restoreRequest(keepRequest("ws://h/", undefined, fieldsOf())).headers], []);
  });
});
