// Bun.serve websocket echo server for the benchmark.
const bun = (globalThis as unknown as { Bun: { serve(options: unknown): { port: number } } }).Bun;
const server = bun.serve({
  hostname: "127.0.0.1",
  port: Number((globalThis as unknown as { process: { env: Record<string, string> } }).process.env.PORT ?? 0),
  fetch: (request: Request, srv: { upgrade(request: Request): boolean }) =>
    srv.upgrade(request) ? undefined : new Response("no", { status: 400 }),
  websocket: {
    maxPayloadLength: 64 * 1024 * 1024,
    message: (socket: { send(data: unknown): void }, data: unknown) => socket.send(data),
  },
});
console.log(`listening on ws://127.0.0.1:${server.port}`);
