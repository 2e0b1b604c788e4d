// RFC 7692 §5 and §7.1 through the whole engine: what our client offers and
// how it judges the answer, what our server answers to raw offers.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, WebSocket } from "../../src/mod.ts";
import { accept101, rawClient, rawServer, upgradeRequest } from "../_helpers/raw_peer.ts";

const extensionsOf = (head: string) => /^sec-websocket-extensions:\s*(.*?)\s*$/im.exec(head)?.[1];

/** Our client against a raw server answering with `answer`; the request head and how it ended. */
async function clientAgainst(answer: string | undefined, options: Record<string, unknown> = {}) {
  let request = "";
  const server = await rawServer(async (peer) => {
    request = await accept101(peer, answer === undefined ? "" : `Sec-WebSocket-Extensions: ${answer}\r\n`);
  });
  try {
    // The raw server never answers our close: do not wait the default 5 s for it.
    const ws = new WebSocket(server.url, { closeTimeout: 100, ...options });
    const events: string[] = [];
    ws.onopen = () => {
      events.push(`open:${ws.extensions}`);
      ws.close();
    };
    ws.onerror = (event) => events.push(`error:${(event as ErrorEvent).error?.code}`);
    await new Promise((resolve) => ws.onclose = (event) => resolve(events.push(`close:${event.code}`)));
    return { request, events };
  } finally {
    await server.close();
  }
}

describe("RFC 7692 §5 our client's offer", () => {
  it("offers permessage-deflate; client_max_window_bits by default, as browsers do", async () => {
    const { request, events } = await clientAgainst(undefined);
    assert.equal(extensionsOf(request), "permessage-deflate; client_max_window_bits");
    assert.equal(events[0], "open:");
  });
  it("offers nothing with perMessageDeflate: false", async () => {
    const { request } = await clientAgainst(undefined, { perMessageDeflate: false });
    assert.equal(extensionsOf(request), undefined);
  });
  it("offers several configurations in preference order", async () => {
    const { request } = await clientAgainst(undefined, {
      perMessageDeflate: [{ serverNoContextTakeover: true, serverMaxWindowBits: 10 }, { clientMaxWindowBits: 12 }],
    });
    assert.equal(
      extensionsOf(request),
      "permessage-deflate; server_no_context_takeover; server_max_window_bits=10, permessage-deflate; client_max_window_bits=12",
    );
  });
  it("shows the agreed answer in ws.extensions", async () => {
    const { events } = await clientAgainst("permessage-deflate; client_max_window_bits=10");
    assert.equal(events[0], "open:permessage-deflate; client_max_window_bits=10");
  });
});

describe("RFC 7692 §7.1 our client fails the handshake on a bad answer", () => {
  const bad: Array<[string, Record<string, unknown>?]> = [
    ["permessage-deflate; unknown_parameter"],
    ["permessage-deflate; client_max_window_bits"],
    ["permessage-deflate; server_max_window_bits=7"],
    ["permessage-deflate; server_no_context_takeover; server_no_context_takeover"],
    ["permessage-deflate, permessage-deflate"],
    ["permessage-deflate; client_max_window_bits=10", { perMessageDeflate: {} }],
    ["permessage-deflate", { perMessageDeflate: { serverNoContextTakeover: true } }],
  ];
  for (const [answer, options] of bad) {
    it(`${answer}${options ? ` to ${JSON.stringify(options)}` : ""}: WS_ERR_HANDSHAKE_DEFLATE, close 1006`, async () => {
      const { events } = await clientAgainst(answer, options);
      assert.deepEqual(events, ["error:WS_ERR_HANDSHAKE_DEFLATE", "close:1006"]);
    });
  }
  it("an extension that was not offered: WS_ERR_HANDSHAKE_EXTENSION", async () => {
    const { events } = await clientAgainst("permessage-deflate", { perMessageDeflate: false });
    assert.deepEqual(events, ["error:WS_ERR_HANDSHAKE_EXTENSION", "close:1006"]);
  });
});

describe("RFC 7692 §5, §7.1 our server's answer", () => {
  async function answerTo(offer: string | undefined, options: Record<string, unknown>) {
    let serverSide = "";
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      ...options,
      websocket: (ws) => serverSide = ws.extensions,
    });
    try {
      const peer = await rawClient(server.address.port);
      peer.write(
        upgradeRequest(server.address.port, "/", offer === undefined ? "" : `Sec-WebSocket-Extensions: ${offer}\r\n`),
      );
      const head = await peer.readHead();
      peer.destroy();
      assert.match(head, /^HTTP\/1\.1 101 /);
      assert.equal(serverSide, extensionsOf(head) ?? "");
      return extensionsOf(head);
    } finally {
      await server.shutdown({ timeout: 100 });
    }
  }

  it("is off unless asked for", async () => {
    assert.equal(await answerTo("permessage-deflate; client_max_window_bits", {}), undefined);
  });
  it("answers the browser's offer, saying its compressor keeps no context", async () => {
    assert.equal(
      await answerTo("permessage-deflate; client_max_window_bits", { perMessageDeflate: true }),
      "permessage-deflate; server_no_context_takeover",
    );
  });
  it("declines a malformed offer and takes the next one", async () => {
    assert.equal(
      await answerTo("permessage-deflate; server_max_window_bits=20, permessage-deflate; server_max_window_bits=10", {
        perMessageDeflate: true,
      }),
      "permessage-deflate; server_no_context_takeover; server_max_window_bits=10",
    );
  });
  it("declines every malformed offer: the 101 has no extension", async () => {
    assert.equal(
      await answerTo("permessage-deflate; x=1, permessage-deflate; client_max_window_bits=1", {
        perMessageDeflate: true,
      }),
      undefined,
    );
  });
  it("applies the options: client window and no context takeover demanded", async () => {
    assert.equal(
      await answerTo("permessage-deflate; client_max_window_bits", {
        perMessageDeflate: { clientMaxWindowBits: 9, clientNoContextTakeover: true },
      }),
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits=9",
    );
  });
  it("refuses window bits outside 8–15 when the server is made, not at the first connection", async () => {
    await assert.rejects(serve({ port: 0, perMessageDeflate: { serverMaxWindowBits: 7 } }), RangeError);
    await assert.rejects(serve({ port: 0, perMessageDeflate: { clientMaxWindowBits: 16 } }), RangeError);
  });
  it("lets the upgrade hook decide per connection", async () => {
    const upgrade = (request: { headers: Headers }) => ({
      perMessageDeflate: request.headers.get("x-deflate") === "yes",
    });
    assert.equal(await answerTo("permessage-deflate", { perMessageDeflate: true, upgrade }), undefined);
    assert.equal(
      await answerTo("permessage-deflate", {
        upgrade: () => ({ perMessageDeflate: { serverNoContextTakeover: true } }),
      }),
      "permessage-deflate; server_no_context_takeover",
    );
  });
});
