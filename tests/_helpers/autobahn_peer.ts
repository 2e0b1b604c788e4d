// Test helper, not a test: the Autobahn|Testsuite's fuzzing peer on one
// connection (autobahn_play.ts drives it): it writes the case's frames, reads
// everything our side sends, records it as the suite does, and judges the
// close as the suite does.
import type { Pair } from "./engine_pair.ts";
import { frame, type FrameSpec } from "./frames.ts";
import { concat } from "./bytes.ts";
import { type AutobahnCase, eventOf } from "./autobahn_case_kit.ts";

const KEY = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
const BARRIER = "autobahn-barrier";
// The suite waits 1 s; longer here, so that a loaded machine is not taken for a lenient one.
const INSIDE_FRAME_WAIT = 2000;
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The suite's side of one connection: it writes, reads everything our side sends, and keeps score. */
export class Peer {
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
      await this.until(() => this.ourClose !== undefined, INSIDE_FRAME_WAIT).catch(() => {});
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
        this.received.push(eventOf(this.#fragmentKind, concat(...this.#fragments)));
        this.#fragments = [];
      }
    }
  }
}
