// Test helper, not a test: plays one case of the Autobahn|Testsuite's kind
// (see autobahn_cases.ts) from a raw peer against our engine in one role,
// whose application echoes every message, and judges it as the suite's
// fuzzing peer does: the events it received (echoed messages, pongs) against
// the expected lists, and the close: who sent the first close frame, our
// close code, whether the closing handshake completed, and, against our
// server, that the server closed TCP without waiting for the peer.
import { type Harness, harness, type Pair, type Role } from "./engine_pair.ts";
import { frame, type FrameSpec } from "./frames.ts";
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

const KEY = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
const BARRIER = "autobahn-barrier";
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Run `cases` in `role`, a few at a time, each on its own connection; their verdicts by id. */
export async function play(role: Role, cases: AutobahnCase[], width = 8): Promise<Map<string, Verdict>> {
  const h = await harness(role, { closeTimeout: 60_000 });
  const verdicts = new Map<string, Verdict>();
  let next = 0;
  const lane = async () => {
    while (next < cases.length) {
      const c = cases[next++];
      verdicts.set(c.id, await playOne(h, c));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(width, cases.length) }, lane));
  } finally {
    await h.close();
  }
  return verdicts;
}

async function playOne(h: Harness, c: AutobahnCase): Promise<Verdict> {
  const pair = await h.open();
  pair.ws.addEventListener("message", (event) => pair.ws.send((event as MessageEvent).data as string | ArrayBuffer));
  const peer = new Peer(pair);
  for (const step of c.steps) {
    if ("wait" in step) {
      if (!(await peer.stillOpen(step.insideFrame === true))) break;
      if (step.wait !== "") peer.received.push(`timeout:${step.wait}`);
    } else if ("part" in step) {
      const bytes = peer.bytesOf(step.part);
      const head = bytes.length - (step.part.length ?? payloadOf(step.part).length);
      peer.write(
        bytes.subarray(step.from === 0 ? 0 : head + step.from, step.to === undefined ? undefined : head + step.to),
      );
    } else {
      const frames = step.frames.map((spec) => peer.bytesOf(spec));
      if (step.sync) { for (const bytes of frames) await peer.writeApart(bytes); }
      else if (step.chop !== undefined) {
        const all = concatAll(frames);
        for (let at = 0; at < all.length; at += step.chop) await peer.writeApart(all.subarray(at, at + step.chop));
      } else peer.write(concatAll(frames));
    }
  }
  if (c.close.byPeer && !peer.closeSent && !peer.ourClose) {
    // The suite closes once what it received matches (finishWhenDone), or when its case timer runs out.
    if (Object.values(c.expected).every((list) => list.length === 0)) await peer.stillOpen(false);
    await peer.until(() => matches(peer.received, c.expected) !== undefined || peer.ourClose !== undefined, 5000)
      .catch(() => {});
    if (peer.ourClose === undefined) peer.sendClose(Uint8Array.of(0x03, 0xe8));
  }
  await peer.finish();
  const matched = matches(peer.received, c.expected) ?? "FAILED";
  const behavior = c.informational ? `INFORMATIONAL (${matched})` : matched;
  return { behavior, close: peer.judgeClose(c.close), received: peer.received };
}

function matches(received: string[], expected: Record<string, string[]>): string | undefined {
  const seen = JSON.stringify(received);
  return Object.keys(expected).find((verdict) => JSON.stringify(expected[verdict]) === seen);
}

function payloadOf(spec: FrameSpec): Uint8Array {
  return typeof spec.payload === "string" ? new TextEncoder().encode(spec.payload) : spec.payload ?? new Uint8Array(0);
}

function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) out.set(part, (at += part.length) - part.length);
  return out;
}

/** The suite's side of one connection: it writes, reads everything our side sends, and keeps score. */
class Peer {
  readonly received: string[] = [];
  /** The suite sent a close frame before ours arrived (its `closedByMe`). */
  closedFirst = false;
  closeSent = false;
  /** Our close frame: its code (null for none), once it arrived. */
  ourClose: number | null | undefined;
  /** Bytes after our close frame (there must be none). */
  extra = 0;
  /** The suite had to drop TCP itself (against a server: its `droppedByMe`). */
  dropped = false;
  readonly #pair: Pair;
  readonly #reading: Promise<void>;
  #fragments: Uint8Array[] = [];
  #fragmentKind: "text" | "binary" = "text";
  #barriers = 0;
  #wake: Array<() => void> = [];

  constructor(pair: Pair) {
    this.#pair = pair;
    this.#reading = this.#read();
  }

