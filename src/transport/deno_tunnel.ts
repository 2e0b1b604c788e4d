/**
 * Deno: a connection through a proxy's tunnel. `Deno.connect` (or
 * `Deno.connectTls` for an `https:` proxy), the `CONNECT` exchange, then
 * `Deno.startTls` to the target for `wss:`. `Deno.startTls` takes only a
 * TCP connection, so TLS inside TLS (`wss:` through an `https:` proxy) is
 * refused before connecting (see `RuntimeNet.tunnels`).
 *
 * @example
 * ```ts
 * import { connectThroughTunnel } from "./deno_tunnel.ts";
 * import type { ConnectOptions, Transport } from "./types.ts";
 * declare const options: ConnectOptions; // with a `tunnel`
 * declare function wrap(conn: Deno.Conn): Transport;
 * const transport = await connectThroughTunnel(options, wrap);
 * ```
 * @module
 */

import { abortable } from "./abortable.ts";
import type { ClientTlsOptions, ConnectOptions, Transport } from "./types.ts";

/**
 * Open `options.tunnel`, then reach `options.hostname:port` inside it. A
 * refusal rejects with the tunnel's own error, unchanged.
 *
 * @example
 * ```ts
 * import type { ConnectOptions, Transport } from "./types.ts";
 * declare const options: ConnectOptions;
 * declare function wrap(conn: Deno.Conn): Transport;
 * await connectThroughTunnel(options, wrap).catch((error) => console.log(error.message));
 * ```
 */
export async function connectThroughTunnel(
  options: ConnectOptions,
  wrap: (conn: Deno.Conn) => Transport,
): Promise<Transport> {
  const tunnel = options.tunnel!;
  const signal = options.signal;
  let conn: Deno.Conn | undefined;
  // Closing the connection ends whatever read, write or handshake is pending.
  const abort = () => close(conn);
  signal?.addEventListener("abort", abort, { once: true });
  // The proxy's own answer (a refusal) is thrown unchanged.
  let refused: Error | undefined;
  let phase = `Cannot connect to the proxy ${tunnel.hostname}:${tunnel.port}`;
  try {
    signal?.throwIfAborted();
    const proxyTls = tunnel.tls === undefined || tunnel.tls === false ? undefined : settings(tunnel.tls);
    // Deno.connectTls takes no signal: the abort wins the race, and a late connection is closed.
    conn = await abortable<Deno.Conn>(
      proxyTls
        ? Deno.connectTls({
          hostname: proxyTls.servername ?? tunnel.hostname,
          port: tunnel.port,
          caCerts: cas(proxyTls),
        })
        : Deno.connect({ hostname: tunnel.hostname, port: tunnel.port, signal }),
      signal,
      (late) => late.close(),
    );
    signal?.throwIfAborted();
    phase = `Cannot open a tunnel through ${tunnel.hostname}:${tunnel.port}`;
    for (let at = 0; at < tunnel.request.length;) at += await conn.write(tunnel.request.subarray(at));
    const buffer = new Uint8Array(4096);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) throw refused = tunnel.eof();
      const step = tunnel.receive(buffer.slice(0, n));
      if (!step.done) continue;
      if (step.error !== undefined) throw refused = step.error;
      break;
    }
    if (!options.tls) return wrap(conn);
    phase = `Cannot connect to ${options.hostname}:${options.port} through the proxy`;
    const target = settings(options.tls);
    if (target.rejectUnauthorized === false) {
      throw new Error("Deno cannot skip certificate verification; pass tls.ca with the server's certificate");
    }
    const secure = await Deno.startTls(conn as Deno.TcpConn, {
      hostname: target.servername ?? options.hostname,
      caCerts: cas(target),
    });
    conn = secure;
    await secure.handshake();
    signal?.throwIfAborted();
    return wrap(secure);
  } catch (error) {
    close(conn);
    if (error === refused) throw error;
    const message = signal?.aborted ? "aborted" : (error as Error).message;
    throw new Error(`${phase}: ${message}`, { cause: error });
  } finally {
    signal?.removeEventListener("abort", abort);
  }
}

function settings(value: ClientTlsOptions | boolean | undefined): ClientTlsOptions {
  return typeof value === "object" ? value : {};
}

function cas(settings: ClientTlsOptions): string[] | undefined {
  return settings.ca === undefined ? undefined : ([] as string[]).concat(settings.ca);
}

function close(conn: Deno.Conn | undefined): void {
  try {
    conn?.close();
  } catch {
    // Already closed.
  }
}
