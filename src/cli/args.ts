/**
 * Argument rules shared by the commands: one error type for a bad argument
 * (exit status 2, with the usage), and the parsers for numbers, headers and
 * close codes. Parsing itself is `node:util`'s `parseArgs`, present on Deno,
 * Bun and Node.
 *
 * @example
 * ```ts
 * import { parseCloseSpec, parseHeader, parseSeconds, UsageError } from "./args.ts";
 * parseHeader("Authorization: Bearer x"); // ["Authorization", "Bearer x"]
 * parseCloseSpec("4000:bye"); // { code: 4000, reason: "bye" }
 * parseSeconds("--wait", "1.5"); // 1.5
 * try {
 *   parseSeconds("--wait", "soon");
 * } catch (error) {
 *   console.log(error instanceof UsageError); // true
 * }
 * ```
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import type { ShowMode } from "./bytes_text.ts";

/**
 * A bad command line: the command prints the message and its usage, and exits with 2.
 *
 * @example
 * ```ts
 * throw new UsageError("Cannot connect: a URL is required");
 * ```
 */
export class UsageError extends Error {
  /** A bad argument, explained in `message`. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The options `parseArgs` takes. */
export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/**
 * `parseArgs` in strict mode, its errors turned into {@link UsageError}s.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseCommand(["x", "--json"], { json: { type: "boolean" } });
 * console.log(values.json, positionals); // true ["x"]
 * ```
 */
export function parseCommand(
  args: string[],
  options: OptionsConfig,
): { values: Record<string, string | boolean | Array<string | boolean> | undefined>; positionals: string[] } {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * A number of seconds (`>= 0`, fractions allowed).
 *
 * @example
 * ```ts
 * parseSeconds("--ping", "0.5"); // 0.5
 * ```
 */
export function parseSeconds(option: string, value: string): number {
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds < 0) {
    throw new UsageError(`Cannot read ${option}: "${value}" is not a number of seconds`);
  }
  return seconds;
}

/**
 * A whole number in `[min, max]`.
 *
 * @example
 * ```ts
 * parseInteger("--max-messages", "3", 1); // 3
 * ```
 */
export function parseInteger(option: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new UsageError(`Cannot read ${option}: "${value}" is not a whole number from ${min} to ${max}`);
  }
  return n;
}

/**
 * `"Name: value"` as a header pair (as curl and wscat take it).
 *
 * @example
 * ```ts
 * parseHeader("Cookie: a=1; b=2"); // ["Cookie", "a=1; b=2"]
 * ```
 */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(":");
  const name = text.slice(0, colon).trim();
  if (colon <= 0 || name === "") throw new UsageError(`Cannot read -H: "${text}" is not "Name: value"`);
  return [name, text.slice(colon + 1).trim()];
}

/**
 * `CODE[:REASON]` for a close: 1000 or 3000–4999 (the codes an application
 * may send), a reason of at most 123 UTF-8 bytes.
 *
 * @example
 * ```ts
 * parseCloseSpec("1000"); // { code: 1000, reason: "" }
 * ```
 */
export function parseCloseSpec(text: string, option = "--close"): { code: number; reason: string } {
  const colon = text.indexOf(":");
  const codeText = colon < 0 ? text : text.slice(0, colon);
  const reason = colon < 0 ? "" : text.slice(colon + 1);
  const code = Number(codeText);
  if (!/^\d+$/.test(codeText) || !(code === 1000 || (code >= 3000 && code <= 4999))) {
    throw new UsageError(`Cannot read ${option}: the code must be 1000 or 3000-4999, not "${codeText}"`);
  }
  if (new TextEncoder().encode(reason).length > 123) {
    throw new UsageError(`Cannot read ${option}: the reason is longer than 123 bytes`);
  }
  return { code, reason };
}

/**
 * The `--show` mode.
 *
 * @example
 * ```ts
 * parseShow("base64"); // "base64"
 * ```
 */
export function parseShow(value: string | undefined): ShowMode {
  if (value === undefined) return "hex";
  if (value === "hex" || value === "base64" || value === "text") return value;
  throw new UsageError(`Cannot read --show: "${value}" is not hex, base64 or text`);
}

/**
 * A string option's value (or undefined).
 *
 * @example
 * ```ts
 * stringOf({ host: "::1" }, "host"); // "::1"
 * ```
 */
export function stringOf(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * A repeatable string option's values.
 *
 * @example
 * ```ts
 * listOf({ header: ["A: 1", "B: 2"] }, "header"); // ["A: 1", "B: 2"]
 * ```
 */
export function listOf(values: Record<string, unknown>, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/**
 * A URL as typed: without a scheme (wscat users type `host:port`, which the
 * URL parser reads as a scheme named after the host), it is `ws://`.
 *
 * @example
 * ```ts
 * withWsScheme("localhost:8080/chat"); // "ws://localhost:8080/chat"
 * withWsScheme("wss://example.com"); // unchanged
 * ```
 */
export function withWsScheme(url: string): string {
  return url === "" || /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `ws://${url}`;
}
