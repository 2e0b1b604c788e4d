// Test helper, not a test: a serve() on a free loopback port for handler-object
// tests, a recorder of handler calls, and a raw peer past its 101.
import assert from "node:assert/strict";
import { serve, type ServeOptions, type Server } from "../../src/mod.ts";
import { rawClient, type RawSocket, upgradeRequest } from "./raw_peer.ts";
import { concat } from "./frames.ts";

export type Call = [string, ...unknown[]];

export async function withServer<T>(
  options: ServeOptions<T>,
  run: (server: Server<T>) => Promise<void>,
): Promise<void> {
  const server = await serve<T>({ hostname: "127.0.0.1", port: 0, ...options });
  try {
    await run(server);
  } finally {
    await server.shutdown({ timeout: 0 });
  }
}

/** A recorder of handler calls; `closed` settles at the `close` call. */
export function recorder(): { calls: Call[]; closed: Promise<void>; close: () => void } {
  let close!: () => void;
  const closed = new Promise<void>((resolve) => close = resolve);
  return { calls: [], closed, close };
}

export async function upgraded(port: number, path = "/", sameWrite?: Uint8Array): Promise<RawSocket> {
  const peer = await rawClient(port);
  const request = new TextEncoder().encode(upgradeRequest(port, path));
  peer.write(sameWrite === undefined ? request : concat([request, sameWrite]));
  assert.match(await peer.readHead(), /^HTTP\/1\.1 101 /);
  return peer;
}

export const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
