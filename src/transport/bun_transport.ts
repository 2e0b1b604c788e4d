/**
 * One Bun socket as a {@link Transport}. Bun hands over each read in a
 * fresh buffer it keeps no reference to, so the session may keep it (a large
 * message is kept where it was read); parsing copies it into codec memory. Frames
 * written in one turn of the event loop leave in one `write` (one syscall):
 * Bun corks only inside its own callbacks, and message events run after
 * them. Its `write` may take only part of a buffer, so the rest is queued
 * and flushed on `drain`.
 *
 * @example
 * ```ts
 * import { BunTransport } from "./bun_transport.ts";
 * import type { BunSocket } from "./bun_api.ts";
 * declare const socket: BunSocket; // from Bun.connect or Bun.listen
 * new BunTransport(socket).write(new TextEncoder().encode("hello"));
 * ```
 * @module
 */

import type { Transport, TransportCapabilities, TransportSink } from "./types.ts";

import { ByteQueue } from "../bytes/byte_queue.ts";
import { framePool, MIN_POOLED } from "../bytes/frame_pool.ts";
import type { BunSocket, BunSocketOwner } from "./bun_api.ts";

// A turn's frames are joined into writes of at most this size; a larger frame goes out as it is.
const JOIN_LIMIT = 64 * 1024;
// Where a turn's frames are joined for their write, made on first use. Bun copies what it
// takes, so one buffer serves every transport: no fresh 64 KiB to fault in and zero per write.
let joinBuffer: Uint8Array | undefined;
const CAPABILITIES: TransportCapabilities = { lentBuffer: false };
const setImmediate =
  (globalThis as unknown as { setImmediate(run: (arg: BunTransport) => void, arg: BunTransport): void })
    .setImmediate;

// The state bits of a transport, in one slot.
const FLUSH_SCHEDULED = 1;
const ENDING = 2;
const ENDED = 4;
const CLOSED = 8;

/**
 * The transport of one Bun socket. What it holds is made on first use, and
 * it keeps eight slots at most (an 80-byte object on JavaScriptCore): a
 * server holds many idle ones.
 *
 * @example
 * ```ts
 * import type { BunSocket } from "./bun_api.ts";
 * declare const socket: BunSocket;
 * const transport = new BunTransport(socket); // socket.data now points at it
 * ```
 */
export class BunTransport implements Transport, BunSocketOwner {
  readonly #socket: BunSocket;
  #sink: TransportSink | undefined;
  // Written this turn, not yet handed to Bun (made on first write).
  #batch: ByteQueue | undefined;
  // Frames in the batch lent by the frame pool.
  #batchLent: Uint8Array[] | undefined;
  // Bun could not take these yet: waiting for `drain`.
  #queue: Uint8Array[] | undefined;
  #queued = 0;
  #flags = 0;
  // What happened before `start` (replayed to the sink then), and a TLS
  // failure to report at close: client sockets only, made when needed.
  #rare: { early?: Array<(sink: TransportSink) => void>; tlsError?: Error } | undefined;

  constructor(socket: BunSocket) {
    this.#socket = socket;
    socket.data = this;
    socket.setNoDelay?.(true);
  }

  get capabilities(): TransportCapabilities {
    return CAPABILITIES;
  }

