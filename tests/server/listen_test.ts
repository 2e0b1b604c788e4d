// serve() that cannot listen fails the same on Deno, Bun and Node: one
// error class, one code and one message per cause, naming the address; the
// runtime's own error stays reachable as `cause` where a runtime was asked.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ErrorCode, serve, WebSocketError } from "../../src/mod.ts";
import { selfSignedCert } from "../_helpers/tls.ts";

async function refusal(options: Parameters<typeof serve>[0]): Promise<WebSocketError> {
  try {
    const server = await serve(options);
    await server.shutdown();
  } catch (error) {
    assert.ok(error instanceof WebSocketError, `a WebSocketError, not ${String(error)}`);
    assert.equal(error.name, "WebSocketError");
    assert.equal(error.closeCode, 0);
    return error;
  }
  throw new assert.AssertionError({ message: `serve(${JSON.stringify(options)}) listened` });
}

function check(error: WebSocketError, code: ErrorCode, message: string, runtimeCause: boolean): void {
  assert.equal(error.code, code);
  assert.equal(error.message, message);
  if (runtimeCause) assert.ok(error.cause instanceof Error, "the runtime's error is kept as cause");
  else assert.equal(error.cause, undefined, "checked before any runtime was asked");
}

describe("serve(): the bound address", () => {
  it("is the address bound, not the name asked for, on every runtime", async () => {
    const server = await serve({ hostname: "localhost", port: 0 });
    try {
      assert.ok(["127.0.0.1", "::1"].includes(server.address.hostname), server.address.hostname);
      assert.ok(server.address.port > 0);
    } finally {
      await server.shutdown();
    }
  });
});

describe("serve(): failures to listen", () => {
  it("a port that is not an integer from 0 to 65535 (checked before listening)", async () => {
    for (const port of [65536, 70000, -1, 1.5, Number.NaN, Infinity]) {
      const error = await refusal({ hostname: "127.0.0.1", port });
      check(
        error,
        "WS_ERR_LISTEN_PORT",
        `Cannot listen on 127.0.0.1:${port}: the port must be an integer from 0 to 65535`,
        false,
      );
      assert.deepEqual(error.details, { hostname: "127.0.0.1", port });
    }
    const text = await refusal({ hostname: "127.0.0.1", port: "8080" as unknown as number });
    check(
      text,
      "WS_ERR_LISTEN_PORT",
      `Cannot listen on 127.0.0.1:"8080": the port must be an integer from 0 to 65535`,
      false,
    );
  });

  it("a port in use", async () => {
    const first = await serve({ hostname: "127.0.0.1", port: 0 });
    try {
      const port = first.address.port;
      const error = await refusal({ hostname: "127.0.0.1", port });
      check(error, "WS_ERR_LISTEN_IN_USE", `Cannot listen on 127.0.0.1:${port}: the address is in use`, true);
    } finally {
      await first.shutdown();
    }
  });

  it("a hostname that does not resolve", async () => {
    for (const hostname of ["no-such-host.invalid", "a b"]) {
      const error = await refusal({ hostname, port: 0 });
      check(error, "WS_ERR_LISTEN_HOSTNAME", `Cannot listen on ${hostname}:0: the hostname does not resolve`, true);
    }
  });

  it("an address that is not this machine's (192.0.2.1 is TEST-NET-1, RFC 5737)", async () => {
    const error = await refusal({ hostname: "192.0.2.1", port: 0 });
    check(
      error,
      "WS_ERR_LISTEN_HOSTNAME",
      "Cannot listen on 192.0.2.1:0: the hostname is not an address of this machine",
      true,
    );
  });

  it("an empty hostname (checked before listening: Node would listen everywhere, Deno and Bun refuse)", async () => {
    const error = await refusal({ hostname: "", port: 0 });
    check(error, "WS_ERR_LISTEN_HOSTNAME", "Cannot listen on :0: the hostname is empty", false);
  });

  it("an IPv6 address is bracketed in the message, and may be given bracketed, as URLs write it", async () => {
    // 2001:db8::/32 is for documentation (RFC 3849): never this machine's.
    for (const hostname of ["2001:db8::1", "[2001:db8::1]"]) {
      const error = await refusal({ hostname, port: 0 });
      check(
        error,
        "WS_ERR_LISTEN_HOSTNAME",
        "Cannot listen on [2001:db8::1]:0: the hostname is not an address of this machine",
        true,
      );
    }
  });

  it("TLS files missing: an empty certificate or key, a file name or bytes where the PEM text belongs", async () => {
    const { cert, key } = selfSignedCert();
    const where = "Cannot listen on 127.0.0.1:0";
    check(
      await refusal({ hostname: "127.0.0.1", port: 0, tls: { cert: "", key } }),
      "WS_ERR_LISTEN_TLS",
      `${where}: tls.cert is empty`,
      false,
    );
    check(
      await refusal({ hostname: "127.0.0.1", port: 0, tls: { cert, key: "" } }),
      "WS_ERR_LISTEN_TLS",
      `${where}: tls.key is empty`,
      false,
    );
    check(
      await refusal({ hostname: "127.0.0.1", port: 0, tls: { cert: "./cert.pem", key } }),
      "WS_ERR_LISTEN_TLS",
      `${where}: tls.cert is not PEM text (a file name? pass its contents)`,
      false,
    );
    // The file read without an encoding (a Buffer, as node:https takes it) is named as what it is, not "empty".
    check(
      await refusal({ hostname: "127.0.0.1", port: 0, tls: { cert, key: new TextEncoder().encode(key) as never } }),
      "WS_ERR_LISTEN_TLS",
      `${where}: tls.key is bytes, not PEM text (read the file as text: readFileSync(file, "utf8"))`,
      false,
    );
  });

  it("a PEM block the runtime's TLS cannot use", async () => {
    const { cert, key } = selfSignedCert();
    const garbageKey = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    const garbageCert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    for (const tls of [{ cert, key: garbageKey }, { cert: garbageCert, key }]) {
      const error = await refusal({ hostname: "127.0.0.1", port: 0, tls });
      check(error, "WS_ERR_LISTEN_TLS", "Cannot listen on 127.0.0.1:0: the TLS certificate or key is not valid", true);
    }
  });
});
