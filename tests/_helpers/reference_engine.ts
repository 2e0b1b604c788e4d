// Test helper, not a test: an independent, deliberately plain model of what
// the sans-I/O engine (src/protocol/connection.ts over its codec) must do
// with a whole input, the oracle tests/fuzz/ runs the real engine against. It
// shares no code with src/protocol/connection.ts, assembler.ts or the codecs:
// it walks the whole input at once, frame by frame, and lists in order what
// the application and the peer see. From RFC 6455 and the engine's contract:
// a header byte that is wrong fails as soon as it arrives, lengths and limits
// once the whole header with its key is in; text fails on the first byte that
// cannot be UTF-8; nothing happens after a failure, and after the peer's
// close frame further input is discarded (§1.4).
import type { Role } from "../../src/codec/mod.ts";
import { type ErrorCode, ERRORS } from "../../src/protocol/errors.ts";
import { closePayload, concat } from "./frames.ts";

export interface Limits {
  maxPayload: number;
  maxFragments: number;
}

/** One run: the engine in `role`, then `input` arrives (in any chunking). */
export interface Scenario {
  role: Role;
  limits: Limits;
  /** The application called `close(code, reason)` before any input (1005: no status). */
  closeFirst?: { code: number; reason: string };
  input: Uint8Array;
}

const LONG = 96;

export const hexOf = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

// Long payloads print as length, hash and head: traces stay short to compare
// and to read, and the hash still catches any differing byte.
function fnv(values: ArrayLike<number>): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < values.length; i++) h = Math.imul(h ^ values[i], 0x01000193);
  return (h >>> 0).toString(16);
}

function bytesText(bytes: Uint8Array): string {
  if (bytes.length <= LONG) return hexOf(bytes);
  return `len=${bytes.length} fnv=${fnv(bytes)} ${hexOf(bytes.subarray(0, 16))}…`;
}

function stringText(text: string): string {
  if (text.length <= LONG) return JSON.stringify(text);
  const units = Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));
  return `len=${text.length} fnv=${fnv(units)} ${JSON.stringify(text.slice(0, 16))}…`;
}

/** Trace lines: the runner describes the real engine with these too, so both sides print alike. */
export const line = {
  message: (data: string | Uint8Array): string =>
    typeof data === "string" ? `message text ${stringText(data)}` : `message binary ${bytesText(data)}`,
  ping: (payload: Uint8Array): string => `ping ${hexOf(payload)}`,
  pong: (payload: Uint8Array): string => `pong ${hexOf(payload)}`,
  closeFrame: (code: number, reason: string): string => `closeFrame ${code} ${JSON.stringify(reason)}`,
  fail: (code: string, closeCode: number): string => `fail ${code} ${closeCode}`,
  write: (b0: number, masked: number, payload: Uint8Array, payloadBytes: number): string =>
    `write b0=${b0.toString(16)} masked=${masked} payloadBytes=${payloadBytes} ${bytesText(payload)}`,
  end: "endTransport",
};

export function unmask(bytes: Uint8Array, key: Uint8Array | undefined): Uint8Array {
  const out = bytes.slice();
  if (key !== undefined) { for (let i = 0; i < out.length; i++) out[i] ^= key[i & 3]; }
  return out;
}

/** Incremental UTF-8 check (RFC 3629 Table 3): continuation bytes still needed, and the range the next may take. */
class Utf8 {
  need = 0;
  lower = 0x80;
  upper = 0xbf;

  /** False on the first byte that cannot continue valid UTF-8. */
  add(byte: number): boolean {
    if (this.need === 0) {
      if (byte <= 0x7f) return true;
      if (byte >= 0xc2 && byte <= 0xdf) this.need = 1;
      else if (byte >= 0xe0 && byte <= 0xef) {
        this.need = 2;
        if (byte === 0xe0) this.lower = 0xa0; // overlong
        if (byte === 0xed) this.upper = 0x9f; // surrogates
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        this.need = 3;
        if (byte === 0xf0) this.lower = 0x90; // overlong
        if (byte === 0xf4) this.upper = 0x8f; // beyond U+10FFFF
      } else return false;
      return true;
    }
    if (byte < this.lower || byte > this.upper) return false;
    this.lower = 0x80;
    this.upper = 0xbf;
    this.need--;
    return true;
  }
}

