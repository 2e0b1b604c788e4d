/**
 * What goes wrong on a server that is not the peer's doing: an application
 * hook (`websocket`, `upgrade`, `fetch`) that throws or rejects, and
 * connections refused past `maxConnections`. Each is counted and told to
 * the server's `onError` hook (by default logged once, with the peer's
 * address); the server serves on.
 *
 * @example
 * ```ts
 * import { ServerFailures } from "./failures.ts";
 * const failures = new ServerFailures((error) => console.log(error.code, error.cause));
 * failures.handler("websocket", new Error("boom"), { hostname: "127.0.0.1", port: 5555 });
 * console.log(failures.stats.handlerErrors); // 1
 * ```
 * @module
 */

import { WebSocketError } from "../protocol/errors.ts";
import { reportListenerError } from "../session/report.ts";
import type { NetAddress } from "../transport/types.ts";

/** The server's `onError` hook: `error.cause` is what the application threw. */
export type ServerErrorHook = (error: WebSocketError, remoteAddress: NetAddress | undefined) => void;

/** The application hook that failed. */
export type FailedHook =
  | "websocket"
  | "upgrade"
  | "fetch"
  // The handlers of a `websocket` handler object.
  | "open"
  | "message"
  | "drain"
  | "ping"
  | "pong"
  | "error"
  | "close";

/** Counters of the server's own failures, since it started. */
export interface ServerStats {
  /** Application hooks (`websocket`, `upgrade`, `fetch`) that threw or rejected. */
  readonly handlerErrors: number;
  /** Connections answered 503 because `maxConnections` were open. */
  readonly refusedConnections: number;
}

/**
 * One server's failure counters and its `onError` hook.
 *
 * @example
 * ```ts
 * const failures = new ServerFailures();
 * failures.refused({ hostname: "127.0.0.1", port: 5555 }, 100); // logged: the first of a burst
 * failures.refused({ hostname: "127.0.0.1", port: 5556 }, 100); // counted only
 * failures.accepted(); // the burst is over
 * ```
 */
export class ServerFailures {
  #handlerErrors = 0;
  #refused = 0;
  #full = false;
  readonly #onError: ServerErrorHook;

  /** Failures go to `onError` (default: `console.error`, the message naming the peer). */
  constructor(onError?: ServerErrorHook) {
    this.#onError = onError ?? logFailure;
  }

  /** A snapshot of the counters. */
  get stats(): ServerStats {
    return { handlerErrors: this.#handlerErrors, refusedConnections: this.#refused };
  }

  /** The application's `hook` threw or rejected with `thrown` while serving `remote`. */
  handler(hook: FailedHook, thrown: unknown, remote: NetAddress | undefined): void {
    this.#handlerErrors++;
    const what = hook === "upgrade" ? "the upgrade hook" : `the ${hook} handler`;
    const detail = `${what} failed${thrown instanceof Error ? `: ${thrown.message}` : ""}`;
    const action = `serve the connection from ${peer(remote)}`;
    this.#report(new WebSocketError("WS_ERR_HANDLER", detail, { hook }, { cause: thrown, action }), remote);
  }

  /**
   * A connection from `remote` was refused with 503: counted always, told
   * to `onError` only when it starts a burst (the first since the server
   * last accepted one), so a flood does not flood the log.
   */
  refused(remote: NetAddress | undefined, maxConnections: number): void {
    this.#refused++;
    if (this.#full) return;
    this.#full = true;
    const detail = `maxConnections (${maxConnections}) reached; answering 503 until a connection closes`;
    const action = `accept the connection from ${peer(remote)}`;
    this.#report(new WebSocketError("WS_ERR_SERVER_FULL", detail, { maxConnections }, { action }), remote);
  }

  /** A connection was accepted: a refusal after this starts a new burst. */
  accepted(): void {
    this.#full = false;
  }

  #report(error: WebSocketError, remote: NetAddress | undefined): void {
    try {
      this.#onError(error, remote);
    } catch (hookError) {
      // The hook itself failed: logged, and the server still serves.
      reportListenerError(hookError);
    }
  }
}

function logFailure(error: WebSocketError): void {
  console.error(error);
}

function peer(remote: NetAddress | undefined): string {
  if (remote === undefined) return "an unknown peer";
  return remote.hostname.includes(":") ? `[${remote.hostname}]:${remote.port}` : `${remote.hostname}:${remote.port}`;
}
