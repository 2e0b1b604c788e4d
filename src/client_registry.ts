/**
 * The open connections of one server, and what is done to all of them at
 * once: broadcast (one encoding for every client) and shutdown (close with
 * 1001, wait, terminate the rest). Shared by `serve()` and the `node:http`
 * upgrade handler.
 *
 * @example
 * ```ts
 * import { ClientRegistry } from "./client_registry.ts";
 * import { loadCodec } from "./codec/load.ts";
 * const registry = new ClientRegistry(await loadCodec());
 * registry.broadcast("hello everyone");
 * await registry.shutdown();
 * ```
 * @module
 */

import { type Codec, type Encoder, OPCODE_BINARY } from "./codec/mod.ts";
import { headerLength } from "./protocol/connection.ts";
import type { Session } from "./session.ts";
import type { WebSocket } from "./websocket.ts";

/** Options of a shutdown. */
export interface ShutdownOptions {
  /** Close code sent to every client (default 1001, "going away"). */
  code?: number;
  /** Close reason. */
  reason?: string;
  /** Terminate connections still open after this many ms (default 5000). */
  timeout?: number;
}

/**
 * Tracks handshaking sessions and open sockets.
 *
 * @example
 * ```ts
 * declare const registry: ClientRegistry;
 * console.log(registry.size, registry.clients.size);
 * ```
 */
export class ClientRegistry {
  /** The open WebSocket connections. */
  readonly clients: Set<WebSocket> = new Set();
  readonly #pending = new Set<Session>();
  readonly #sessions = new WeakMap<WebSocket, Session>();
  readonly #encoder: Encoder;
  #shutdown: Promise<void> | undefined;

  constructor(codec: Codec) {
    this.#encoder = codec.encoder("server");
  }

  /** Connections, handshaking or open. */
  get size(): number {
    return this.clients.size + this.#pending.size;
  }

  /** True once shutdown began: accept nothing more. */
  get closing(): boolean {
    return this.#shutdown !== undefined;
  }

  /** Track a session from its first byte. */
  track(session: Session): void {
    this.#pending.add(session);
    session.closed.then(() => this.#pending.delete(session));
  }

  /** The session's handshake succeeded: it is now `ws`. */
  opened(session: Session, ws: WebSocket): void {
    this.#pending.delete(session);
    this.clients.add(ws);
    this.#sessions.set(ws, session);
    session.closed.then(() => this.clients.delete(ws));
  }

  /** Send to every open client (or those `filter` keeps); returns how many. */
  broadcast(data: string | Uint8Array, filter?: (ws: WebSocket) => boolean): number {
    // Server frames are never masked, so one encoding serves every client.
    const frame = typeof data === "string" ? this.#encoder.encodeText(data) : this.#encoder.encode(OPCODE_BINARY, data);
    const payloadBytes = typeof data === "string" ? frame.length - headerLength(frame) : data.length;
    let count = 0;
    for (const ws of this.clients) {
      if (ws.readyState !== 1 || (filter !== undefined && !filter(ws))) continue;
      if (this.#sessions.get(ws)?.sendFrame(frame, payloadBytes)) count++;
    }
    return count;
  }

  /** Close everyone with 1001; terminate who is left after the timeout; resolve when all are gone. */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    return this.#shutdown ??= this.#closeAll(options);
  }

  async #closeAll(options: ShutdownOptions): Promise<void> {
    for (const session of this.#pending) session.terminate();
    const sessions = [...this.clients].map((ws) => this.#sessions.get(ws)!);
    for (const session of sessions) session.close(options.code ?? 1001, options.reason ?? "");
    const gone = Promise.all([...sessions, ...this.#pending].map((session) => session.closed));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => timer = setTimeout(() => resolve("late"), options.timeout ?? 5000));
    if (await Promise.race([gone, late]) === "late") {
      for (const session of sessions) session.terminate();
    }
    clearTimeout(timer);
    await gone;
  }
}
