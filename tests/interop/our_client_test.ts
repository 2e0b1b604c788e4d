// Interop matrix, our client's side: our WebSocket against every server it
// can meet on this runtime — ours, `ws`, Deno's and Bun's own servers, and
// Python's `websockets` — through the same cases (INTEROP.md).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "../../src/mod.ts";
import { type DriverOptions, runCases } from "../_helpers/interop_driver.ts";
import { allPassed, recordCells } from "../_helpers/interop_cells.ts";
import {
  bunEchoServer,
  denoEchoServer,
  type EchoServer,
  ourEchoServer,
  pythonEchoServer,
  wsEchoServer,
} from "../_helpers/interop_servers.ts";
import { pythonMissing } from "../_helpers/python.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };

/** Our client pings itself: ping() and the pong event are on our class. */
const ping = (ws: globalThis.WebSocket) =>
  new Promise<void>((resolve) => {
    const ours = ws as unknown as WebSocket;
    ours.addEventListener("pong", () => resolve(), { once: true });
    ours.ping("are you there");
  });

const PAIRS: Array<{ server: string; start: () => Promise<EchoServer> | EchoServer; skip?: string }> = [
  { server: "our server", start: ourEchoServer },
  { server: "ws server", start: wsEchoServer },
  { server: "Deno.serve", start: denoEchoServer, skip: g.Deno ? undefined : "Deno's server runs on Deno only" },
  { server: "Bun.serve", start: bunEchoServer, skip: g.Bun ? undefined : "Bun's server runs on Bun only" },
  { server: "Python websockets server", start: pythonEchoServer, skip: pythonMissing() },
];

describe("interop: our client → every server", () => {
  for (const { server, start, skip } of PAIRS) {
    it(`our client → ${server}`, { skip }, async () => {
      const peer = await start();
      try {
        const options: DriverOptions = { ping, fragments: peer.fragments };
        const results = await runCases(WebSocket as unknown as typeof globalThis.WebSocket, peer.url, options);
        recordCells(`our client → ${server}`, results);
        assert.deepEqual(results, allPassed(results));
      } finally {
        await peer.stop();
      }
    });
  }
});
