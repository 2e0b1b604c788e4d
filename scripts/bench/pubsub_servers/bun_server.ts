// Bun.serve pub/sub benchmark server: its own topics (server.publish).
interface BunSocket {
  data: { ctl: boolean };
  subscribe(topic: string): void;
  send(data: string): void;
}
interface BunServer {
  port: number;
  publish(topic: string, data: string): number;
  upgrade(request: Request, options: { data: { ctl: boolean } }): boolean;
}
const bun = (globalThis as unknown as { Bun: { serve(options: unknown): BunServer } }).Bun;
const process = (globalThis as unknown as { process: { cpuUsage(): { user: number; system: number } } }).process;
const pad = "x".repeat(64);
let publishMs = 0;
const server = bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (request: Request, srv: BunServer) =>
    srv.upgrade(request, { data: { ctl: new URL(request.url).pathname === "/ctl" } })
      ? undefined
      : new Response("no", { status: 400 }),
  websocket: {
    open(ws: BunSocket) {
      if (!ws.data.ctl) ws.subscribe("t");
    },
    message(ws: BunSocket, data: string) {
      const [command, round] = String(data).split(" ");
      if (command === "pub") {
        const started = performance.now();
        server.publish("t", `${round} ${pad}`.slice(0, 64));
        publishMs += performance.now() - started;
      } else if (command === "stats") {
        const cpu = process.cpuUsage();
        ws.send(JSON.stringify({ publishMs, cpuMs: (cpu.user + cpu.system) / 1000 }));
      }
    },
  },
});
console.log(`listening on ws://127.0.0.1:${server.port}`);
