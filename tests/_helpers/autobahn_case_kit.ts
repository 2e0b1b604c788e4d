// Test helper, not a test: the vocabulary of the Autobahn|Testsuite case
// tables (autobahn_cases.ts, autobahn_close_cases.ts, autobahn_utf8_cases.ts):
// what a case is, how the suite names what it received, and the builders the
// tables are written with. autobahn_play.ts plays and judges the cases.
import type { FrameSpec } from "./frames.ts";
import { toHex } from "./bytes.ts";

/** One thing the peer does. */
export type Step =
  /** Frames in one write, in writes of `chop` bytes, or (`sync`) a write per frame. */
  | { frames: FrameSpec[]; chop?: number; sync?: boolean }
  /** The bytes of one frame from payload offset `from` to `to` (its head too when `from` is 0). */
  | { part: FrameSpec; from: number; to?: number }
  /**
   * The suite's "wait 1 s, then go on if still open": recorded as `timeout:<label>`
   * (unless the label is empty) when our close has not come. Between frames a ping (whose pong is not
   * recorded) tells that our side read everything before it; inside a frame,
   * only waiting can.
   */
  | { wait: string; insideFrame?: boolean };

/** One case: what the peer does, and what the suite expects. */
export interface AutobahnCase {
  id: string;
  steps: Step[];
  /** The acceptable received lists by verdict, the strictest ("OK") first. */
  expected: Record<string, string[]>;
  /** `byPeer`: the suite sends the first close frame; `codes`: our close code must be one of them (or none). */
  close: { byPeer: boolean; codes: number[]; requireClean?: boolean };
  /** The suite only reports what happened (its verdict is INFORMATIONAL whatever the events). */
  informational?: true;
}

/** The verdict of one case: the behaviour, and the close behaviour, with what was seen. */
export interface Verdict {
  behavior: string;
  close: string;
  received: string[];
}

/** How the suite's report names a message or a control frame received: short payloads whole, long ones by length and hash. */
export function eventOf(kind: "text" | "binary" | "pong" | "ping", payload: Uint8Array): string {
  if (kind === "text" && payload.length <= 64) return `text:${new TextDecoder().decode(payload)}`;
  if (payload.length <= 32) return `${kind}:${toHex(payload)}`;
  let hash = 0x811c9dc5;
  for (const byte of payload) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return `${kind}:${payload.length}/${hash.toString(16)}`;
}

export const utf8 = (text: string) => new TextEncoder().encode(text);
export const filled = (length: number, byte: number) => new Uint8Array(length).fill(byte);

/** The event the suite records for a message or pong with this payload. */
export const text = (payload: string | Uint8Array): string =>
  eventOf("text", typeof payload === "string" ? utf8(payload) : payload);
export const binary = (payload: Uint8Array): string => eventOf("binary", payload);
export const pong = (payload: string | Uint8Array): string =>
  eventOf("pong", typeof payload === "string" ? utf8(payload) : payload);

/** Closed by the suite once it saw what it expects; our close echoes `codes`. */
export const PEER_CLOSES = { byPeer: true, codes: [1000] };
/** We must fail the connection with `code`. */
export const weFail = (code: number) => ({ byPeer: false, codes: [code], requireClean: false });

export const ok = (steps: Step[], expected: string[]) => ({ steps, expected: { OK: expected }, close: PEER_CLOSES });
export const fails = (steps: Step[], code = 1002, before: string[] = []) => ({
  steps,
  expected: { OK: before },
  close: weFail(code),
});
/** A valid message, then something broken: strict peers echo the message first. */
export const failsAfter = (steps: Step[], echo: string) => ({
  steps,
  expected: { OK: [echo], "NON-STRICT": [] },
  close: weFail(1002),
});
export const send = (...frames: FrameSpec[]): Step[] => [{ frames }];
export const sync = (...frames: FrameSpec[]): Step[] => [{ frames, sync: true }];

export const closePayload = (code: number, reason: Uint8Array | string = "") => {
  const bytes = typeof reason === "string" ? utf8(reason) : reason;
  const out = new Uint8Array(2 + bytes.length);
  out.set([code >> 8, code & 0xff]);
  out.set(bytes, 2);
  return out;
};

export const HELLO: FrameSpec = { opcode: 1, payload: "Hello, world!" };
export const PING: FrameSpec = { opcode: 9, payload: "Hello, world!" };
