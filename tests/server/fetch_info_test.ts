// The `fetch` handler is told who is asking, as Deno.serve's `info.remoteAddr`
// and Bun's `server.requestIP()` tell it: the peer's address, the same one a
// WebSocket's `remoteAddress` gives.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { type FetchInfo, type NetAddress, serve } from "../../src/mod.ts";

// One request on a connection whose local end the test knows; resolves with the answer's body.
function ask(port: number, host: string): Promise<{ local: NetAddress; answer: string }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, host);
    let answer = "";
    socket.on("connect", () => socket.write(`GET /who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    socket.on("data", (chunk: Uint8Array) => answer += new TextDecoder().decode(chunk));
    socket.on("end", () => resolve({ local: { hostname: socket.localAddress!, port: socket.localPort! }, answer }));
    socket.on("error", reject);
  });
}

describe("fetch(request, info)", () => {
  for (const hostname of ["127.0.0.1", "::1"]) {
    it(`gives the peer's address as info.remoteAddress (${hostname})`, async () => {
      const seen: FetchInfo[] = [];
      const server = await serve({
        hostname,
        port: 0,
        fetch: (_request, info) => {
          seen.push(info);
          return new Response("ok", { headers: { "content-length": "2" } });
        },
      });
      try {
        const { local, answer } = await ask(server.address.port, hostname);
        assert.match(answer, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok$/);
        assert.equal(seen.length, 1);
        assert.deepEqual(seen[0].remoteAddress, local);
      } finally {
        await server.shutdown({ timeout: 0 });
      }
    });
  }
});