/** RFC 6455 §7.4.1 and the IANA registry: what a peer may send. */
function validCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

type Event =
  | { kind: "message"; text: boolean; bytes: Uint8Array }
  | { kind: "control"; opcode: number; payload: Uint8Array }
  | { kind: "error"; code: ErrorCode };

function firstByteError(b0: number, open: number): ErrorCode | undefined {
  const opcode = b0 & 0x0f;
  if ((b0 & 0x70) !== 0) return "WS_ERR_UNEXPECTED_RSV"; // no extension is negotiated
  if (![0, 1, 2, 8, 9, 10].includes(opcode)) return "WS_ERR_INVALID_OPCODE";
  if (opcode >= 8 && (b0 & 0x80) === 0) return "WS_ERR_EXPECTED_FIN";
  if (opcode === 0 && open === 0) return "WS_ERR_INVALID_CONTINUATION";
  if (opcode !== 0 && opcode < 8 && open !== 0) return "WS_ERR_EXPECTED_CONTINUATION";
  return undefined;
}

/** The frames of `input` as messages, control frames and at most one error, in wire order. */
function* events(input: Uint8Array, role: Role, limits: Limits): Generator<Event> {
  let p = 0;
  let open = 0; // opcode of the fragmented message in progress
  let size = 0;
  let fragments = 0;
  let utf8 = new Utf8();
  let parts: Uint8Array[] = [];
  while (p < input.length) {
    const b0 = input[p];
    const opcode = b0 & 0x0f;
    const control = opcode >= 8;
    const early = firstByteError(b0, open);
    if (early !== undefined) return yield { kind: "error", code: early };
    if (p + 1 >= input.length) return;
    const b1 = input[p + 1];
    const masked = (b1 & 0x80) !== 0;
    const len7 = b1 & 0x7f;
    if (role === "server" && !masked) return yield { kind: "error", code: "WS_ERR_EXPECTED_MASK" };
    if (role === "client" && masked) return yield { kind: "error", code: "WS_ERR_UNEXPECTED_MASK" };
    if (control && len7 > 125) return yield { kind: "error", code: "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH" };
    const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    const start = p + 2 + extended + (masked ? 4 : 0);
    if (start > input.length) return;
    let length = len7;
    if (extended > 0) {
      let big = 0n;
      for (let i = 0; i < extended; i++) big = (big << 8n) | BigInt(input[p + 2 + i]);
      // §5.2: the minimal number of bytes must be used, and the 64-bit form has its top bit clear.
      const minimal = extended === 2 ? big >= 126n : big > 0xffffn && big >> 63n === 0n;
      if (!minimal) return yield { kind: "error", code: "WS_ERR_INVALID_PAYLOAD_LENGTH" };
      length = Number(big);
    }
    if (!control) {
      const total = (opcode === 0 ? size : 0) + length;
      const count = (opcode === 0 ? fragments : 0) + 1;
      if (total > limits.maxPayload) return yield { kind: "error", code: "WS_ERR_MESSAGE_TOO_BIG" };
      if (count > limits.maxFragments) return yield { kind: "error", code: "WS_ERR_TOO_MANY_FRAGMENTS" };
      if (opcode !== 0) {
        open = opcode;
        utf8 = new Utf8();
        parts = [];
      }
      size = total;
      fragments = count;
    }
    const key = masked ? input.subarray(start - 4, start) : undefined;
    const complete = start + length <= input.length;
    const payload = unmask(input.subarray(start, complete ? start + length : input.length), key);
    p = start + length;
    if (control) {
      if (!complete) return;
      if (opcode === 8 && payload.length > 0) {
        if (payload.length === 1) return yield { kind: "error", code: "WS_ERR_INVALID_CLOSE_PAYLOAD" };
        const code = (payload[0] << 8) | payload[1];
        if (!validCloseCode(code)) return yield { kind: "error", code: "WS_ERR_INVALID_CLOSE_CODE" };
        const reason = new Utf8();
        if (!payload.subarray(2).every((byte) => reason.add(byte)) || reason.need !== 0) {
          return yield { kind: "error", code: "WS_ERR_INVALID_UTF8" };
        }
      }
      yield { kind: "control", opcode, payload };
      continue;
    }
    const fin = (b0 & 0x80) !== 0;
    if (open === 1 && !payload.every((byte) => utf8.add(byte))) {
      return yield { kind: "error", code: "WS_ERR_INVALID_UTF8" };
    }
    if (!complete) return;
    if (open === 1 && fin && utf8.need !== 0) return yield { kind: "error", code: "WS_ERR_INVALID_UTF8" };
    parts.push(payload);
    if (fin) {
      yield { kind: "message", text: open === 1, bytes: concat(parts) };
      open = 0;
      size = 0;
      fragments = 0;
    }
  }
}

