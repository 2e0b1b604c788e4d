// Test helper, not a test: a Bun.serve server (uWebSockets) on a free
// loopback port that upgrades every request and answers anything else 400,
// as the native peer of the interop and deflate suites (Bun only).

/** What a started Bun.serve peer gives back. */
export interface BunPeer {
  port: number;
  stop(): Promise<void>;
}

type BunServe = (options: unknown) => { port: number; stop(force?: boolean): void };

/** Bun.serve with `websocket` as its handler object. */
export function bunServe(websocket: object): BunPeer {
  const bun = (globalThis as { Bun?: { serve: BunServe } }).Bun!;
  const native = bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request: Request, server: { upgrade(request: Request): boolean }) {
      return server.upgrade(request) ? undefined : new Response("not an upgrade", { status: 400 });
    },
    websocket,
  });
  return { port: native.port, stop: () => Promise.resolve(native.stop(true)) };
}
