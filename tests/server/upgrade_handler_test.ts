// upgradeHandler() on a node:http server: node:http serves plain HTTP, so a
// connection handed over on `upgrade` is answered only as a WebSocket
// upgrade. One that asks for another protocol (h2c) gets 426 Upgrade
// Required (RFC 9110 §15.5.22) naming websocket, and its connection ends.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { connect } from "node:net";
import { upgradeHandler } from "../../src/node.ts";

// Everything the server sends until it ends the connection.
function exchangeToEnd(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk: Uint8Array) => answer += new TextDecoder().decode(chunk));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("upgradeHandler() and upgrades to other protocols", () => {
  it("answers 426 and closes, without calling a fetch handler given with the options", async () => {
    let fetched = 0;
    const options = {
      websocket: () => {},
      fetch: () => (fetched++, new Response("served")),
    };
    const sockets = upgradeHandler(options);
    const http = createServer((_request, response) => response.end("a page"));
    http.on("upgrade", sockets.handleUpgrade);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    try {
      const port = (http.address() as { port: number }).port;
      const answer = await exchangeToEnd(
        port,
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n",
      );
      const [head] = answer.split("\r\n\r\n");
      assert.match(head, /^HTTP\/1\.1 426 /);
      assert.match(head, /\r\nupgrade: websocket(\r\n|$)/i);
      assert.match(head, /\r\nconnection: close(\r\n|$)/i);
      assert.equal(fetched, 0);
    } finally {
      await sockets.shutdown();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});
