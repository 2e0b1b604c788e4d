/**
 * The runtime's `node:zlib`, loaded on first need, driven synchronously.
 *
 * Messages must come out in order and at once, so the asynchronous zlib
 * API (a thread pool, as ws uses) is out. The one-shot `inflateRawSync` /
 * `deflateRawSync` cannot keep a window between messages (context takeover),
 * and `_processChunk` without a callback closes its stream after one call
 * (Node 20–24, Bun and Deno alike). What every one of them does keep is the
 * call those sync paths are built on: the stream's handle, `writeSync(flush,
 * in, inOff, inLen, out, outOff, outLen)`, reporting what is left in
 * `_writeState` and errors through `handle.onerror`. A runtime whose
 * `node:zlib` lacks it (or lacks `node:zlib`) gets no deflate: `loadZlib()`
 * resolves to undefined and nothing is offered or accepted.
 *
 * @example
 * ```ts
 * import { loadZlib, ZlibStream } from "./zlib_stream.ts";
 * const zlib = await loadZlib();
 * if (zlib !== undefined) {
 *   const deflater = new ZlibStream(zlib, "deflate", { windowBits: 15 });
 *   const compressed = deflater.write(new TextEncoder().encode("hello"), false).slice();
 *   console.log(compressed.length);
 * }
 * ```
 * @module
 */

/** The part of `node:zlib` used here. */
export interface ZlibModule {
  /** A raw inflate stream. */
  createInflateRaw(options?: Record<string, number>): unknown;
  /** A raw deflate stream. */
  createDeflateRaw(options?: Record<string, number>): unknown;
  /** zlib's constants (`Z_SYNC_FLUSH`, …). */
  constants: Record<string, number>;
}

interface Handle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
  reset(): void;
  close(): void;
  onerror: (message: string, errno: number) => void;
}

interface Engine {
  _handle: Handle | null;
  _writeState: Uint32Array;
}

let loading: Promise<ZlibModule | undefined> | undefined;

/**
 * `node:zlib`, imported on the first call only (a connection without deflate
 * never loads it); undefined where it is missing or cannot be driven
 * synchronously.
 *
 * @example
 * ```ts
 * const zlib = await loadZlib();
 * console.log(zlib === undefined ? "no deflate here" : "deflate available");
 * ```
 */
export function loadZlib(): Promise<ZlibModule | undefined> {
  return loading ??= import("node:zlib").then((module) => {
    const zlib = ((module as { default?: unknown }).default ?? module) as ZlibModule;
    const probe = zlib.createInflateRaw() as Engine;
    const usable = typeof probe._handle?.writeSync === "function" && probe._writeState instanceof Uint32Array;
    probe._handle?.close();
    return usable ? zlib : undefined;
  }, () => undefined);
}

/** Thrown by {@link ZlibStream.write} when the output passes its limit. */
export class OutputLimitError extends Error {
  constructor() {
    super("Cannot inflate: the output passes its limit");
    this.name = "OutputLimitError";
  }
}

/** Thrown by {@link ZlibStream.write} when zlib rejects the input. */
export class ZlibDataError extends Error {
  constructor(message: string) {
    super(`Cannot inflate: ${message}`);
    this.name = "ZlibDataError";
  }
}

// Output lands here first and is handed out as a view: every stream runs
// synchronously and its caller copies what it keeps before the next write.
const SCRATCH_SIZE = 64 * 1024;
let scratch = new Uint8Array(SCRATCH_SIZE);
/** RFC 7692 §7.2.2: the 4 bytes a sender removed from the end of each message. */
const TAIL = Uint8Array.of(0x00, 0x00, 0xff, 0xff);

/**
 * One raw inflate or deflate stream with a synchronous, bounded `write`.
 *
 * @example
 * ```ts
 * import { loadZlib } from "./zlib_stream.ts";
 * const zlib = (await loadZlib())!;
 * const inflater = new ZlibStream(zlib, "inflate", { windowBits: 15 });
 * inflater.write(Uint8Array.of(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00), true, 1024); // "Hello" bytes
 * ```
 */
export class ZlibStream {
  readonly #handle: Handle;
  readonly #state: Uint32Array;
  readonly #flush: number;
  #error: string | undefined;
  /**
   * The DEFLATE stream ended (a block with BFINAL set, RFC 7692 §7.2.3.4):
   * zlib takes no more input until {@link ZlibStream.reset}.
   */
  ended = false;

  /** A stream of `kind` with zlib `options` (`windowBits`, `level`, `memLevel`). */
  constructor(zlib: ZlibModule, kind: "inflate" | "deflate", options: Record<string, number>) {
    const engine = (kind === "inflate" ? zlib.createInflateRaw(options) : zlib.createDeflateRaw(options)) as Engine;
    this.#handle = engine._handle!;
    this.#state = engine._writeState;
    this.#flush = zlib.constants.Z_SYNC_FLUSH;
    this.#handle.onerror = (message) => this.#error = message;
  }

  /**
   * Feed `input` (then, when `tail` is set, the 4-byte RFC 7692 tail) with a
   * sync flush; returns the output as a view valid until the next write of
   * any stream. Throws {@link OutputLimitError} as soon as more than `limit`
   * bytes came out, {@link ZlibDataError} when zlib rejects the input.
   */
  write(input: Uint8Array, tail: boolean, limit = Infinity): Uint8Array {
    let produced = this.#run(input, 0, limit);
    if (tail) produced = this.#run(TAIL, produced, limit);
    return scratch.subarray(0, produced);
  }

  /** Forget the window (no context takeover between messages, or after the stream ended). */
  reset(): void {
    this.#handle.reset();
    this.ended = false;
  }

  /** Give zlib's memory back; the stream must not be used afterwards. */
  close(): void {
    this.#handle.close();
  }

  #run(input: Uint8Array, produced: number, limit: number): number {
    let inOff = 0;
    let inLen = input.length;
    for (;;) {
      if (produced === scratch.length) {
        // More than the scratch holds: a larger buffer for this message only, no larger than
        // needed to see the limit passed (a bomb against a 64 KiB limit costs 64 KiB more, not 1 MiB).
        const bigger = new Uint8Array(Math.max(produced + 1024, Math.min(scratch.length * 2, limit + 1024)));
        bigger.set(scratch);
        scratch = bigger;
      }
      const room = scratch.length - produced;
      this.#handle.writeSync(this.#flush, input, inOff, inLen, scratch, produced, room);
      if (this.#error !== undefined) {
        const message = this.#error;
        this.#error = undefined;
        releaseScratch();
        throw new ZlibDataError(message);
      }
      const availOut = this.#state[0];
      const availIn = this.#state[1];
      produced += room - availOut;
      inOff += inLen - availIn;
      inLen = availIn;
      if (produced > limit) {
        releaseScratch();
        throw new OutputLimitError();
      }
      if (availOut !== 0) {
        // Input left over with room to spare: only the end of the stream stops zlib so.
        if (availIn > 0) this.ended = true;
        return produced;
      }
    }
  }
}

/**
 * Give the scratch region back to its usual size after a large message
 * was copied out (callers do this once they hold their copy).
 *
 * @example
 * ```ts
 * releaseScratch();
 * ```
 */
export function releaseScratch(): void {
  if (scratch.length > SCRATCH_SIZE) scratch = new Uint8Array(SCRATCH_SIZE);
}
