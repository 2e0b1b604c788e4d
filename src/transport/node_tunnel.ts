/**
 * Node: a connection through a proxy's tunnel. `net.connect` (or
 * `tls.connect` for an `https:` proxy), the `CONNECT` exchange on `data`
 * events, then `tls.connect({ socket })` to the target for `wss:` — Node
 * layers TLS on any connected stream, TLS inside TLS included.
 *
 * @example
 * ```ts
 * import { connectThroughTunnel } from "./node_tunnel.ts";
 * import type { ConnectOptions, Transport } from "./types.ts";
 * import type { Socket } from "node:net";
 * declare const options: ConnectOptions; // with a `tunnel`
 * declare function wrap(socket: Socket): Transport;
 * const transport = await connectThroughTunnel(options, wrap);
 * ```
 * @module
 */

import * as net from "node:net";
import * as tls from "node:tls";
import type { ClientTlsOptions, ConnectOptions, Transport } from "./types.ts";

/**
 * Open `options.tunnel`, then reach `options.hostname:port` inside it;
 * `wrap` turns the final socket into a transport. A refusal rejects with
 * the tunnel's own error, unchanged.
 *
 * @example
 * ```ts
 * import type { Socket } from "node:net";
 * import type { ConnectOptions, Transport } from "./types.ts";
 * declare const options: ConnectOptions;
 * declare function wrap(socket: Socket): Transport;
 * await connectThroughTunnel(options, wrap).catch((error) => console.log(error.message));
 * ```
 */
export function connectThroughTunnel(
  options: ConnectOptions,
  wrap: (socket: net.Socket) => Transport,
): Promise<Transport> {
  const tunnel = options.tunnel!;
  return new Promise((resolve, reject) => {
    const proxyTls = tunnel.tls === undefined || tunnel.tls === false ? undefined : settings(tunnel.tls);
    const raw: net.Socket = proxyTls
      ? tls.connect(tlsOptions(tunnel.hostname, tunnel.port, proxyTls))
      : net.connect({ host: tunnel.hostname, port: tunnel.port });
    let current = raw;
    let phase = `Cannot connect to the proxy ${tunnel.hostname}:${tunnel.port}`;
    const fail = (error: Error, asIs = false): void => {
      options.signal?.removeEventListener("abort", abort);
      current.destroy();
      raw.destroy();
      reject(asIs ? error : new Error(`${phase}: ${error.message}`, { cause: error }));
    };
    const abort = () => fail(new Error("aborted"));
    if (options.signal?.aborted) return abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    raw.on("error", fail);
    raw.once(proxyTls ? "secureConnect" : "connect", () => {
      phase = `Cannot open a tunnel through ${tunnel.hostname}:${tunnel.port}`;
      raw.on("data", onData);
      raw.once("end", onEnd);
      raw.write(tunnel.request);
    });
    const onEnd = () => fail(tunnel.eof(), true);
    const onData = (chunk: Uint8Array) => {
      const step = tunnel.receive(chunk);
      if (!step.done) return;
      if (step.error !== undefined) return fail(step.error, true);
      raw.off("data", onData);
      raw.off("end", onEnd);
      // Held until the transport starts reading (its `start` resumes it).
      raw.pause();
      if (!options.tls) return done(raw);
      phase = `Cannot connect to ${options.hostname}:${options.port} through the proxy`;
      const secure = tls.connect({ ...tlsOptions(options.hostname, options.port, settings(options.tls)), socket: raw });
      current = secure;
      secure.on("error", fail);
      secure.once("secureConnect", () => {
        secure.off("error", fail);
        done(secure);
      });
    };
    const done = (socket: net.Socket) => {
      raw.off("error", fail);
      options.signal?.removeEventListener("abort", abort);
      resolve(wrap(socket));
    };
  });
}

function settings(value: ClientTlsOptions | boolean | undefined): ClientTlsOptions {
  return typeof value === "object" ? value : {};
}

function tlsOptions(host: string, port: number, settings: ClientTlsOptions): tls.ConnectionOptions {
  return {
    host,
    port,
    servername: settings.servername ?? (net.isIP(host) ? undefined : host),
    ca: settings.ca,
    rejectUnauthorized: settings.rejectUnauthorized ?? true,
  };
}
