import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  checkCloseArguments,
  clampUnsignedShort,
  encodeClosePayload,
  isValidApplicationCloseCode,
  isValidWireCloseCode,
  MAX_CLOSE_REASON_BYTES,
  parseClosePayload,
} from "../../src/protocol/close_codes.ts";

import { fromHex, toHex as hex } from "../_helpers/bytes.ts";

describe("RFC 6455 §7.4 status codes on the wire", () => {
  it("accepts exactly 1000-1003, 1007-1014 and 3000-4999 in 0-65535", () => {
    const valid: number[] = [];
    for (let code = 0; code <= 65535; code++) if (isValidWireCloseCode(code)) valid.push(code);
    const expected = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014];
    for (let code = 3000; code <= 4999; code++) expected.push(code);
    assert.deepEqual(valid, expected);
  });

  it("refuses the codes that must never be sent: 1004, 1005, 1006, 1015", () => {
    for (const code of [1004, 1005, 1006, 1015, 999, 2999, 5000]) assert.equal(isValidWireCloseCode(code), false);
  });
});

describe("WHATWG close(): codes an application may use", () => {
  it("accepts 1000 and 3000-4999 only", () => {
    for (const code of [1000, 3000, 3999, 4000, 4999]) assert.equal(isValidApplicationCloseCode(code), true);
    for (const code of [0, 999, 1001, 1002, 1005, 1006, 1011, 1015, 2999, 5000, 65535]) {
      assert.equal(isValidApplicationCloseCode(code), false, String(code));
    }
  });
});

describe("RFC 6455 §5.5.1 close payload", () => {
  it("reads an empty payload as 1005 with no reason", () => {
    assert.deepEqual(parseClosePayload(new Uint8Array(0)), { code: 1005, reason: "" });
  });

  it("reads the big-endian code and the UTF-8 reason", () => {
    assert.deepEqual(parseClosePayload(fromHex("03e8")), { code: 1000, reason: "" });
    assert.deepEqual(parseClosePayload(fromHex("0fa0" + "6279c3a9")), { code: 4000, reason: "byé" });
  });

  it("keeps a leading BOM in the reason (UTF-8 decode without BOM)", () => {
    assert.deepEqual(parseClosePayload(fromHex("03e8efbbbf78")), { code: 1000, reason: "\uFEFFx" });
  });

  it("writes the code big-endian followed by the reason", () => {
    assert.equal(hex(encodeClosePayload(1000, "ok")), "03e86f6b");
    assert.equal(hex(encodeClosePayload(4999)), "1387");
    assert.equal(hex(encodeClosePayload(1001, "€")), "03e9e282ac");
  });

  it("writes nothing without a code, and code 1000 when only a reason is given", () => {
    assert.equal(hex(encodeClosePayload()), "");
    assert.equal(hex(encodeClosePayload(undefined, "x")), "03e878");
  });

  it("round-trips", () => {
    for (const [code, reason] of [[1000, ""], [1011, "oops"], [3001, "😀 ".repeat(20)]] as const) {
      assert.deepEqual(parseClosePayload(encodeClosePayload(code, reason)), { code, reason });
    }
  });

  it("allows a reason of exactly 123 bytes and refuses 124 (a control frame holds 125)", () => {
    assert.equal(MAX_CLOSE_REASON_BYTES, 123);
    assert.equal(encodeClosePayload(1000, "a".repeat(123)).length, 125);
    assert.throws(() => encodeClosePayload(1000, "a".repeat(124)), RangeError);
    assert.throws(() => encodeClosePayload(1000, "é".repeat(62)), /Cannot encode close reason/);
  });
});

describe("WHATWG close(code, reason) arguments", () => {
  it("takes 1000 and 3000-4999, refuses the rest and long reasons", () => {
    assert.equal(checkCloseArguments(undefined, undefined), undefined);
    assert.equal(checkCloseArguments(1000, "bye"), 1000);
    assert.equal(checkCloseArguments(4999, undefined), 4999);
    for (const code of [0, 999, 1001, 1005, 2999, 5000]) {
      assert.throws(() => checkCloseArguments(code, undefined), { name: "InvalidAccessError" });
    }
    assert.equal(checkCloseArguments(1000, "é".repeat(61) + "a"), 1000);
    assert.throws(() => checkCloseArguments(1000, "é".repeat(62)), { name: "SyntaxError" });
  });

  it("converts the code as a [Clamp] unsigned short: clamped, not wrapped; a fraction rounds to the nearest integer, a half to the even one", () => {
    for (const code of [1000 + 65536, 3000 - 65536, -64536, 65536 * 2 + 1000, NaN, -Infinity, Infinity]) {
      assert.throws(() => checkCloseArguments(code, undefined), { name: "InvalidAccessError" }, `code ${code}`);
    }
    assert.equal(checkCloseArguments(4999.4, undefined), 4999);
    assert.throws(() => checkCloseArguments(4999.6, undefined), { name: "InvalidAccessError" }, "4999.6 is 5000");
    assert.throws(() => checkCloseArguments(1000.9, undefined), { name: "InvalidAccessError" }, "1000.9 is 1001");
    assert.equal(checkCloseArguments(2999.5, undefined), 3000, "a half rounds to the even integer");
    assert.equal(checkCloseArguments(1000.5, undefined), 1000);
    assert.equal(checkCloseArguments(3001.5, undefined), 3002);
    assert.equal(checkCloseArguments(999.5, undefined), 1000);
    const clamped = [0.4, 0.5, 1.5, 2.5, -0.4, 65534.5, 65534.6, 65535.5].map(clampUnsignedShort);
    assert.deepEqual(clamped, [0, 0, 2, 2, 0, 65534, 65535, 65535]);
    assert.throws(() => checkCloseArguments(1000n as unknown as number, undefined), TypeError);
    assert.equal(checkCloseArguments("3000" as unknown as number, undefined), 3000);
  });
});
