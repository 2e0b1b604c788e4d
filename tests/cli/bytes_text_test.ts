// Bytes as text for the terminal: base64 by RFC 4648's test vectors (§10), hex both ways, --show.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fromHex, showBytes, toBase64, toHex } from "../../src/cli/bytes_text.ts";
import { RttHistogram } from "../../src/cli/rtt_histogram.ts";

const ascii = (text: string) => new TextEncoder().encode(text);

describe("base64 (RFC 4648 §10 test vectors)", () => {
  const vectors: Array<[string, string]> = [
    ["", ""],
    ["f", "Zg=="],
    ["fo", "Zm8="],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg=="],
    ["fooba", "Zm9vYmE="],
    ["foobar", "Zm9vYmFy"],
  ];
  for (const [plain, encoded] of vectors) {
    it(`"${plain}" → "${encoded}"`, () => assert.equal(toBase64(ascii(plain)), encoded));
  }
  it("uses + and / for 62 and 63", () => assert.equal(toBase64(new Uint8Array([0xfb, 0xff])), "+/8="));
});

describe("hex", () => {
  it("two lower-case digits a byte, every byte value round-trips", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = toHex(all);
    assert.equal(text.slice(0, 6), "000102");
    assert.equal(text.slice(-4), "feff");
    assert.deepEqual(fromHex(text), all);
  });
  it("reads either case with spaces or colons between bytes; refuses odd lengths and other characters", () => {
    assert.deepEqual(fromHex("CA fe:01"), new Uint8Array([0xca, 0xfe, 0x01]));
    for (const bad of ["abc", "zz", "0x01", "12 3"]) assert.throws(() => fromHex(bad), SyntaxError, bad);
  });
  it("--show picks the form; text decodes UTF-8 (a bad sequence becomes U+FFFD, never an exception)", () => {
    const bytes = new Uint8Array([0x68, 0xc3, 0xa9, 0xff]);
    assert.equal(showBytes(bytes, "hex"), "68c3a9ff");
    assert.equal(showBytes(bytes, "base64"), "aMOp/w==");
    assert.equal(showBytes(bytes, "text"), "hé\ufffd");
  });
});

describe("round-trip percentiles", () => {
  it("nearest rank within 1%: 1..1000 ms gives p50 ≈ 500, p99 ≈ 990; never above the largest sample", () => {
    const rtts = new RttHistogram();
    for (let ms = 1000; ms >= 1; ms--) rtts.add(ms);
    assert.equal(rtts.count, 1000);
    for (const [q, exact] of [[0.5, 500], [0.99, 990], [1, 1000]]) {
      const value = rtts.percentile(q);
      assert.ok(value >= exact && value <= exact * 1.01, `p${q * 100} = ${value}, exact ${exact}`);
    }
    assert.ok(Number.isNaN(new RttHistogram().percentile(0.5)));
  });
  it("one sample is every percentile; sub-microsecond and minute-long times are kept", () => {
    const one = new RttHistogram();
    one.add(0.0004);
    assert.equal(one.percentile(0.5), 0.0004);
    const long = new RttHistogram();
    long.add(0.5);
    long.add(120_000);
    assert.equal(long.percentile(1), 120_000);
    assert.ok(Math.abs(long.percentile(0.5) - 0.5) <= 0.005);
  });
});
