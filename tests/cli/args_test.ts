// The command line's arguments: each bad one prints the command's usage and exits with 2.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  parseCloseSpec,
  parseHeader,
  parseInteger,
  parseSeconds,
  parseShow,
  UsageError,
  withWsScheme,
} from "../../src/cli/args.ts";
import { runMain } from "../_helpers/cli.ts";

describe("argument parsers", () => {
  it("-H takes 'Name: value' (split at the first colon, trimmed); nothing else", () => {
    assert.deepEqual(parseHeader("Authorization: Bearer a:b"), ["Authorization", "Bearer a:b"]);
    assert.deepEqual(parseHeader("X-Empty:"), ["X-Empty", ""]);
    for (const bad of ["no colon", ": value", "  : x"]) assert.throws(() => parseHeader(bad), UsageError);
  });
  it("--close takes the codes an application may send (1000, 3000-4999) and a reason of <= 123 bytes", () => {
    assert.deepEqual(parseCloseSpec("1000"), { code: 1000, reason: "" });
    assert.deepEqual(parseCloseSpec("4999:a:b"), { code: 4999, reason: "a:b" });
    for (const bad of ["999", "1001", "1005", "2999", "5000", "x", "", "4000:" + "é".repeat(62)]) {
      assert.throws(() => parseCloseSpec(bad), UsageError, bad);
    }
    assert.equal(parseCloseSpec("4000:" + "a".repeat(123)).reason.length, 123);
  });
  it("seconds are non-negative numbers, counts whole numbers in range, --show one of three", () => {
    assert.equal(parseSeconds("-w", "0.25"), 0.25);
    for (const bad of ["", "-1", "soon", "Infinity"]) assert.throws(() => parseSeconds("-w", bad), UsageError);
    assert.equal(parseInteger("N", "65535", 0, 65535), 65535);
    for (const bad of ["65536", "-1", "1.5", "1e3", ""]) {
      assert.throws(() => parseInteger("N", bad, 0, 65535), UsageError);
    }
    assert.deepEqual([parseShow(undefined), parseShow("base64"), parseShow("text")], ["hex", "base64", "text"]);
    assert.throws(() => parseShow("HEX"), UsageError);
  });
  it("a URL without a scheme (as wscat takes it) is ws://; one with a scheme is left alone", () => {
    assert.equal(withWsScheme("localhost:8080"), "ws://localhost:8080");
    assert.equal(withWsScheme("127.0.0.1:9/room?x=1"), "ws://127.0.0.1:9/room?x=1");
    for (const url of ["ws://a", "WSS://a:1/", "http://a", "ftp://a"]) assert.equal(withWsScheme(url), url);
  });
});

describe("bad arguments exit with 2 and print the usage", () => {
  const cases: Array<[string, string[]]> = [
    ["no command", []],
    ["an unknown command", ["conect", "ws://x"]],
    ["connect without a URL", ["connect"]],
    ["connect with two URLs", ["connect", "ws://a", "ws://b"]],
    ["connect with an unknown option", ["connect", "ws://a", "--nope"]],
    ["connect with an unparsable URL", ["connect", "ftp://a"]],
    ["connect with a bad -H", ["connect", "ws://a", "-H", "nocolon"]],
    ["connect with a header the handshake sets", ["connect", "ws://a", "-H", "Sec-WebSocket-Key: x"]],
    ["connect with --close 1001", ["connect", "ws://a", "--close", "1001"]],
    ["connect with --show octal", ["connect", "ws://a", "--show", "octal"]],
    ["connect with --max-messages 0", ["connect", "ws://a", "--max-messages", "0"]],
    ["connect with --ping 0", ["connect", "ws://a", "--ping", "0"]],
    ["connect with -w soon", ["connect", "ws://a", "-w", "soon"]],
    ["connect with a --ca that does not exist", ["connect", "wss://a", "--ca", "/nonexistent/ca.pem"]],
    ["connect with a string option missing its value", ["connect", "ws://a", "--origin"]],
    ["listen without a port", ["listen"]],
    ["listen on port 65536", ["listen", "65536"]],
    ["listen with two modes", ["listen", "0", "--echo", "--broadcast"]],
    ["listen with --cert but no --key", ["listen", "0", "--cert", "c.pem"]],
    ["bench without a URL", ["bench"]],
    ["bench with -c 0", ["bench", "ws://a", "-c", "0"]],
    ["bench with --size -1", ["bench", "ws://a", "--size", "-1"]],
  ];
  for (const [name, args] of cases) {
    it(name, async () => {
      const run = await runMain(args);
      assert.equal(run.status, 2, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /Usage: wasmws /);
    });
  }
  it("--help prints the usage on stdout and exits with 0, for the program and each command", async () => {
    for (const args of [["--help"], ["connect", "--help"], ["listen", "-h"], ["bench", "--help"]]) {
      const run = await runMain(args);
      assert.equal(run.status, 0);
      assert.match(run.stdout, /^Usage: wasmws /);
      assert.equal(run.stderr, "");
    }
  });
});
