/**
 * Node: accepted sockets that read into one buffer shared by the whole
 * server instead of a fresh one per read. `net.Server` offers no `onread`
 * (only `net.connect` does), so a plain TCP server is made with
 * `pauseOnConnect` and each accepted handle, not yet reading, is wrapped in
 * a `net.Socket` built with `onread`. A fresh 64 KiB `ArrayBuffer` per read
 * is external memory that only a full mark-compact frees once it piles up:
 * on an echo server at 1 MiB per message it was half of all external bytes.
 *
 * The handle is reached through `_handle`, which Node does not document, so
 * every step is checked and any surprise keeps the socket Node made.
 *
 * @example
 * ```ts
 * import * as net from "node:net";
 * import { adoptWithOnread } from "./node_server_reads.ts";
 * const shared = new Uint8Array(65536);
 * const server = net.createServer({ pauseOnConnect: true }, (accepted) => {
 *   const socket = adoptWithOnread(accepted, { buffer: () => shared, callback: () => true }) ?? accepted;
 *   socket.resume();
 * });
 * ```
 * @module
 */

import * as net from "node:net";
import process from "node:process";

/**
 * Whether this Node gains from shared reads. Measured on a 1 MiB echo
 * (median of 3-5 rounds, server CPU per MB): Node 24 (V8 13) runs full
 * mark-compacts for external memory, and sharing the read buffer took
 * 3.6 ms/MB to 2.7; Node 22 (V8 12) scavenges young buffers promptly, and
 * there the per-read buffers' churn keeps each fresh message's memory
 * recycled warm: shared reads went from 0.9 ms/MB to 4.7. So from Node 24 on.
 *
 * @example
 * ```ts
 * import { SHARED_READS_PAY } from "./node_server_reads.ts";
 * console.log(SHARED_READS_PAY ? "shared reads" : "data events");
 * ```
 */
export const SHARED_READS_PAY: boolean = Number(process.versions?.node?.split(".")[0]) >= 24;

/** The `onread` option of `net.connect`, its functions called with the socket as `this`. */
export interface OnRead {
  /** The buffer for the next read, asked for before each one. */
  buffer: (this: net.Socket) => Uint8Array;
  /** `n` bytes landed in the buffer; false stops reading. */
  callback: (this: net.Socket, n: number) => boolean;
}

type Handle = { readStart?: unknown; readStop?: unknown; useUserBuffer?: unknown; reading?: boolean };
type WithHandle = net.Socket & { _handle?: Handle | null };

/**
 * A socket over `accepted`'s handle that reads through `onread`, paused
 * until `resume()`; undefined (and `accepted` untouched) where this Node
 * cannot. `accepted` must come from a server made with `pauseOnConnect`,
 * so that its handle has not started reading. `accepted` is let go at once
 * (kept until the connection ends, it cost 1.3 KiB per idle connection), so
 * the server no longer counts the connection: `server.close()` does not
 * wait for it, as `Bun.listen`'s `stop()` does not. `onread`'s functions
 * are called on the new socket (`this`), so one object serves every socket.
 *
 * @example
 * ```ts
 * import type { Socket } from "node:net";
 * declare const accepted: Socket;
 * const spare = new Uint8Array(1024);
 * const socket = adoptWithOnread(accepted, { buffer: () => spare, callback: (n) => n > 0 });
 * ```
 */
export function adoptWithOnread(accepted: net.Socket, onread: OnRead): net.Socket | undefined {
  const handle = (accepted as WithHandle)._handle;
  if (
    handle == null || handle.reading === true || typeof handle.useUserBuffer !== "function" ||
    typeof handle.readStart !== "function" || typeof handle.readStop !== "function"
  ) return undefined;
  let socket: WithHandle;
  try {
    socket = new net.Socket(
      { handle, allowHalfOpen: true, pauseOnCreate: true, onread } as unknown as net.SocketConstructorOpts,
    );
  } catch {
    return undefined;
  }
  if (socket._handle !== handle) {
    // Not the Node this was written for, and the handle may be half taken
    // over: drop the connection (the peer sees a reset) rather than guess.
    socket.destroy();
    accepted.destroy();
    return undefined;
  }
  (accepted as WithHandle)._handle = null;
  // Destroying a socket without a handle only tells its server it is gone.
  accepted.destroy();
  return socket;
}
