/**
 * The Bun adapter (`Bun.connect`, `Bun.listen`): opens and accepts sockets,
 * each wrapped in a {@link BunTransport} (`bun_transport.ts`).
 *
 * @example
 * ```ts
 * import { bunNet } from "./bun.ts";
 * const transport = await bunNet.connect({ hostname: "127.0.0.1", port: 8080 });
 * transport.write(new TextEncoder().encode("hello"));
 * ```
 * @module
 */

import type { ConnectOptions, Listener, ListenOptions, RuntimeNet, Transport } from "./types.ts";
import { abortable } from "./abortable.ts";
import { connectThroughTunnel } from "./bun_tunnel.ts";
import { Bun, type BunHandlers, type BunSocket } from "./bun_api.ts";
import { BunTransport } from "./bun_transport.ts";

// Every socket shares them: each calls the transport in its `data` slot.
const handlers: BunHandlers = {
  data: (socket, data) => socket.data?.onData(data),
  drain: (socket) => socket.data?.onDrain(),
  end: (socket) => socket.data?.onEnd(),
  close: (socket, error) => socket.data?.onClose(error),
  error: (socket, error) => socket.data?.onClose(error),
};

async function connect(options: ConnectOptions): Promise<Transport> {
  if (options.tunnel !== undefined) {
    const wrap = (socket: BunSocket) => socket.data instanceof BunTransport ? socket.data : new BunTransport(socket);
    return connectThroughTunnel(options, handlers, wrap);
  }
  const where = `${options.hostname}:${options.port}`;
  const tls = typeof options.tls === "object" ? options.tls : {};
  const signal = options.signal;
  try {
    signal?.throwIfAborted();
    const pending = Bun.connect({
      hostname: options.hostname,
      port: options.port,
      allowHalfOpen: true,
      tls: options.tls
        ? {
          ca: tls.ca,
          rejectUnauthorized: tls.rejectUnauthorized ?? true,
          serverName: tls.servername ?? options.hostname,
        }
        : undefined,
      // The transport exists from `open` on, so no early byte is lost; with TLS the
      // promise settles before `open`, and the transport made then must be kept.
      socket: {
        ...handlers,
        open: (socket) => void (socket.data ?? new BunTransport(socket)),
        handshake: (socket, success, authorizationError) => {
          if (tls.rejectUnauthorized === false || (success && authorizationError === null)) return;
          // Bun settles the connect before the certificate is checked: say where, as a failed connect does.
          const why = authorizationError?.message ?? "the TLS handshake failed";
          const failure = new Error(`Cannot connect to ${where}: ${why}`, { cause: authorizationError ?? undefined });
          socket.data?.onHandshake(false, failure);
        },
        connectError: () => {},
      },
    });
    // Bun.connect cannot be cancelled (a listener with a full backlog stalls it for
    // minutes): the abort wins the race, and a socket that connects later is closed.
    const socket = await abortable(pending, signal, (late) => late.terminate());
    if (signal?.aborted) {
      socket.terminate();
      throw new Error("aborted");
    }
    return (socket.data as BunTransport | undefined) ?? new BunTransport(socket);
  } catch (error) {
    throw new Error(`Cannot connect to ${where}: ${(error as Error).message}`, { cause: error });
  }
}

function listen(options: ListenOptions, onConnection: (transport: Transport) => void): Promise<Listener> {
  const server = Bun.listen({
    hostname: options.hostname ?? "0.0.0.0",
    port: options.port,
    reusePort: options.reusePort === true,
    allowHalfOpen: true,
    tls: options.tls ? { cert: options.tls.cert, key: options.tls.key } : undefined,
    socket: {
      ...handlers,
      open: (socket) => onConnection(new BunTransport(socket)),
      // Without a handshake handler Bun calls `open` only once the TLS handshake is done, so
      // a peer that never sends its ClientHello escaped the server's handshakeTimeout.
      handshake: options.tls ? () => {} : undefined,
    },
  });
  // The bound address, as Deno and Node report it ("127.0.0.1" for "localhost").
  const bound: { address?: string; port?: number } = {};
  server.getsockname?.(bound);
  return Promise.resolve({
    address: { hostname: bound.address ?? server.hostname, port: server.port },
    close: () => {
      server.stop(false);
      return Promise.resolve();
    },
  });
}

/**
 * Bun's networking for the session.
 *
 * @example
 * ```ts
 * const listener = await bunNet.listen({ hostname: "127.0.0.1", port: 0 }, (transport) => transport.destroy());
 * await listener.close();
 * ```
 */
export const bunNet: RuntimeNet = { connect, listen, tunnels: { tlsInTls: false } };
