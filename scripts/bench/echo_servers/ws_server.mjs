// The `ws` echo server for the benchmark (Node): PORT env, prints its URL when ready.
import { WebSocketServer } from "ws";
const wss = new WebSocketServer({
  host: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  perMessageDeflate: false,
  maxPayload: 64 * 1024 * 1024,
});
wss.on("connection", (socket) => socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary })));
wss.on("listening", () => console.log(`listening on ws://127.0.0.1:${wss.address().port}`));
