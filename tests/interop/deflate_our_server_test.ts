// permessage-deflate interop, our server's side (INTEROP.md's second table):
// ws's client, Python's websockets client and headless Chromium against our
// server with perMessageDeflate, through a wire tap; then against our server
// answering both no_context_takeover and small windows.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket as WsClient } from "ws";
import { recordCells } from "../_helpers/interop_cells.ts";
import {
  agreedOn,
  deflateEcho,
  deflatePassed,
  type Echo,
  judgeDeflate,
  SMALL,
  SMALL_OPTIONS,
} from "../_helpers/deflate_interop.ts";
import { type DeflateServer, ourDeflateServer } from "../_helpers/deflate_servers.ts";
import { startWireTap, type WireTap } from "../_helpers/wire_tap.ts";
import { pythonMissing, runPython } from "../_helpers/python.ts";
import { chromiumMissing, inChromium } from "../_helpers/chromium.ts";

/** Our answer to every client's offer of the small connection (each offers at least client_max_window_bits). */
const SMALL_ANSWER = "permessage-deflate; server_no_context_takeover; client_no_context_takeover; " +
  `server_max_window_bits=${SMALL.serverMaxWindowBits}; client_max_window_bits=${SMALL.clientMaxWindowBits}`;

const PYTHON_CLIENT = `
import asyncio, json, random, sys, websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
async def run(uri, small):
    # Compression is on by default; the small connection offers what it asks for.
    options = dict(compression=None, extensions=[ClientPerMessageDeflateFactory(
        server_no_context_takeover=True, client_no_context_takeover=True,
        server_max_window_bits=${SMALL.serverMaxWindowBits}, client_max_window_bits=${SMALL.clientMaxWindowBits})]) if small else {}
    rng = random.Random(12345)
    noise = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(2048))
    messages = [json.dumps([{"id": i, "user": "usér%d 😀" % (i % 7), "price": i * 37 % 1000} for i in range(300)], ensure_ascii=False),
                bytes((i % 251) ^ (i >> 10) & 0xff for i in range(65536)), noise, noise]
    echoed = []
    async with websockets.connect(uri, max_size=None, **options) as ws:
        for message in messages:
            await ws.send(message)
            reply = await ws.recv()
            echoed.append(True if reply == message else "got %r" % reply[:60])
    # Leaving the block closed with 1000; clean when both close frames crossed.
    clean = ws.close_sent is not None and ws.close_rcvd is not None
    return {"extensions": ws.response_headers.get("Sec-WebSocket-Extensions", ""), "echoed": echoed,
            "closed": "%s %s" % (ws.close_code, "true" if clean else "false")}
async def main():
    print(json.dumps([await run(sys.argv[1], False), await run(sys.argv[2], True)]))
asyncio.run(main())
`;

interface Pair {
  client: string;
  /** Runs the client through the usual connection, then the small one; resolves with what it saw. */
  run: (usual: string, small: string) => Promise<Echo[]>;
  /** Our answer to its usual offer. */
  usual: string;
  skip?: string;
}

const PAIRS: Pair[] = [
  {
    client: "ws client",
    run: (usual, small) =>
      deflateEcho(WsClient as unknown as typeof globalThis.WebSocket, "", [
        { url: usual, init: { perMessageDeflate: { threshold: 0 } } },
        { url: small, init: { perMessageDeflate: SMALL_OPTIONS } },
      ]),
    usual: "permessage-deflate; server_no_context_takeover",
  },
  {
    client: "Python websockets client",
    run: async (usual, small) => JSON.parse(await runPython(PYTHON_CLIENT, [usual, small], 60_000)),
    usual: "permessage-deflate; server_no_context_takeover",
    skip: pythonMissing(),
  },
  {
    client: "headless Chromium",
    // A browser's offer is its own ("permessage-deflate; client_max_window_bits"): only our answer differs.
    run: (usual, small) => inChromium(usual, deflateEcho, [{ url: usual }, { url: small }]),
    usual: "permessage-deflate; server_no_context_takeover",
    skip: chromiumMissing(),
  },
];

describe("permessage-deflate interop: every client → our server", () => {
  for (const { client, run, usual, skip } of PAIRS) {
    it(`${client} → our server`, { skip }, async () => {
      const servers: DeflateServer[] = [];
      const taps: WireTap[] = [];
      try {
        for (const options of [{ threshold: 0 }, SMALL_OPTIONS]) {
          servers.push(await ourDeflateServer(options));
          taps.push(await startWireTap(servers[servers.length - 1].port));
        }
        const echoes = await run(taps[0].url, taps[1].url);
        const [usualWire, smallWire] = taps.map((tap) => tap.connections[0]);
        const results = judgeDeflate(
          { wire: usualWire, echo: echoes[0], expected: usual },
          { wire: smallWire, echo: echoes[1], expected: SMALL_ANSWER },
        );
        const agreed = agreedOn([usualWire, smallWire]);
        recordCells(`${client} → our server`, results, { table: "permessage-deflate", agreed });
        assert.deepEqual(results, deflatePassed());
      } finally {
        await Promise.all([...taps, ...servers].map((each) => each.stop()));
      }
    });
  }
});
