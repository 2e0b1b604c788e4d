/**
 * The Node adapter (`node:net`/`node:tls`). Client sockets read straight
 * into codec memory through `onread` (its function form is asked for a
 * buffer before every read, so a region re-taken after `memory.grow` is
 * always current). Accepted plain-TCP sockets read into one shared buffer
 * where that pays (`node_server_reads.ts`); TLS ones, those on older Nodes
 * and sockets handed over by `node:http` deliver `data` chunks instead. The
 * transport itself is `node_transport.ts`.
 *
 * @example
 * ```ts
 * import { nodeNet } from "./node.ts";
 * const transport = await nodeNet.connect({ hostname: "127.0.0.1", port: 8080 });
 * transport.write(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"));
 * ```
 * @module
 */

import * as net from "node:net";
import * as tls from "node:tls";
import { adoptWithOnread, SHARED_READS_PAY } from "./node_server_reads.ts";
import { NodeTransport, SPARE, SPARE_READS } from "./node_transport.ts";
import { connectThroughTunnel } from "./node_tunnel.ts";
import type { ConnectOptions, Listener, ListenOptions, RuntimeNet, Transport } from "./types.ts";

/**
 * Wrap a connected `node:net` socket (e.g. from a `node:http` `upgrade` event).
 *
 * @example
 * ```ts
 * import type { Socket } from "node:net";
 * declare const socket: Socket;
 * const transport = fromNodeSocket(socket);
 * ```
 */
export function fromNodeSocket(socket: net.Socket): Transport {
  return new NodeTransport(socket, false);
}

function connect(options: ConnectOptions): Promise<Transport> {
  if (options.tunnel !== undefined) return connectThroughTunnel(options, (socket) => new NodeTransport(socket, false));
  return new Promise((resolve, reject) => {
    // Node asks onread for its first buffer while connecting, before the transport exists.
    const made: { transport?: NodeTransport } = {};
    const onread = {
      buffer: () => made.transport?.buffer() ?? SPARE,
      callback: (n: number) => {
        made.transport?.read(n);
        return true;
      },
    };
    const tlsOptions = typeof options.tls === "object" ? options.tls : {};
    const socket: net.Socket = options.tls
      ? tls.connect({
        host: options.hostname,
        port: options.port,
        servername: tlsOptions.servername ?? (net.isIP(options.hostname) ? undefined : options.hostname),
        ca: tlsOptions.ca,
        rejectUnauthorized: tlsOptions.rejectUnauthorized ?? true,
        onread,
      } as tls.ConnectionOptions)
      : net.connect({ host: options.hostname, port: options.port, onread });
    const transport = made.transport = new NodeTransport(socket, true);
    const where = `${options.hostname}:${options.port}`;
    const fail = (error: Error) => {
      options.signal?.removeEventListener("abort", abort);
      socket.destroy();
      reject(new Error(`Cannot connect to ${where}: ${error.message}`, { cause: error }));
    };
    const abort = () => fail(new Error("aborted"));
    if (options.signal?.aborted) return abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    socket.once("error", fail);
    socket.once(options.tls ? "secureConnect" : "connect", () => {
      socket.off("error", fail);
      options.signal?.removeEventListener("abort", abort);
      resolve(transport);
    });
  });
}

/** A transport for a socket accepted paused, reading into SPARE where this Node allows. */
function withSpareReads(accepted: net.Socket): NodeTransport {
  const socket = adoptWithOnread(accepted, SPARE_READS);
  return socket === undefined ? new NodeTransport(accepted, false) : new NodeTransport(socket, true, true);
}

async function listen(options: ListenOptions, onConnection: (transport: Transport) => void): Promise<Listener> {
  const handler = (socket: net.Socket) => {
    // The session answers a peer's FIN itself (a plain HTTP answer may still
    // be on its way), as on Deno and Bun, and as node:http's sockets allow.
    socket.allowHalfOpen = true;
    if (options.tls) handshaking.delete(peerOf(socket));
    onConnection(shared ? withSpareReads(socket) : new NodeTransport(socket, false));
  };
  const shared = options.tls === undefined && SHARED_READS_PAY;
  const server: net.Server = options.tls
    ? tls.createServer(
      { cert: options.tls.cert, key: options.tls.key, handshakeTimeout: options.tlsHandshakeTimeout },
      handler,
    )
    : net.createServer({ pauseOnConnect: shared }, handler);
  // A failed TLS handshake must not crash the process, and Node leaves its socket
  // open (a timed-out one with the peer still connected): nothing can use it.
  server.on("tlsClientError", (_error: Error, socket: tls.TLSSocket) => socket.destroy());
  // Connections still in their TLS handshake belong to no session yet, and Node's
  // server.close() waits for every connection: close() ends them rather than wait out their timeout.
  const handshaking = new Map<string, net.Socket>();
  if (options.tls) {
    server.on("connection", (socket: net.Socket) => {
      const peer = peerOf(socket);
      handshaking.set(peer, socket);
      socket.once("close", () => handshaking.get(peer) === socket && handshaking.delete(peer));
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    const where = { port: options.port, host: options.hostname ?? "0.0.0.0", reusePort: options.reusePort === true };
    server.listen(where, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  return {
    address: { hostname: address.address, port: address.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of handshaking.values()) socket.destroy();
      }),
  };
}

function peerOf(socket: net.Socket): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}

/**
 * Node's networking for the session.
 *
 * @example
 * ```ts
 * const listener = await nodeNet.listen({ hostname: "127.0.0.1", port: 0 }, (transport) => transport.destroy());
 * console.log(listener.address.port);
 * await listener.close();
 * ```
 */
export const nodeNet: RuntimeNet = { connect, listen, tunnels: { tlsInTls: true } };