  get remoteAddress() {
    return { hostname: this.#socket.remoteAddress, port: this.#socket.remotePort ?? 0 };
  }

  get writableLength(): number {
    return this.#queued + (this.#batch?.length ?? 0);
  }

  start(sink: TransportSink): void {
    this.#sink = sink;
    const rare = this.#rare;
    const early = rare?.early;
    if (rare !== undefined) rare.early = undefined;
    for (const replay of early ?? []) replay(sink);
  }

  write(bytes: Uint8Array): boolean {
    if ((this.#flags & (CLOSED | ENDING)) !== 0) return false;
    if (this.#queued > 0) {
      // What this turn batched was written before: it goes ahead of these bytes.
      if (this.#batch !== undefined && this.#batch.length > 0) this.#flush(false);
      this.#enqueue(bytes);
      return false;
    }
    if (bytes.length > JOIN_LIMIT) {
      // Large frames gain nothing from waiting: out now, behind what this turn wrote before.
      this.#flush(false);
      this.#send(bytes);
      return this.#queued === 0;
    }
    const batch = this.#batch ??= new ByteQueue();
    // A batch stays small enough to join in one copy.
    if (batch.length + bytes.length > JOIN_LIMIT) this.#flush(false);
    // The caller handed the buffer over (see Transport.write): kept without a copy.
    batch.push(bytes);
    if (framePool.lent(bytes)) (this.#batchLent ??= []).push(bytes);
    if ((this.#flags & FLUSH_SCHEDULED) === 0) {
      this.#flags |= FLUSH_SCHEDULED;
      setImmediate(BunTransport.#flushBatch, this);
    }
    return true;
  }

  static #flushBatch(transport: BunTransport): void {
    transport.#flags &= ~FLUSH_SCHEDULED;
    transport.#flush(true);
    // Made again by the next turn that writes: an idle connection keeps none
    // (unless the drain just told wrote again, into this batch).
    if (transport.#batch?.length === 0) transport.#batch = undefined;
  }

  #flush(notify: boolean): void {
    const batch = this.#batch;
    if (batch !== undefined && batch.length > 0) {
      // Joined in the one buffer every transport shares: `#send` writes it before anything else can.
      const shared = batch.chunks > 1 && batch.length <= JOIN_LIMIT;
      const joined = shared ? batch.take(joinBuffer ??= new Uint8Array(JOIN_LIMIT)) : batch.take();
      // Lent frames joined into a copy go back now; one sent as it is, once written.
      for (const frame of this.#batchLent ?? []) if (frame !== joined) framePool.give(frame);
      this.#batchLent = undefined;
      if ((this.#flags & CLOSED) === 0) this.#send(joined, shared);
    }
    if ((this.#flags & CLOSED) !== 0 || this.#queued > 0 || !notify) return;
    // Settled even when ending: what was just written is no longer buffered.
    this.#sink?.onDrain();
    if ((this.#flags & ENDING) !== 0) this.#shutdown();
  }

  #send(bytes: Uint8Array, shared = false): void {
    if (this.#queued === 0) {
      const n = this.#socket.write(bytes);
      if (n >= bytes.length) {
        // Only a whole frame of MIN_POOLED bytes or more can be a lent one.
        if (!shared && bytes.length >= MIN_POOLED) framePool.give(bytes);
        return;
      }
      // What waits for `drain` must not be the shared buffer, which the next flush overwrites.
      bytes = shared ? bytes.slice(Math.max(n, 0)) : bytes.subarray(Math.max(n, 0));
    } else if (shared) {
      bytes = bytes.slice();
    }
    this.#enqueue(bytes);
  }

  // Bun keeps nothing it could not write.
  #enqueue(bytes: Uint8Array): void {
    (this.#queue ??= []).push(bytes);
    this.#queued += bytes.length;
  }

  pause(): void {
    this.#socket.pause?.();
  }

  resume(): void {
    this.#socket.resume?.();
  }

  end(): void {
    if ((this.#flags & (ENDING | CLOSED)) !== 0) return;
    this.#flags |= ENDING;
    if (this.#queued === 0 && (this.#flags & FLUSH_SCHEDULED) === 0) this.#shutdown();
  }

  destroy(): void {
    if ((this.#flags & CLOSED) !== 0) return;
    this.#socket.terminate();
  }

  // Called by the handlers below.

  // Bun makes a fresh buffer for every read and keeps no reference to it: the sink may keep it.
  onData(data: Uint8Array): void {
    if (this.#sink) this.#sink.onData(data, true);
    else this.#replayLater((sink) => sink.onData(data, true));
  }

  onDrain(): void {
    const queue = this.#queue;
    while (queue !== undefined && queue.length > 0) {
      const chunk = queue[0];
      const n = this.#socket.write(chunk);
      if (n <= 0) return;
      this.#queued -= n;
      if (n < chunk.length) {
        queue[0] = chunk.subarray(n);
        return;
      }
      queue.shift();
      framePool.give(chunk);
    }
    // Dropped once empty: an idle connection keeps no array.
    this.#queue = undefined;
    // Settled even when ending: what was just written is no longer buffered.
    this.#sink?.onDrain();
    if ((this.#flags & ENDING) !== 0) this.#shutdown();
  }

  onEnd(): void {
    if (this.#sink) this.#sink.onPeerEnd();
    else this.#replayLater((sink) => sink.onPeerEnd());
  }

  /** Bun reports certificate problems here, not in `close`. */
  onHandshake(success: boolean, authorizationError: Error | null): void {
    if (success && authorizationError === null) return;
    (this.#rare ??= {}).tlsError = authorizationError ?? new Error("TLS handshake failed");
    this.#socket.terminate();
  }

  onClose(error?: Error): void {
    if ((this.#flags & CLOSED) !== 0) return;
    this.#flags |= CLOSED;
    error ??= this.#rare?.tlsError;
    this.#queue = undefined;
    this.#queued = 0;
    this.#batch = undefined;
    this.#batchLent = undefined;
    if (this.#sink) this.#sink.onClosed(error);
    else this.#replayLater((sink) => sink.onClosed(error));
  }

  #replayLater(replay: (sink: TransportSink) => void): void {
    ((this.#rare ??= {}).early ??= []).push(replay);
  }

  #shutdown(): void {
    if ((this.#flags & ENDED) !== 0) return;
    this.#flags |= ENDED;
    this.#socket.shutdown();
  }
}
