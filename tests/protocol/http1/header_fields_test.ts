import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HeaderFields } from "../../../src/protocol/http1/header_fields.ts";
import { parseRequestHead } from "../../../src/protocol/http1/head.ts";
import { encodeLatin1 } from "../../../src/protocol/http1/write.ts";

const head = (...lines: string[]) =>
  parseRequestHead(encodeLatin1(["GET / HTTP/1.1", ...lines].map((line) => line + "\r\n").join("") + "\r\n"));

// What the handshake used to compute for a token list, kept as the reference.
const listed = (value: string | null, token: string) =>
  (value ?? "").toLowerCase().split(",").map((item) => item.trim()).includes(token);

describe("HeaderFields, a head's fields where they lie", () => {
  it('get answers what Headers.get answers: any case, repeats joined with ", " in order, null when absent', () => {
    const { fields } = head(
      "Host: h",
      "X-Multi: a",
      "x-multi: b",
      "X-MULTI:c",
      "Empty:",
      "Spaced: \t v  w \t",
      "Set-Cookie: s=1",
      "set-cookie: t=2",
      "X-Latin: caf\xe9\xa0\x80\x9f\xff",
    );
    const headers = new Headers(fields.pairs());
    for (
      const name of ["host", "HOST", "x-multi", "X-Multi", "empty", "spaced", "set-cookie", "x-latin", "absent", "x"]
    ) {
      assert.equal(fields.get(name), headers.get(name), name);
    }
    assert.equal(fields.get("x-multi"), "a, b, c");
    assert.equal(fields.get("spaced"), "v  w");
    assert.equal(fields.get("absent"), null);
  });

  it("keeps names as sent and values without optional whitespace (SP, HTAB only; U+00A0 stays)", () => {
    const { fields } = head("Host: h", "x-Odd:\t \xa0v\xa0 \t", "Empty:  ");
    assert.equal(fields.length, 3);
    assert.deepEqual(fields.pairs(), [["Host", "h"], ["x-Odd", "\xa0v\xa0"], ["Empty", ""]]);
    assert.equal(fields.name(1), "x-Odd");
    assert.equal(fields.value(1), "\xa0v\xa0");
  });

  it("matches Headers.get on random repeated, mixed-case fields", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const names = ["A", "a", "B-c", "b-C", "x"];
    for (let round = 0; round < 300; round++) {
      const lines = Array.from(
        { length: Math.floor(random() * 8) },
        () =>
          `${names[Math.floor(random() * names.length)]}:${" ".repeat(Math.floor(random() * 3))}` +
          String.fromCharCode(...Array.from({ length: Math.floor(random() * 5) }, () => {
            const c = 0x20 + Math.floor(random() * 0xe0);
            return c === 0x7f ? 0x41 : c;
          })) +
          "\t".repeat(Math.floor(random() * 2)),
      );
      const { fields } = head(...lines);
      const headers = new Headers(fields.pairs());
      for (const name of ["a", "A", "b-c", "B-C", "x", "y"]) {
        assert.equal(fields.get(name), headers.get(name), JSON.stringify([lines, name]));
      }
    }
  });

  it("count counts the fields of a name in any case", () => {
    const { fields } = head("Host: a", "HOST: b", "X: 1");
    assert.equal(fields.count("host"), 2);
    assert.equal(fields.count("x"), 1);
    assert.equal(fields.count("y"), 0);
  });

  it("includes answers like lower-casing, splitting on commas and trimming the joined value", () => {
    const values = [
      "Upgrade",
      "keep-alive, Upgrade",
      "keep-alive,upgrade\t",
      "UPGRADE,,",
      "\xa0upgrade\xa0",
      "up grade",
      "upgrades",
      ",",
      "",
      "close",
    ];
    for (const first of values) {
      for (const second of [undefined, ...values]) {
        const lines = second === undefined
          ? [`Connection: ${first}`]
          : [`Connection: ${first}`, `connection:${second}`];
        const { fields } = head(...lines);
        assert.equal(
          fields.includes("connection", "upgrade"),
          listed(fields.get("connection"), "upgrade"),
          lines.join(),
        );
      }
    }
    assert.equal(head("Host: h").fields.includes("connection", "upgrade"), false);
  });

  it("lines gives the fields as sent, one per line, cut from the head", () => {
    const { fields } = head("Host: h", "X:1 ", "Y:\t2");
    assert.equal(fields.lines(), "Host: h\r\nX:1 \r\nY:\t2");
    assert.equal(head().fields.lines(), "");
  });

  it("toHeaders builds a Headers once and gives the same object after", () => {
    const { fields } = head("Host: h", "A: 1", "a: 2");
    const headers = fields.toHeaders();
    assert.ok(headers instanceof Headers);
    assert.deepEqual([...headers], [["a", "1, 2"], ["host", "h"]]);
    assert.equal(fields.toHeaders(), headers);
  });

  it("works on text it did not parse, a line ending at the end of the text", () => {
    const fields = new HeaderFields("A: 1\r\na: 2", [0, 1, 6, 7]);
    assert.equal(fields.get("a"), "1, 2");
    assert.equal(fields.lines(), "A: 1\r\na: 2");
  });
});

describe("parsed heads build their Headers only when asked", () => {
  it("head.headers is the fields' one Headers; rawHeaders their pairs", () => {
    const parsed = head("Host: h", "X: caf\xe9");
    assert.equal(parsed.headers, parsed.fields.toHeaders());
    assert.equal(parsed.headers.get("x"), "caf\xe9");
    assert.deepEqual(parsed.rawHeaders, [["Host", "h"], ["X", "caf\xe9"]]);
  });
});
