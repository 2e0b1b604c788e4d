import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  acceptResponse,
  rejectResponse,
  ServerHandshake,
  type ServerHandshakeStep,
} from "../../src/protocol/server_handshake.ts";
import { ClientHandshake } from "../../src/protocol/client_handshake.ts";
import { parseWebSocketUrl } from "../../src/protocol/ws_url.ts";
import { concat, fromHex, latin1, latin1Text } from "../_helpers/bytes.ts";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const text = latin1Text;

const BASE = [
  "GET /chat?room=1 HTTP/1.1",
  "Host: server.example.com",
  "Upgrade: websocket",
  "Connection: Upgrade",
  `Sec-WebSocket-Key: ${KEY}`,
  "Sec-WebSocket-Version: 13",
];

/** The RFC 6455 §1.2 sample request, with `edit` applied line by line. */
function upgradeRequest(edit: (lines: string[]) => string[] = (lines) => lines): string {
  return edit([...BASE]).map((line) => line + "\r\n").join("") + "\r\n";
}

const replace = (from: string, to: string | null) => (lines: string[]) =>
  lines.flatMap((line) => line.startsWith(from) ? (to === null ? [] : [to]) : [line]);
const add = (...extra: string[]) => (lines: string[]) => [...lines, ...extra];

function accepted(step: ServerHandshakeStep) {
  if (!step.done || !("request" in step)) throw new Error(`expected an upgrade, got ${JSON.stringify(step)}`);
  return step;
}

function rejected(step: ServerHandshakeStep, status: number) {
  if (!step.done || !("reject" in step)) throw new Error(`expected ${status}, got ${JSON.stringify(step)}`);
  assert.equal(step.reject.status, status);
  assert.ok(step.reject.body.endsWith("\n"));
  return step.reject;
}

const receive = (request: string, limits = {}) => new ServerHandshake(limits).receive(latin1(request));

describe("RFC 6455 §4.2.1 reading the client's opening handshake", () => {
  it("accepts the RFC's sample request", () => {
    const step = accepted(receive(upgradeRequest(add("Origin: http://example.com"))));
    assert.equal(step.request.method, "GET");
    assert.equal(step.request.target, "/chat?room=1");
    assert.equal(step.request.key, KEY);
    assert.equal(step.request.version, "13");
    assert.deepEqual(step.request.protocols, []);
    assert.equal(step.request.extensions, "");
    assert.equal(step.request.headers.get("origin"), "http://example.com");
    assert.deepEqual(step.rest, new Uint8Array(0));
  });

  it("reads offered subprotocols in order and extensions as sent", () => {
    const step = accepted(receive(upgradeRequest(add(
      "Sec-WebSocket-Protocol: chat, superchat",
      "Sec-WebSocket-Protocol: v3",
      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
    ))));
    assert.deepEqual(step.request.protocols, ["chat", "superchat", "v3"]);
    assert.equal(step.request.extensions, "permessage-deflate; client_max_window_bits");
  });

  it("accepts Upgrade and Connection case-insensitively and as token lists", () => {
    const step = receive(
      upgradeRequest((lines) =>
        replace("Upgrade", "upgrade: h2c, WebSocket")(replace("Connection", "connection: keep-alive, UPGRADE")(lines))
      ),
    );
    accepted(step);
  });

  it("hands back the bytes after the head: they are the first frames", () => {
    const frames = fromHex("818537fa213d7f9f4d5158");
    const step = accepted(new ServerHandshake().receive(concat(latin1(upgradeRequest()), frames)));
    assert.deepEqual(step.rest, frames);
  });

  it("gives the same result wherever the request is split", () => {
    const frames = fromHex("8980deadbeef");
    const all = concat(latin1(upgradeRequest()), frames);
    const headLength = all.length - frames.length;
    for (let cut = 0; cut <= all.length; cut++) {
      const handshake = new ServerHandshake();
      const first = handshake.receive(all.slice(0, cut));
      assert.equal(first.done, cut >= headLength, `cut ${cut}`);
      const step = accepted(first.done ? first : handshake.receive(all.slice(cut)));
      const unread = first.done ? all.slice(cut) : new Uint8Array(0);
      assert.deepEqual(concat(step.rest, unread), frames, `cut ${cut}`);
      assert.equal(step.request.key, KEY);
    }
  });

  it("completes when fed one byte at a time", () => {
    const all = latin1(upgradeRequest());
    const handshake = new ServerHandshake();
    for (let i = 0; i < all.length - 1; i++) {
      assert.deepEqual(handshake.receive(all.subarray(i, i + 1)), { done: false });
    }
    accepted(handshake.receive(all.subarray(all.length - 1)));
  });

  it("is finished after the result: later input is ignored", () => {
    const handshake = new ServerHandshake();
    accepted(handshake.receive(latin1(upgradeRequest())));
    assert.deepEqual(handshake.receive(latin1(upgradeRequest())), { done: false });
  });
});

