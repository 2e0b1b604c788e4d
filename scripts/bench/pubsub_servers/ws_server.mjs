// ws pub/sub benchmark server: what ws users write, a loop over the
// subscribers calling send() (ws frames the message for each socket).
import process from "node:process";
import { WebSocketServer } from "ws";

const subscribers = new Set();
const pad = "x".repeat(64);
let publishMs = 0;
const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 }, () => {
  console.log(`listening on ws://127.0.0.1:${wss.address().port}`);
});
wss.on("connection", (ws, request) => {
  if (!request.url.endsWith("/ctl")) {
    subscribers.add(ws);
    ws.on("close", () => subscribers.delete(ws));
    return;
  }
  ws.on("message", (data) => {
    const [command, round] = String(data).split(" ");
    if (command === "pub") {
      const started = performance.now();
      const message = `${round} ${pad}`.slice(0, 64);
      for (const subscriber of subscribers) subscriber.send(message);
      publishMs += performance.now() - started;
    } else if (command === "stats") {
      const cpu = process.cpuUsage();
      ws.send(JSON.stringify({ publishMs, cpuMs: (cpu.user + cpu.system) / 1000 }));
    }
  });
});