  bytesOf(spec: FrameSpec): Uint8Array {
    // A frame with reserved bits is a broken frame, not the start of a closing handshake.
    if (spec.opcode === 8 && !spec.rsv1 && !spec.rsv2 && !spec.rsv3 && !this.closeSent) this.#markClose();
    return frame({ ...spec, mask: this.#pair.role === "server" ? KEY : undefined });
  }

  write(bytes: Uint8Array): void {
    if (!this.#pair.peer.socket.destroyed) this.#pair.peer.write(bytes);
  }

  async writeApart(bytes: Uint8Array): Promise<void> {
    this.write(bytes);
    await tick();
  }

  sendClose(payload: Uint8Array): void {
    this.write(this.bytesOf({ opcode: 8, payload }));
  }

  /** Whether our side is still open after what was sent so far (see {@link Step}). */
  async stillOpen(insideFrame: boolean): Promise<boolean> {
    if (this.ourClose !== undefined) return false;
    if (insideFrame) {
      await this.until(() => this.ourClose !== undefined, 1000).catch(() => {});
      return this.ourClose === undefined;
    }
    const tag = `${BARRIER}-${this.#barriers++}`;
    this.write(this.bytesOf({ opcode: 9, payload: tag }));
    await this.until(() => this.#barrierSeen === tag || this.ourClose !== undefined, 5000).catch(() => {});
    return this.ourClose === undefined;
  }

  #barrierSeen = "";

  /** Resolves once `ready()` holds; rejects after `timeout` ms. */
  until(ready: () => boolean, timeout: number): Promise<void> {
    const deadline = Date.now() + timeout;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (ready()) return resolve();
        if (Date.now() >= deadline) return reject(new Error("Cannot finish the case: timed out"));
        const timer = setTimeout(check, deadline - Date.now());
        this.#wake.push(() => {
          clearTimeout(timer);
          check();
        });
      };
      check();
    });
  }

  /** The suite's end of the closing handshake, then the wait for TCP to close. */
  async finish(): Promise<void> {
    await this.until(() => this.ourClose !== undefined || this.#pair.peer.ended, 5000).catch(() => {});
    if (this.ourClose !== undefined && !this.closeSent) {
      // Echo our code, as the suite does, then wait: a server must drop TCP.
      this.sendClose(
        this.ourClose === null ? new Uint8Array(0) : Uint8Array.of(this.ourClose >> 8, this.ourClose & 0xff),
      );
    }
    if (this.#pair.role === "client") this.#pair.peer.end();
    try {
      await this.#pair.peer.waitEnd(3000);
    } catch {
      this.dropped = true;
      this.#pair.peer.destroy();
    }
    await this.#reading;
    await this.#pair.closed;
  }

  judgeClose(expected: AutobahnCase["close"]): string {
    const clean = this.ourClose !== undefined && this.closeSent && !this.dropped;
    if (expected.byPeer !== this.closedFirst) return "FAILED (closed by the wrong endpoint)";
    if ((expected.requireClean ?? expected.byPeer) && !clean) return "UNCLEAN";
    if (typeof this.ourClose === "number" && !expected.codes.includes(this.ourClose)) {
      return `WRONG CODE ${this.ourClose}`;
    }
    if (this.dropped) return "FAILED BY CLIENT (the server did not close TCP)";
    if (this.extra !== 0) return `FAILED (${this.extra} bytes after our close frame)`;
    return "OK";
  }

  #markClose(): void {
    this.closeSent = true;
    if (this.ourClose === undefined) this.closedFirst = true;
  }

  async #read(): Promise<void> {
    const peer = this.#pair.peer;
    try {
      while (this.ourClose === undefined) {
        const next = await peer.readFrame(60_000);
        this.#take(next.opcode, next.fin, next.payload);
        for (const wake of this.#wake.splice(0)) wake();
      }
      await peer.waitEnd(60_000);
    } catch {
      // The connection ended: what arrived is the record.
    }
    this.extra = peer.buffered.length;
    for (const wake of this.#wake.splice(0)) wake();
  }

  #take(opcode: number, fin: boolean, payload: Uint8Array): void {
    if (opcode === 8) {
      this.ourClose = payload.length >= 2 ? (payload[0] << 8) | payload[1] : null;
    } else if (opcode === 10) {
      const text = new TextDecoder().decode(payload);
      if (text.startsWith(BARRIER)) this.#barrierSeen = text;
      else this.received.push(eventOf("pong", payload));
    } else if (opcode === 9) {
      this.received.push(eventOf("ping", payload));
    } else {
      if (opcode !== 0) this.#fragmentKind = opcode === 1 ? "text" : "binary";
      this.#fragments.push(payload);
      if (fin) {
        this.received.push(eventOf(this.#fragmentKind, concatAll(this.#fragments)));
        this.#fragments = [];
      }
    }
  }
}

/** The cases whose id starts with one of `prefixes` ("7." takes 7.1.1 but not 70.1). */
export function family(cases: AutobahnCase[], ...prefixes: string[]): AutobahnCase[] {
  return cases.filter((c) => prefixes.some((prefix) => c.id === prefix || c.id.startsWith(`${prefix}.`)));
}

/** The verdicts short of the suite's pass ("OK", or "INFORMATIONAL" where the suite leaves it open), one line each. */
export function shortfalls(verdicts: Map<string, Verdict>): string[] {
  return [...verdicts].filter(([, v]) =>
    !(v.behavior === "OK" || v.behavior.startsWith("INFORMATIONAL")) || v.close !== "OK"
  )
    .map(([id, v]) => `${id}: behaviour ${v.behavior}, close ${v.close}, received ${JSON.stringify(v.received)}`);
}
