/**
 * The header fields of a parsed head, kept as positions in the head's text.
 * A WHATWG `Headers` costs about a kilobyte per head and the handshake reads
 * a handful of fields, so the fields stay where they lie until someone asks
 * for a `Headers`; only the values read are ever cut out of the text.
 *
 * @example
 * ```ts
 * import { parseRequestHead } from "./head.ts";
 * const head = parseRequestHead(new TextEncoder().encode("GET / HTTP/1.1\r\nX-A: 1\r\nx-a: 2\r\n\r\n"));
 * head.fields.get("X-A"); // "1, 2", as Headers.get would say
 * ```
 * @module
 */

import { listIncludes } from "./tokens.ts";

/**
 * A head's fields in the order received: names as sent (tokens), values
 * without their surrounding optional whitespace.
 *
 * @example
 * ```ts
 * const text = "Host: h\r\nX: 1 \r\n";
 * const fields = new HeaderFields(text, [0, 4, 9, 10]);
 * fields.get("x"); // "1"
 * fields.toHeaders().get("host"); // "h"
 * ```
 */
export class HeaderFields {
  readonly #text: string;
  // Two positions in #text per field: where its line starts, and its colon.
  // The value is found again from the colon when read, which few are.
  readonly #spans: number[];
  #headers: Headers | undefined;

  /**
   * Fields at `spans` in `text`: two positions per field, where its line
   * starts and where its colon is; a line ends at CRLF or at the end of
   * `text`. The parser makes these; names must be tokens (so the colon ends
   * the name) and values free of CR and LF.
   *
   * @example
   * ```ts
   * new HeaderFields("A: 1", [0, 1]).value(0); // "1"
   * ```
   */
  constructor(text: string, spans: number[]) {
    this.#text = text;
    this.#spans = spans;
  }

  /**
   * How many fields there are.
   *
   * @example
   * ```ts
   * new HeaderFields("", []).length; // 0
   * ```
   */
  get length(): number {
    return this.#spans.length >> 1;
  }

  /**
   * The name of field `index` as sent.
   *
   * @example
   * ```ts
   * new HeaderFields("Host: h", [0, 4]).name(0); // "Host"
   * ```
   */
  name(index: number): string {
    return this.#text.slice(this.#spans[index * 2], this.#spans[index * 2 + 1]);
  }

  /**
   * The value of field `index`.
   *
   * @example
   * ```ts
   * new HeaderFields("Host: h", [0, 4]).value(0); // "h"
   * ```
   */
  value(index: number): string {
    return this.#valueOf(index * 2);
  }

  /**
   * The value of the fields named `name` (any case), joined with ", " when
   * repeated, or null: what `Headers.get` answers, except that a name that
   * is no token gives null instead of a `TypeError`.
   *
   * @example
   * ```ts
   * new HeaderFields("A: 1\r\na: 2", [0, 1, 6, 7]).get("A"); // "1, 2"
   * ```
   */
  get(name: string): string | null {
    let joined: string | null = null;
    for (let i = 0; i < this.#spans.length; i += 2) {
      if (!this.#named(i, name)) continue;
      const value = this.#valueOf(i);
      joined = joined === null ? value : `${joined}, ${value}`;
    }
    return joined;
  }

  /**
   * How many fields are named `name` (any case).
   *
   * @example
   * ```ts
   * new HeaderFields("Host: a\r\nhost: b", [0, 4, 9, 13]).count("host"); // 2
   * ```
   */
  count(name: string): number {
    let count = 0;
    for (let i = 0; i < this.#spans.length; i += 2) if (this.#named(i, name)) count++;
    return count;
  }

  /**
   * True when the comma-separated value of `name` lists `token` (given in
   * lower case) in any case: what
   * `(get(name) ?? "").toLowerCase().split(",").map((t) => t.trim()).includes(token)`
   * answers, without making those strings.
   *
   * @example
   * ```ts
   * new HeaderFields("Connection: keep-alive, Upgrade", [0, 10]).includes("connection", "upgrade"); // true
   * ```
   */
  includes(name: string, token: string): boolean {
    for (let i = 0; i < this.#spans.length; i += 2) {
      // Trimming the value first changes nothing: the list items are trimmed anyway.
      if (this.#named(i, name) && listIncludes(this.#text, this.#spans[i + 1] + 1, this.#lineEnd(i), token)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The fields as `[name, value]` pairs, in order (a new array each call).
   *
   * @example
   * ```ts
   * new HeaderFields("Host: h", [0, 4]).pairs(); // [["Host", "h"]]
   * ```
   */
  pairs(): [string, string][] {
    const pairs: [string, string][] = [];
    for (let i = 0; i < this.length; i++) pairs.push([this.name(i), this.value(i)]);
    return pairs;
  }

  /**
   * The fields as they were sent, one "name: value" line each, CRLF between
   * lines (optional whitespace around a value kept as sent). It is cut from
   * the head's text, so it costs no copy.
   *
   * @example
   * ```ts
   * new HeaderFields("Host: h\r\nX:1\r\n", [0, 4, 9, 10]).lines(); // "Host: h\r\nX:1"
   * ```
   */
  lines(): string {
    const spans = this.#spans;
    return spans.length === 0 ? "" : this.#text.slice(spans[0], this.#lineEnd(spans.length - 2));
  }

  /**
   * The fields as a WHATWG `Headers`, built on the first call and the same
   * object after.
   *
   * @example
   * ```ts
   * new HeaderFields("A: 1\r\na: 2", [0, 1, 6, 7]).toHeaders().get("a"); // "1, 2"
   * ```
   */
  toHeaders(): Headers {
    if (this.#headers === undefined) {
      const headers = new Headers();
      for (let i = 0; i < this.length; i++) headers.append(this.name(i), this.value(i));
      this.#headers = headers;
    }
    return this.#headers;
  }

  #lineEnd(index: number): number {
    const end = this.#text.indexOf("\r\n", this.#spans[index + 1]);
    return end < 0 ? this.#text.length : end;
  }

  // Without the optional whitespace (SP, HTAB) around it (RFC 9110 §5.5);
  // String#trim would also eat U+00A0, a valid obs-text byte.
  #valueOf(index: number): string {
    const text = this.#text;
    let start = this.#spans[index + 1] + 1;
    let end = this.#lineEnd(index);
    while (start < end && (text[start] === " " || text[start] === "\t")) start++;
    while (end > start && (text[end - 1] === " " || text[end - 1] === "\t")) end--;
    return text.slice(start, end);
  }

  // Field names are ASCII tokens, so an ASCII case fold is Headers' own.
  #named(index: number, name: string): boolean {
    const start = this.#spans[index];
    if (this.#spans[index + 1] - start !== name.length) return false;
    for (let i = 0; i < name.length; i++) {
      let a = this.#text.charCodeAt(start + i);
      let b = name.charCodeAt(i);
      if (a === b) continue;
      if (a >= 65 && a <= 90) a += 32;
      if (b >= 65 && b <= 90) b += 32;
      if (a !== b) return false;
    }
    return true;
  }
}
