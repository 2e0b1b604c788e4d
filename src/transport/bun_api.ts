/**
 * The few Bun APIs the Bun adapter uses, declared here: `bun-types`
 * describes Bun's globals for Bun's own compiler, and `deno check` cannot
 * load it alongside Deno's and Node's types.
 *
 * @example
 * ```ts
 * import { Bun } from "./bun_api.ts";
 * const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
 * listener.stop(true);
 * ```
 * @module
 */

/** What a socket's `data` slot points at: the transport that owns it, called by the shared handlers. */
export interface BunSocketOwner {
  onData(data: Uint8Array): void;
  onDrain(): void;
  onEnd(): void;
  onClose(error?: Error): void;
  onHandshake(success: boolean, authorizationError: Error | null): void;
}

/** A `Bun.connect`/`Bun.listen` socket. */
export interface BunSocket {
  write(data: Uint8Array): number;
  end(): void;
  shutdown(halfClose?: boolean): void;
  terminate(): void;
  pause?(): void;
  resume?(): void;
  setNoDelay?(noDelay: boolean): boolean;
  /** TLS over this connected socket; returns the raw socket and the TLS one. */
  upgradeTLS?(
    options: { tls: Record<string, unknown>; socket: BunHandlers; data?: BunSocketOwner },
  ): [BunSocket, BunSocket];
  readonly remoteAddress: string;
  readonly remotePort?: number;
  data: BunSocketOwner | undefined;
}
/** The socket handlers, shared by every socket of a listener. */
export interface BunHandlers {
  open?(socket: BunSocket): void;
  data?(socket: BunSocket, data: Uint8Array): void;
  drain?(socket: BunSocket): void;
  end?(socket: BunSocket): void;
  close?(socket: BunSocket, error?: Error): void;
  error?(socket: BunSocket, error: Error): void;
  connectError?(socket: BunSocket, error: Error): void;
  handshake?(socket: BunSocket, success: boolean, authorizationError: Error | null): void;
}
/** `Bun.connect` and `Bun.listen`. */
export interface BunApi {
  connect(options: Record<string, unknown> & { socket: BunHandlers }): Promise<BunSocket>;
  listen(
    options: Record<string, unknown> & { socket: BunHandlers },
  ): {
    hostname: string;
    port: number;
    stop(closeActive?: boolean): void;
    /** Fills `out` with the bound address (`hostname` is only what was asked for, e.g. "localhost"). */
    getsockname?(out: { address?: string; port?: number }): void;
  };
}
/** The `Bun` global (undefined elsewhere; only the Bun adapter imports this module). */
export const Bun: BunApi = (globalThis as unknown as { Bun: BunApi }).Bun;