describe("a request that is not an upgrade", () => {
  it("is handed back with its body bytes, for an HTTP handler", () => {
    const step = receive("POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\na=1");
    if (!step.done || !("notUpgrade" in step)) throw new Error("expected notUpgrade");
    assert.equal(step.notUpgrade.method, "POST");
    assert.equal(step.notUpgrade.target, "/form");
    assert.equal(step.notUpgrade.headers.get("content-length"), "3");
    assert.deepEqual(step.rest, latin1("a=1"));
  });

  it("includes other upgrades and an HTTP/1.0 GET", () => {
    for (
      const request of [
        "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n",
      ]
    ) {
      const step = receive(request);
      assert.ok(step.done && "notUpgrade" in step, request);
    }
  });

  it("needs exactly one valid Host in HTTP/1.1 too (RFC 9112 §3.2)", () => {
    const get = (host: string | null, version = "1.1") =>
      receive(`GET / HTTP/${version}\r\n${host === null ? "" : `Host: ${host}\r\n`}\r\n`);
    rejected(get(null), 400);
    rejected(receive("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), 400);
    for (const bad of ["a b", "a/b", "a@b", "a:8o", "[::1", "[zz]", "a?b", "a#b"]) rejected(get(bad), 400);
    for (const good of ["", "a", "a.example:8080", "127.0.0.1:1", "[::1]:8080", "[v1.x]", "a_b-c~!$&'()*+,;=%41:"]) {
      const step = get(good);
      assert.ok(step.done && "notUpgrade" in step, good);
    }
    const old = get(null, "1.0");
    assert.ok(old.done && "notUpgrade" in old, "HTTP/1.0 may leave Host out");
  });
});

describe("RFC 6455 §4.2.1 refusing a bad upgrade", () => {
  const cases: [string, string, number][] = [
    ["a method other than GET", upgradeRequest(replace("GET", "POST /chat HTTP/1.1")), 400],
    ["HTTP/1.0", upgradeRequest(replace("GET", "GET /chat HTTP/1.0")), 400],
    ["no Host", upgradeRequest(replace("Host", null)), 400],
    ["two Host fields", upgradeRequest(add("Host: other.example.com")), 400],
    ["no Connection", upgradeRequest(replace("Connection", null)), 400],
    ["Connection without upgrade", upgradeRequest(replace("Connection", "Connection: keep-alive")), 400],
    ["no key", upgradeRequest(replace("Sec-WebSocket-Key", null)), 400],
    ["an empty key", upgradeRequest(replace("Sec-WebSocket-Key", "Sec-WebSocket-Key:")), 400],
    ["a 15-byte key", upgradeRequest(replace("Sec-WebSocket-Key", `Sec-WebSocket-Key: ${btoa("x".repeat(15))}`)), 400],
    ["a 17-byte key", upgradeRequest(replace("Sec-WebSocket-Key", `Sec-WebSocket-Key: ${btoa("x".repeat(17))}`)), 400],
    [
      "a key that is not base64",
      upgradeRequest(replace("Sec-WebSocket-Key", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZ!==")),
      400,
    ],
    [
      "a key with a space inside",
      upgradeRequest(replace("Sec-WebSocket-Key", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j Q==")),
      400,
    ],
    ["two keys", upgradeRequest(add(`Sec-WebSocket-Key: ${KEY}`)), 400],
    ["no version", upgradeRequest(replace("Sec-WebSocket-Version", null)), 426],
    ["version 8", upgradeRequest(replace("Sec-WebSocket-Version", "Sec-WebSocket-Version: 8")), 426],
    ["two versions", upgradeRequest(add("Sec-WebSocket-Version: 8")), 426],
    ["a malformed head", "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n bad fold\r\n\r\n", 400],
    ["a bare LF", "GET / HTTP/1.1\nHost: h\r\n\r\n", 400],
    ["a bad request line", "GET /a b HTTP/1.1\r\n\r\n", 400],
    ["a target that is not a path", upgradeRequest(replace("GET", "GET chat HTTP/1.1")), 400],
    ["too many fields", upgradeRequest(add(...Array.from({ length: 96 }, (_, i) => `X-${i}: ${i}`))), 431],
    // RFC 9110 §9.3.1: the bytes of a declared body would otherwise be read as frames after the 101.
    ["a Content-Length body", upgradeRequest(add("Content-Length: 5")) + "hello", 400],
    ["a malformed Content-Length", upgradeRequest(add("Content-Length: +0")), 400],
    ["a Transfer-Encoding body", upgradeRequest(add("Transfer-Encoding: chunked")) + "0\r\n\r\n", 400],
  ];
  for (const [name, request, status] of cases) {
    it(`answers ${status} for ${name}`, () => {
      rejected(receive(request), status);
    });
  }

  it("takes Content-Length: 0 as no body", () => {
    const step = receive(upgradeRequest(add("Content-Length: 0")));
    assert.ok(step.done && "request" in step);
  });

  it("tells a client with the wrong version which version to use (§4.4)", () => {
    const reject = rejected(
      receive(upgradeRequest(replace("Sec-WebSocket-Version", "Sec-WebSocket-Version: 12"))),
      426,
    );
    assert.deepEqual(reject.headers, [["Sec-WebSocket-Version", "13"]]);
  });

  it("says why in the body", () => {
    assert.equal(rejected(receive(upgradeRequest(replace("Host", null))), 400).body, "Host is missing\n");
  });

  it("answers 431 as soon as an unfinished head passes maxHeadBytes", () => {
    const handshake = new ServerHandshake({ maxHeadBytes: 64 });
    assert.deepEqual(handshake.receive(latin1("GET / HTTP/1.1\r\nX: " + "a".repeat(45))), { done: false });
    rejected(handshake.receive(latin1("a")), 431);
    assert.deepEqual(handshake.receive(latin1("\r\n\r\n")), { done: false });
  });

  it("answers 431 for a complete head past maxHeadBytes and accepts one exactly at it", () => {
    const request = upgradeRequest();
    rejected(receive(request, { maxHeadBytes: request.length - 1 }), 431);
    accepted(receive(request, { maxHeadBytes: request.length }));
    rejected(receive(upgradeRequest(add("X: " + "a".repeat(16384)))), 431);
  });

  it("honours maxHeaders", () => {
    accepted(receive(upgradeRequest(), { maxHeaders: 5 }));
    rejected(receive(upgradeRequest(), { maxHeaders: 4 }), 431);
  });
});

describe("RFC 6455 §4.2.2 the server's answer", () => {
  it("writes the RFC's sample 101", () => {
    assert.equal(
      text(acceptResponse({ key: KEY, protocol: "chat" })),
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n",
    );
  });

  it("adds extensions and extra fields such as Set-Cookie", () => {
    const head = text(acceptResponse({
      key: KEY,
      extensions: "x-test",
      headers: [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]],
    }));
    assert.ok(head.endsWith("\r\nSec-WebSocket-Extensions: x-test\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n"));
    assert.ok(!head.includes("Sec-WebSocket-Protocol"));
  });

  it("refuses CR, LF or NUL in any value, and a bad name, with a TypeError", () => {
    assert.throws(() => acceptResponse({ key: KEY, headers: [["Set-Cookie", "a=1\r\nX-Injected: 1"]] }), TypeError);
    assert.throws(() => acceptResponse({ key: KEY, headers: [["X", "a\nb"]] }), TypeError);
    assert.throws(() => acceptResponse({ key: KEY, headers: [["X", "a\0b"]] }), TypeError);
    assert.throws(() => acceptResponse({ key: KEY, headers: [["Bad:Name", "a"]] }), TypeError);
    assert.throws(() => acceptResponse({ key: KEY, protocol: "chat\r\nX: 1" }), TypeError);
    assert.throws(() => acceptResponse({ key: KEY, extensions: "a\r\n" }), TypeError);
  });

  it("refuses extra fields the handshake sets", () => {
    for (const name of ["Upgrade", "connection", "Sec-WebSocket-Accept", "sec-websocket-protocol", "Content-Length"]) {
      assert.throws(
        () => acceptResponse({ key: KEY, headers: [[name, "x"]] }),
        (error: unknown) => error instanceof TypeError && error.message.startsWith(`Cannot set header "${name}"`),
        name,
      );
    }
  });

  it("writes a complete refusal with Content-Length and Connection: close", () => {
    assert.equal(
      text(rejectResponse(403, [["X-Reason", "policy"]], "forbidden\n")),
      "HTTP/1.1 403 Forbidden\r\nX-Reason: policy\r\nContent-Length: 10\r\nConnection: close\r\n\r\nforbidden\n",
    );
    assert.equal(
      text(rejectResponse(426, [["Sec-WebSocket-Version", "13"]])).split("\r\n")[0],
      "HTTP/1.1 426 Upgrade Required",
    );
    assert.equal(
      text(rejectResponse(431)),
      "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    // RFC 9112 §4 allows an empty reason phrase, which is better than a made-up one.
    assert.equal(text(rejectResponse(418)).split("\r\n")[0], "HTTP/1.1 418 ");
  });

  it("counts the body in UTF-8 bytes and drops framing fields the caller passed", () => {
    const bytes = rejectResponse(400, [["content-length", "1"], ["Connection", "keep-alive"], [
      "Transfer-Encoding",
      "chunked",
    ]], "é");
    assert.equal(text(bytes), "HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\nConnection: close\r\n\r\n\xc3\xa9");
  });

  it("refuses a status that cannot refuse an upgrade, and a header that could split the head", () => {
    for (const status of [101, 199, 600, 404.5, NaN]) {
      assert.throws(() => rejectResponse(status), RangeError, String(status));
    }
    assert.throws(() => rejectResponse(400, [["X", "a\r\nb"]]), TypeError);
  });
});

describe("client and server handshakes agree", () => {
  it("opens end to end with a subprotocol, user headers and Basic auth, keeping the first frames", () => {
    const client = new ClientHandshake({
      url: parseWebSocketUrl("ws://alice:s3cret@[::1]:8080/live?x=1"),
      protocols: ["v2", "v1"],
      headers: { "X-Client": "test" },
    });
    const server = accepted(new ServerHandshake().receive(client.request()));
    assert.equal(server.request.target, "/live?x=1");
    assert.equal(server.request.headers.get("host"), "[::1]:8080");
    assert.equal(server.request.headers.get("authorization"), `Basic ${btoa("alice:s3cret")}`);
    assert.equal(server.request.headers.get("x-client"), "test");
    assert.deepEqual(server.request.protocols, ["v2", "v1"]);
    const frame = fromHex("81026869");
    const answer = concat(acceptResponse({ key: server.request.key, protocol: "v1" }), frame);
    const step = client.receive(answer);
    if (!step.done || !step.ok) throw new Error("the client did not open");
    assert.equal(step.protocol, "v1");
    assert.deepEqual(step.rest, frame);
  });

  it("reports the server's refusal to the client with its status and body", () => {
    const client = new ClientHandshake({ url: parseWebSocketUrl("ws://h/"), protocols: [] });
    const server = receive(text(client.request()).replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 99"));
    if (!server.done || !("reject" in server)) throw new Error("expected a refusal");
    const step = client.receive(rejectResponse(server.reject.status, server.reject.headers, server.reject.body));
    if (!step.done || step.ok) throw new Error("expected a failure");
    assert.equal(step.error.code, "WS_ERR_HANDSHAKE_STATUS");
    assert.equal(step.error.details?.status, 426);
    assert.equal((step.error.details?.headers as Headers).get("sec-websocket-version"), "13");
    assert.equal(step.error.details?.body, "only version 13 is supported\n");
  });
});
