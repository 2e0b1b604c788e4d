// permessage-deflate interop, our client's side (INTEROP.md's second table):
// our WebSocket, offering deflate as browsers do, against our server, the ws
// server, Python's websockets server and (on Bun) Bun.serve, with a wire tap
// between them; then again offering both no_context_takeover and small windows.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "../../src/mod.ts";
import { recordCells } from "../_helpers/interop_cells.ts";
import {
  agreedOn,
  deflateEcho,
  deflatePassed,
  judgeDeflate,
  SMALL,
  SMALL_OPTIONS,
} from "../_helpers/deflate_interop.ts";
import {
  bunDeflateServer,
  type DeflateServer,
  ourDeflateServer,
  pythonDeflateServer,
  wsDeflateServer,
} from "../_helpers/deflate_servers.ts";
import { startWireTap, type WireTap } from "../_helpers/wire_tap.ts";
import { pythonMissing } from "../_helpers/python.ts";

const g = globalThis as { Bun?: unknown };
/** Our small offer (SMALL_OPTIONS), and each server's answer to it, parameter for parameter. */
const SMALL_HEADER = "permessage-deflate; server_no_context_takeover; client_no_context_takeover; " +
  `server_max_window_bits=${SMALL.serverMaxWindowBits}; client_max_window_bits=${SMALL.clientMaxWindowBits}`;

interface Pair {
  server: string;
  /** The server for the usual connection, then for the small one. */
  start: (small: boolean) => Promise<DeflateServer> | DeflateServer;
  /** What the server answers our default offer ("permessage-deflate; client_max_window_bits"). */
  usual: string;
  /** Why it declines our small offer (SMALL_OPTIONS), when it does. */
  declined?: string;
  skip?: string;
}

const PAIRS: Pair[] = [
  {
    server: "our server",
    start: (small) => ourDeflateServer(small ? SMALL_OPTIONS : { threshold: 0 }),
    usual: "permessage-deflate; server_no_context_takeover",
  },
  {
    server: "ws server",
    start: (small) => wsDeflateServer(small ? SMALL_OPTIONS : { threshold: 0 }),
    usual: "permessage-deflate",
  },
  {
    server: "Bun.serve",
    // Bun's default (`true`, a shared compressor) keeps no context either way: the usual connection
    // uses dedicated compressors so that context takeover shows; the small one, the default.
    start: (small) => bunDeflateServer(small ? true : { compress: "dedicated", decompress: "dedicated" }),
    usual: "permessage-deflate",
    declined: "uWebSockets declines an offer of no_context_takeover together with server_max_window_bits " +
      "(the connection then works uncompressed, as the test checks)",
    skip: g.Bun ? undefined : "Bun's server runs on Bun only",
  },
  {
    server: "Python websockets server",
    start: (small) => pythonDeflateServer(small),
    usual: "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12",
    skip: pythonMissing(),
  },
];

describe("permessage-deflate interop: our client → every server", () => {
  for (const { server, start, usual, declined, skip } of PAIRS) {
    it(`our client → ${server}`, { skip }, async () => {
      const servers: DeflateServer[] = [];
      const taps: WireTap[] = [];
      try {
        for (const isSmall of [false, true]) {
          servers.push(await start(isSmall));
          taps.push(await startWireTap(servers[servers.length - 1].port));
        }
        const echoes = await deflateEcho(WebSocket as unknown as typeof globalThis.WebSocket, "", [
          { url: taps[0].url },
          { url: taps[1].url, init: { perMessageDeflate: SMALL_OPTIONS } },
        ]);
        const [usualWire, smallWire] = taps.map((tap) => tap.connections[0]);
        const results = judgeDeflate(
          { wire: usualWire, echo: echoes[0], expected: usual, offer: "permessage-deflate; client_max_window_bits" },
          {
            wire: smallWire,
            echo: echoes[1],
            expected: declined === undefined ? SMALL_HEADER : "",
            offer: SMALL_HEADER,
          },
          declined,
        );
        const agreed = agreedOn([usualWire, smallWire]);
        recordCells(`our client → ${server}`, results, { table: "permessage-deflate", agreed });
        assert.deepEqual(results, deflatePassed(declined));
      } finally {
        await Promise.all([...taps, ...servers].map((each) => each.stop()));
      }
    });
  }
});