/** §7.4.1: 1007 for text that is not UTF-8, 1009 for a message too big to process, else 1002. */
function closeCodeFor(code: ErrorCode): number {
  if (code === "WS_ERR_INVALID_UTF8") return 1007;
  if (code === "WS_ERR_MESSAGE_TOO_BIG" || code === "WS_ERR_TOO_MANY_FRAGMENTS") return 1009;
  return 1002;
}

const keepBom = new TextDecoder("utf-8", { ignoreBOM: true });

/** What the engine should report for `scenario`, as {@link line}s in order. */
export function referenceTrace(scenario: Scenario): string[] {
  const { role } = scenario;
  const out: string[] = [];
  let closeSent = false;
  const write = (opcode: number, payload: Uint8Array) =>
    out.push(line.write(0x80 | opcode, role === "client" ? 1 : 0, payload, 0));
  const sendClose = (payload: Uint8Array) => {
    closeSent = true;
    write(8, payload);
  };
  const { closeFirst } = scenario;
  // close(1005) sends a close frame without a status code.
  if (closeFirst !== undefined) {
    sendClose(closeFirst.code === 1005 ? new Uint8Array(0) : closePayload(closeFirst.code, closeFirst.reason));
  }
  for (const event of events(scenario.input, role, scenario.limits)) {
    if (event.kind === "error") {
      const closeCode = closeCodeFor(event.code);
      if (!closeSent) sendClose(closePayload(closeCode, ERRORS[event.code].reason));
      out.push(line.fail(event.code, closeCode), line.end);
      return out;
    }
    if (event.kind === "message") {
      // WHATWG "UTF-8 decode" drops a leading BOM from text messages.
      const text = event.text ? keepBom.decode(event.bytes).replace(/^\uFEFF/, "") : event.bytes;
      out.push(line.message(text));
      continue;
    }
    const { opcode, payload } = event;
    if (opcode === 9) {
      // §5.5.2: a pong MUST answer unless the peer's close frame came first, even after
      // our own close frame (§5.5.1 forbids only data frames then).
      write(10, payload);
      out.push(line.ping(payload));
    } else if (opcode === 10) {
      out.push(line.pong(payload));
    } else {
      // The reason keeps a leading BOM: WHATWG "UTF-8 decode without BOM".
      const code = payload.length === 0 ? 1005 : (payload[0] << 8) | payload[1];
      out.push(line.closeFrame(code, keepBom.decode(payload.subarray(2))));
      // §5.5.1: answer with a close frame echoing the code (and, as ws does, the reason).
      if (!closeSent) sendClose(payload);
      // §7.1.1: the server closes TCP first once both close frames are exchanged.
      if (role === "server") out.push(line.end);
      return out;
    }
  }
  return out;
}
