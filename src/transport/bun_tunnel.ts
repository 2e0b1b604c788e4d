/**
 * Bun: a connection through a proxy's tunnel. `Bun.connect` (with `tls` for
 * an `https:` proxy), the `CONNECT` exchange, then `socket.upgradeTLS` to
 * the target for `wss:`. Bun 1.4's `upgradeTLS` works on a TCP socket only
 * (on a TLS one it returns nothing), so `wss:` through an `https:` proxy is
 * refused before connecting (see `RuntimeNet.tunnels`).
 *
 * @example
 * ```ts
 * import { connectThroughTunnel } from "./bun_tunnel.ts";
 * import type { ConnectOptions, Transport } from "./types.ts";
 * import type { BunHandlers, BunSocket } from "./bun_api.ts";
 * declare const options: ConnectOptions; // with a `tunnel`
 * declare const handlers: BunHandlers;
 * declare function wrap(socket: BunSocket): Transport;
 * const transport = await connectThroughTunnel(options, handlers, wrap);
 * ```
 * @module
 */

import { abortable } from "./abortable.ts";
import { Bun, type BunHandlers, type BunSocket, type BunSocketOwner } from "./bun_api.ts";
import type { ClientTlsOptions, ConnectOptions, Transport } from "./types.ts";

/**
 * Open `options.tunnel`, then reach `options.hostname:port` inside it.
 * `handlers` are the transport's socket handlers (they dispatch through
 * `socket.data`), `wrap` makes the transport. A refusal rejects with the
 * tunnel's own error, unchanged. As with a direct `Bun.connect`, the TLS
 * handshake to the target finishes after the transport exists; its failure
 * closes the transport with the reason.
 *
 * @example
 * ```ts
 * import type { BunHandlers, BunSocket } from "./bun_api.ts";
 * import type { ConnectOptions, Transport } from "./types.ts";
 * declare const options: ConnectOptions;
 * declare const handlers: BunHandlers;
 * declare function wrap(socket: BunSocket): Transport;
 * await connectThroughTunnel(options, handlers, wrap).catch((error) => console.log(error.message));
 * ```
 */
export async function connectThroughTunnel(
  options: ConnectOptions,
  handlers: BunHandlers,
  wrap: (socket: BunSocket) => Transport,
): Promise<Transport> {
  const tunnel = options.tunnel!;
  const signal = options.signal;
  const proxyTls = tunnel.tls === undefined || tunnel.tls === false ? undefined : settings(tunnel.tls);
  let answered!: (error?: Error) => void;
  const answer = new Promise<Error | undefined>((resolve) => answered = resolve);
  // Owns the socket while the proxy answers: every handler dispatches to `socket.data`.
  const exchange: BunSocketOwner = {
    onData(data) {
      const step = tunnel.receive(data);
      if (step.done) answered(step.error);
    },
    onDrain() {},
    onEnd: () => answered(tunnel.eof()),
    onClose: (error) => answered(error ?? tunnel.eof()),
    onHandshake(success, authorizationError) {
      if (!success || authorizationError !== null) answered(authorizationError ?? new Error("TLS handshake failed"));
    },
  };
  let socket: BunSocket | undefined;
  try {
    signal?.throwIfAborted();
    const pending = Bun.connect({
      hostname: tunnel.hostname,
      port: tunnel.port,
      allowHalfOpen: true,
      tls: proxyTls && bunTls(proxyTls, tunnel.hostname),
      data: exchange,
      socket: {
        ...handlers,
        // Bun drops what is written to a TLS socket before its handshake: the request waits for it.
        open: (opened) => {
          opened.data = exchange;
          if (proxyTls === undefined) opened.write(tunnel.request);
        },
        handshake: (shaken, success, authorizationError) => {
          if (proxyTls?.rejectUnauthorized !== false) shaken.data?.onHandshake(success, authorizationError);
          if (success && (authorizationError === null || proxyTls?.rejectUnauthorized === false)) {
            shaken.write(tunnel.request);
          }
        },
        connectError: () => {},
      },
    });
    socket = await abortable(pending, signal, (late) => late.terminate());
  } catch (error) {
    socket?.terminate();
    const message = signal?.aborted ? "aborted" : (error as Error).message;
    throw new Error(`Cannot connect to the proxy ${tunnel.hostname}:${tunnel.port}: ${message}`, { cause: error });
  }
  const refused = await abortable(answer, signal, () => {}).catch((error: Error) => error);
  if (refused !== undefined || signal?.aborted) {
    socket.terminate();
    if (refused?.message === "aborted" || signal?.aborted) {
      throw new Error(`Cannot open a tunnel through ${tunnel.hostname}:${tunnel.port}: aborted`);
    }
    throw refused;
  }
  if (!options.tls) return wrap(socket);
  const target = settings(options.tls);
  let transport: Transport | undefined;
  const upgraded = socket.upgradeTLS?.({
    tls: bunTls(target, options.hostname),
    data: undefined,
    socket: {
      ...handlers,
      // The transport exists before the handshake ends, as on a direct connect.
      open: (opened) => void (transport = wrap(opened)),
      handshake: (shaken, success, authorizationError) => {
        if (target.rejectUnauthorized !== false) shaken.data?.onHandshake(success, authorizationError);
      },
    },
  });
  if (upgraded === undefined) {
    socket.terminate();
    throw new Error(`Cannot connect to ${options.hostname}:${options.port} through the proxy: no TLS upgrade here`);
  }
  return transport ?? wrap(upgraded[1]);
}

function settings(value: ClientTlsOptions | boolean | undefined): ClientTlsOptions {
  return typeof value === "object" ? value : {};
}

function bunTls(settings: ClientTlsOptions, hostname: string): Record<string, unknown> {
  return {
    ca: settings.ca,
    rejectUnauthorized: settings.rejectUnauthorized ?? true,
    serverName: settings.servername ?? hostname,
  };
}
