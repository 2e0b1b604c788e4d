import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ClientHandshake, type ClientHandshakeStep } from "../../src/protocol/client_handshake.ts";
import { type ErrorCode, WebSocketError } from "../../src/protocol/errors.ts";
import { parseWebSocketUrl } from "../../src/protocol/ws_url.ts";
import { concat, fromHex, latin1, latin1Text } from "../_helpers/bytes.ts";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
const text = latin1Text;

function handshake(options: Partial<ConstructorParameters<typeof ClientHandshake>[0]> = {}): ClientHandshake {
  return new ClientHandshake({ url: parseWebSocketUrl("ws://example.com/chat"), protocols: [], key: KEY, ...options });
}

function response(extra: string[] = [], status = "101 Switching Protocols"): string {
  return [
    `HTTP/1.1 ${status}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Accept: ${ACCEPT}`,
    ...extra,
  ]
    .map((line) => line + "\r\n").join("") + "\r\n";
}

function ok(step: ClientHandshakeStep) {
  assert.equal(step.done, true);
  if (!step.done || !step.ok) throw new Error(`expected success, got ${step.done && !step.ok ? step.error.code : ""}`);
  return step;
}

function failed(step: ClientHandshakeStep, code: ErrorCode): WebSocketError {
  if (!step.done || step.ok) throw new Error(`expected ${code}, got ${JSON.stringify(step)}`);
  assert.ok(step.error instanceof WebSocketError);
  assert.equal(step.error.code, code);
  assert.equal(step.error.closeCode, 0);
  return step.error;
}

