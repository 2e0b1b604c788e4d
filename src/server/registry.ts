/**
 * The open connections of one server, and what is done to all of them at
 * once: broadcast (one encoding for every client, and one compression for
 * every client that agreed the same permessage-deflate parameters without
 * context takeover), topics (see `pubsub/topics.ts`) and shutdown (close
 * with 1001, wait, terminate the rest). Shared by `serve()` and the
 * `node:http` upgrade handler.
 *
 * @example
 * ```ts
 * import { ClientRegistry } from "./registry.ts";
 * import { loadCodec } from "../codec/load.ts";
 * const registry = new ClientRegistry(await loadCodec());
 * registry.broadcast("hello everyone");
 * await registry.shutdown();
 * ```
 * @module
 */

import type { Codec, Encoder } from "../codec/mod.ts";
import { DEFAULT_SHUTDOWN_TIMEOUT } from "../protocol/defaults.ts";
import type { Session, SessionTracker } from "../session/session.ts";
import { type Broker, memoryBroker } from "../pubsub/broker.ts";
import { type SessionDeflate, SharedMessage } from "../pubsub/fan_out.ts";
import { attachTopics } from "../pubsub/socket_topics.ts";
import { TopicHub } from "../pubsub/topics.ts";
import { sessionOf, type WebSocket } from "../websocket/websocket.ts";

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
export class ClientRegistry implements SessionTracker {
  /**
   * The open WebSocket connections: the one collection of them (a socket
   * leads to its session, a session to its socket), as a second one keyed
   * by session cost every idle connection a hash table entry more.
   */
  readonly clients: Set<WebSocket> = new Set();
  /** Who is subscribed to what; publishes go through `broker`. */
  readonly topics: TopicHub;
  readonly #pending = new Set<Session>();
  readonly #deflate = new Map<Session, SessionDeflate>();
  readonly #deflateOf = (session: Session): SessionDeflate | undefined => this.#deflate.get(session);
  #encoder: Encoder | undefined;
  #shutdown: Promise<void> | undefined;
  #allGone: (() => void) | undefined;

  /** Topics reach other servers through `broker` (default: this server's own, in this process). */
  constructor(codec?: Codec, broker: Broker = memoryBroker()) {
    this.topics = new TopicHub(broker, this.#deflateOf);
    attachTopics(this, this.topics);
    if (codec !== undefined) this.useCodec(codec);
  }

  /** Broadcasts encode with `codec`'s server encoder (given later when the codec still loads). */
  useCodec(codec: Codec): void {
    this.#encoder = this.topics.encoder = codec.encoder("server");
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
    // It may have failed already, inside the call that made it.
    if (session.isClosed) return;
    this.#pending.add(session);
    session.tracker = this;
  }

  /** The session's handshake succeeded: it is now `ws` (`deflate` when it agreed permessage-deflate). */
  opened(session: Session, ws: WebSocket, deflate?: SessionDeflate): void {
    this.#pending.delete(session);
    // Gone meanwhile (its untrack already ran): it must not stay listed.
    if (session.isClosed) return;
    session.socket = ws;
    if (deflate !== undefined) this.#deflate.set(session, deflate);
    this.clients.add(ws);
  }

  /** The session's transport is gone. */
  untrack(session: Session): void {
    this.#pending.delete(session);
    const ws = session.socket as WebSocket | undefined;
    if (ws !== undefined && this.clients.delete(ws)) {
      this.#deflate.delete(session);
      this.topics.leaveAll(ws);
    }
    if (this.size === 0) this.#allGone?.();
  }

  /** Send to every open client (or those `filter` keeps); returns how many. */
  broadcast(data: string | Uint8Array, filter?: (ws: WebSocket) => boolean): number {
    const encoder = this.#encoder;
    if (encoder === undefined || this.clients.size === 0) return 0;
    const message = new SharedMessage(encoder, data, this.#deflateOf);
    let count = 0;
    for (const ws of this.clients) {
      if (ws.readyState !== 1 || (filter !== undefined && !filter(ws))) continue;
      if (message.sendTo(sessionOf(ws)!)) count++;
    }
    message.release();
    return count;
  }

  /**
   * Close everyone with 1001; terminate who is left after the timeout, or
   * at once on a second call; resolve when all are gone.
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    if (this.#shutdown === undefined) return this.#shutdown = this.#closeAll(options);
    this.#terminateAll();
    return this.#shutdown;
  }

  #terminateAll(): void {
    for (const session of [...this.#pending, ...this.#sessions()]) session.terminate();
  }

  #sessions(): Session[] {
    return [...this.clients].map((ws) => sessionOf(ws)!);
  }

  async #closeAll(options: ShutdownOptions): Promise<void> {
    const gone = new Promise<void>((resolve) => this.#allGone = resolve);
    if (this.size === 0) return;
    for (const session of this.#pending) session.terminate();
    for (const session of this.#sessions()) session.close(options.code ?? 1001, options.reason ?? "");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) =>
      timer = setTimeout(() => resolve("late"), options.timeout ?? DEFAULT_SHUTDOWN_TIMEOUT)
    );
    if (await Promise.race([gone, late]) === "late") this.#terminateAll();
    clearTimeout(timer);
    await gone;
  }
}
