// Open N idle connections to URL with the ws client and hold them until stdin says "close" or 120 s pass.
import { WebSocket } from "ws";
const g = globalThis as unknown as {
  process: { argv: string[]; exit(code: number): void; stdin: { on(e: string, f: (d: unknown) => void): void } };
};
const [url, count] = g.process.argv.slice(2);
const sockets: WebSocket[] = [];
for (let i = 0; i < Number(count); i++) {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  sockets.push(socket);
}
console.log(`open ${sockets.length}`);
const done = () => {
  for (const socket of sockets) socket.terminate();
  g.process.exit(0);
};
g.process.stdin.on("data", done);
setTimeout(done, 120_000);