describe("RFC 6455 §4.1 client request", () => {
  it("writes the exact handshake request", () => {
    const request = handshake({ url: parseWebSocketUrl("ws://example.com:8080/chat?room=1") }).request();
    assert.equal(
      text(request),
      "GET /chat?room=1 HTTP/1.1\r\nHost: example.com:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });

  it("uses a fresh random 16-byte key when none is given", () => {
    const keyOf = (h: ClientHandshake) => /Sec-WebSocket-Key: (\S+)\r\n/.exec(text(h.request()))![1];
    const url = parseWebSocketUrl("ws://h/");
    const a = keyOf(new ClientHandshake({ url, protocols: [] }));
    const b = keyOf(new ClientHandshake({ url, protocols: [] }));
    assert.notEqual(a, b);
    assert.equal(atob(a).length, 16);
  });

  it("offers subprotocols in order in one field", () => {
    const request = text(handshake({ protocols: ["chat", "superchat"] }).request());
    assert.ok(request.includes("\r\nSec-WebSocket-Protocol: chat, superchat\r\n"));
    assert.ok(!text(handshake().request()).includes("Sec-WebSocket-Protocol"));
  });

  it("sends IPv6 hosts in brackets", () => {
    const request = text(handshake({ url: parseWebSocketUrl("ws://[::1]:9000/") }).request());
    assert.ok(request.startsWith("GET / HTTP/1.1\r\nHost: [::1]:9000\r\n"));
  });

  it("sends Basic authorization from the URL's userinfo, unless the user set Authorization", () => {
    const url = parseWebSocketUrl("ws://user:pass@h/");
    assert.ok(text(handshake({ url }).request()).includes(`\r\nAuthorization: Basic ${btoa("user:pass")}\r\n`));
    const own = text(handshake({ url, headers: { authorization: "Bearer t" } }).request());
    assert.ok(own.includes("\r\nauthorization: Bearer t\r\n"));
    assert.ok(!own.includes("Basic"));
  });

  it("appends user headers given as a record, a list or Headers", () => {
    const tail = "\r\nSec-WebSocket-Version: 13\r\nX-A: 1\r\nCookie: c=2\r\n\r\n";
    assert.ok(text(handshake({ headers: { "X-A": "1", Cookie: "c=2" } }).request()).endsWith(tail));
    assert.ok(text(handshake({ headers: [["X-A", "1"], ["Cookie", "c=2"]] }).request()).endsWith(tail));
    const fromHeaders = text(handshake({ headers: new Headers({ "X-A": "1" }) }).request());
    assert.ok(fromHeaders.endsWith("\r\nx-a: 1\r\n\r\n"));
    assert.ok(text(handshake({ headers: { "X-Latin": "caf\xe9" } }).request()).includes("X-Latin: caf\xe9\r\n"));
  });

  it("refuses user headers that the handshake sets, with a TypeError", () => {
    for (
      const name of ["Host", "upgrade", "CONNECTION", "Sec-WebSocket-Key", "sec-websocket-version", "Sec-WebSocket-X"]
    ) {
      assert.throws(
        () => handshake({ headers: { [name]: "x" } }),
        (error: unknown) => error instanceof TypeError && error.message.startsWith(`Cannot set header "${name}"`),
        name,
      );
    }
  });

  it("refuses a bad header name, or a value that could split the head, with a TypeError", () => {
    assert.throws(() => handshake({ headers: { "X Y": "1" } }), TypeError);
    assert.throws(() => handshake({ headers: { X: "1\r\nInjected: yes" } }), TypeError);
    assert.throws(() => handshake({ headers: [["X", "a\nb"]] }), TypeError);
    assert.throws(() => handshake({ headers: [["X", "a\0b"]] }), TypeError);
    assert.throws(() => handshake({ headers: [["X", "€"]] }), TypeError);
  });
});

describe("RFC 6455 §4.1 client validates the response", () => {
  it("opens on a valid 101 and exposes the response headers", () => {
    const step = ok(handshake().receive(latin1(response(["Set-Cookie: a=1"]))));
    assert.equal(step.protocol, "");
    assert.equal(step.extensions, "");
    assert.equal(step.headers.get("set-cookie"), "a=1");
    assert.deepEqual(step.rest, new Uint8Array(0));
  });

  it("waits while the head is incomplete", () => {
    const h = handshake();
    assert.deepEqual(h.receive(latin1("HTTP/1.1 101 Switching Protocols\r\n")), { done: false });
    assert.deepEqual(h.receive(new Uint8Array(0)), { done: false });
    ok(h.receive(latin1(response().slice(34))));
  });

  it("hands back the bytes after the head: they are the first frames", () => {
    const frames = fromHex("810548656c6c6f" + "8a00");
    const step = ok(handshake().receive(concat(latin1(response()), frames)));
    assert.deepEqual(step.rest, frames);
  });

  it("gives the same result wherever the response is split, rest included", () => {
    const frames = fromHex("8103616263");
    const all = concat(latin1(response(["Sec-WebSocket-Protocol: chat"])), frames);
    const headLength = all.length - frames.length;
    for (let cut = 0; cut <= all.length; cut++) {
      const h = handshake({ protocols: ["chat"] });
      const first = h.receive(all.slice(0, cut));
      // Once open, later bytes belong to the connection, not to the handshake.
      const opened = ok(first.done ? first : h.receive(all.slice(cut)));
      assert.equal(opened.protocol, "chat", `cut ${cut}`);
      const unread = first.done ? all.slice(cut) : new Uint8Array(0);
      assert.deepEqual(concat(opened.rest, unread), frames, `cut ${cut}`);
      assert.equal(first.done, cut >= headLength, `cut ${cut}`);
    }
  });

  it("completes when fed one byte at a time", () => {
    const all = concat(latin1(response()), fromHex("8900"));
    const h = handshake();
    let step: ClientHandshakeStep = { done: false };
    let at = 0;
    while (!step.done) step = h.receive(all.subarray(at, ++at));
    assert.equal(at, all.length - 2);
    assert.deepEqual(ok(step).rest, new Uint8Array(0));
  });

  it("is finished after the result: later input and eof are ignored", () => {
    const h = handshake();
    ok(h.receive(latin1(response())));
    assert.deepEqual(h.receive(latin1("junk")), { done: false });
    assert.deepEqual(h.eof(), { done: false });
  });

  it("accepts Upgrade and Connection case-insensitively, Connection as a token list", () => {
    const h = handshake();
    const step = h.receive(latin1(
      `HTTP/1.1 101 OK\r\nupgrade: WebSocket\r\nconnection: keep-alive, UPGRADE\r\nsec-websocket-accept: ${ACCEPT}\r\n\r\n`,
    ));
    ok(step);
  });

  it("fails with WS_ERR_HANDSHAKE_MALFORMED on an HTTP/1.0 101 (the upgrade is HTTP/1.1's)", () => {
    failed(handshake().receive(latin1(response().replace("HTTP/1.1", "HTTP/1.0"))), "WS_ERR_HANDSHAKE_MALFORMED");
  });

  it("fails with WS_ERR_HANDSHAKE_HEADER on a wrong or missing Upgrade", () => {
    for (const upgrade of ["", "Upgrade: h2c", "Upgrade: websocket2", "Upgrade: websocket, h2c"]) {
      const head = response().replace("Upgrade: websocket\r\n", upgrade ? upgrade + "\r\n" : "");
      failed(handshake().receive(latin1(head)), "WS_ERR_HANDSHAKE_HEADER");
    }
  });

  it("fails with WS_ERR_HANDSHAKE_HEADER on a Connection without the upgrade token", () => {
    for (const connection of ["", "Connection: keep-alive", "Connection: upgraded", "Connection: up grade"]) {
      const head = response().replace("Connection: Upgrade\r\n", connection ? connection + "\r\n" : "");
      failed(handshake().receive(latin1(head)), "WS_ERR_HANDSHAKE_HEADER");
    }
  });

  it("fails with WS_ERR_HANDSHAKE_ACCEPT on a wrong or missing Sec-WebSocket-Accept", () => {
    failed(handshake().receive(latin1(response().replace(ACCEPT, "x" + ACCEPT.slice(1)))), "WS_ERR_HANDSHAKE_ACCEPT");
    failed(handshake().receive(latin1(response().replace(ACCEPT, acceptOfOtherKey()))), "WS_ERR_HANDSHAKE_ACCEPT");
    failed(
      handshake().receive(latin1(response().replace(`Sec-WebSocket-Accept: ${ACCEPT}\r\n`, ""))),
      "WS_ERR_HANDSHAKE_ACCEPT",
    );
  });

  it("negotiates the subprotocol: one offered, none, or fails with WS_ERR_HANDSHAKE_SUBPROTOCOL", () => {
    const chosen = ok(handshake({ protocols: ["a", "b"] }).receive(latin1(response(["Sec-WebSocket-Protocol: b"]))));
    assert.equal(chosen.protocol, "b");
    assert.equal(ok(handshake().receive(latin1(response()))).protocol, "");
    // WHATWG: offered protocols the response does not acknowledge fail the connection.
    failed(handshake({ protocols: ["a"] }).receive(latin1(response())), "WS_ERR_HANDSHAKE_SUBPROTOCOL");
    failed(
      handshake({ protocols: ["a"] }).receive(latin1(response(["Sec-WebSocket-Protocol: c"]))),
      "WS_ERR_HANDSHAKE_SUBPROTOCOL",
    );
    failed(handshake().receive(latin1(response(["Sec-WebSocket-Protocol: a"]))), "WS_ERR_HANDSHAKE_SUBPROTOCOL");
    failed(
      handshake({ protocols: ["a", "b"] }).receive(
        latin1(response(["Sec-WebSocket-Protocol: a", "Sec-WebSocket-Protocol: b"])),
      ),
      "WS_ERR_HANDSHAKE_SUBPROTOCOL",
    );
  });

  it("fails with WS_ERR_HANDSHAKE_EXTENSION on any extension (none is offered)", () => {
    failed(
      handshake().receive(latin1(response(["Sec-WebSocket-Extensions: permessage-deflate"]))),
      "WS_ERR_HANDSHAKE_EXTENSION",
    );
    failed(handshake().receive(latin1(response(["Sec-WebSocket-Extensions: a b"]))), "WS_ERR_HANDSHAKE_HEADER");
  });

  it("fails with WS_ERR_HANDSHAKE_MALFORMED on a malformed head", () => {
    failed(handshake().receive(latin1("HTTP/1.1 101 OK\r\nUpgrade websocket\r\n\r\n")), "WS_ERR_HANDSHAKE_MALFORMED");
    failed(handshake().receive(latin1("HTTP/1.1 101 OK\nUpgrade: websocket\r\n\r\n")), "WS_ERR_HANDSHAKE_MALFORMED");
    failed(handshake().receive(latin1("SSH-2.0-OpenSSH\r\n\r\n")), "WS_ERR_HANDSHAKE_MALFORMED");
  });

  it("fails with WS_ERR_HANDSHAKE_MALFORMED when the connection ends first", () => {
    failed(handshake().eof(), "WS_ERR_HANDSHAKE_MALFORMED");
    const h = handshake();
    assert.deepEqual(h.receive(latin1("HTTP/1.1 101")), { done: false });
    failed(h.eof(), "WS_ERR_HANDSHAKE_MALFORMED");
  });

  it("fails with WS_ERR_HANDSHAKE_TOO_LARGE past maxHeadBytes, complete or not", () => {
    const h = handshake({ maxHeadBytes: 100 });
    assert.deepEqual(h.receive(latin1("HTTP/1.1 101 OK\r\nX: " + "a".repeat(80))), { done: false });
    failed(h.receive(latin1("a")), "WS_ERR_HANDSHAKE_TOO_LARGE");
    const long = response(["X: " + "a".repeat(200)]);
    failed(handshake({ maxHeadBytes: 200 }).receive(latin1(long)), "WS_ERR_HANDSHAKE_TOO_LARGE");
    ok(handshake({ maxHeadBytes: long.length }).receive(latin1(long)));
    const huge = "HTTP/1.1 101 OK\r\nX: " + "a".repeat(16384);
    failed(handshake().receive(latin1(huge)), "WS_ERR_HANDSHAKE_TOO_LARGE");
  });
});

describe("a refused upgrade reports the response (WS_ERR_HANDSHAKE_STATUS)", () => {
  const refused = (status: string, fields: string[], body = "") =>
    latin1(`HTTP/1.1 ${status}\r\n${fields.map((f) => f + "\r\n").join("")}\r\n${body}`);

  it("collects a Content-Length body, waiting for all of it", () => {
    const bytes = refused("403 Forbidden", ["Content-Length: 9", "X-Why: policy"], "no, sorry");
    const h = handshake();
    assert.deepEqual(h.receive(bytes.subarray(0, bytes.length - 4)), { done: false });
    const error = failed(h.receive(bytes.subarray(bytes.length - 4)), "WS_ERR_HANDSHAKE_STATUS");
    assert.equal(
      error.message,
      "Cannot continue the WebSocket connection: the server answered 403 Forbidden instead of 101",
    );
    assert.equal(error.details?.status, 403);
    assert.equal(error.details?.statusText, "Forbidden");
    assert.equal(error.details?.body, "no, sorry");
    assert.equal((error.details?.headers as Headers).get("x-why"), "policy");
  });

  it("works wherever the response is split", () => {
    const bytes = refused("404 Not Found", ["Content-Length: 4"], "gone");
    for (let cut = 0; cut <= bytes.length; cut++) {
      const h = handshake();
      const first = h.receive(bytes.slice(0, cut));
      const error = failed(first.done ? first : h.receive(bytes.slice(cut)), "WS_ERR_HANDSHAKE_STATUS");
      assert.equal(error.details?.body, "gone", `cut ${cut}`);
    }
  });

  it("ignores bytes past Content-Length and decodes the body as UTF-8", () => {
    const bytes = refused("400 Bad Request", ["Content-Length: 5"], "\xc3\xa9t\xc3\xa9HTTP/1.1 200 OK");
    assert.equal(failed(handshake().receive(bytes), "WS_ERR_HANDSHAKE_STATUS").details?.body, "été");
  });

  it("keeps at most maxBodyBytes", () => {
    const bytes = refused("500 Oops", ["Content-Length: 100000"], "x".repeat(10));
    const error = failed(handshake({ maxBodyBytes: 10 }).receive(bytes), "WS_ERR_HANDSHAKE_STATUS");
    assert.equal(error.details?.body, "x".repeat(10));
    const h = handshake();
    assert.deepEqual(h.receive(refused("500 Oops", ["Content-Length: 100000"], "y".repeat(65535))), { done: false });
    assert.equal(failed(h.receive(latin1("yy")), "WS_ERR_HANDSHAKE_STATUS").details?.body, "y".repeat(65536));
  });

  it("reports the body so far when the connection ends early", () => {
    const h = handshake();
    assert.deepEqual(h.receive(refused("503 Busy", ["Content-Length: 50"], "part")), { done: false });
    assert.equal(failed(h.eof(), "WS_ERR_HANDSHAKE_STATUS").details?.body, "part");
  });

  it("reads a body without Content-Length until the connection ends", () => {
    const h = handshake();
    assert.deepEqual(h.receive(refused("200 OK", ["Content-Type: text/plain"], "hello ")), { done: false });
    assert.deepEqual(h.receive(latin1("world")), { done: false });
    assert.equal(failed(h.eof(), "WS_ERR_HANDSHAKE_STATUS").details?.body, "hello world");
    const capped = handshake({ maxBodyBytes: 4 }).receive(refused("200 OK", [], "hello"));
    assert.equal(failed(capped, "WS_ERR_HANDSHAKE_STATUS").details?.body, "hell");
  });

  it("decodes a chunked body and stops at its last chunk", () => {
    const h = handshake();
    const head = refused("401 Unauthorized", ["Transfer-Encoding: chunked", "WWW-Authenticate: Basic"], "5\r\nlogin");
    assert.deepEqual(h.receive(head), { done: false });
    const error = failed(h.receive(latin1("\r\n6\r\n first\r\n0\r\n\r\n")), "WS_ERR_HANDSHAKE_STATUS");
    assert.equal(error.details?.body, "login first");
    assert.equal(error.details?.status, 401);
  });

  it("does not wait for a body that 1xx, 204 and 304 cannot have", () => {
    for (const status of ["100 Continue", "204 No Content", "304 Not Modified"]) {
      const error = failed(handshake().receive(refused(status, ["Content-Length: 10"])), "WS_ERR_HANDSHAKE_STATUS");
      assert.equal(error.details?.body, "");
    }
  });

  it("finishes at once with Content-Length: 0", () => {
    const error = failed(
      handshake().receive(refused("302 Found", ["Location: /x", "Content-Length: 0"])),
      "WS_ERR_HANDSHAKE_STATUS",
    );
    assert.equal((error.details?.headers as Headers).get("location"), "/x");
  });
});

function acceptOfOtherKey(): string {
  // RFC 6455's sample answer belongs to KEY; any other key must not match it.
  return "HSmrc0sMlYUkAGmm5OPpG2HaGWk=";
}
