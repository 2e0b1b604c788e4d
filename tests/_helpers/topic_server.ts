// Test helper, not a test: a server whose accepted sockets the test can reach
// (to subscribe them), with raw peers on the other side to check the wire.
import assert from "node:assert/strict";
import { serve, type ServeOptions, type Server, type WebSocket } from "../../src/mod.ts";
import { rawClient, type RawSocket, upgradeRequest } from "./raw_peer.ts";
import { until } from "./events.ts";

/** One connection: the raw peer, and the server's side of it. */
export interface Peer {
  raw: RawSocket;
  /** The server's side of the connection. */
  ws: WebSocket;
}

const servers: Server[] = [];

/** Shut down every server made so far (each test file calls it in `after`). */
export async function shutdownTopicServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((server) => server.shutdown({ timeout: 100 })));
}

/** A server on a free loopback port (shut down by {@link shutdownTopicServers}). */
export async function topicServer(options: ServeOptions = {}): Promise<{ server: Server; connect(): Promise<Peer> }> {
  const accepted: WebSocket[] = [];
  const server = await serve({ hostname: "127.0.0.1", port: 0, websocket: (ws) => void accepted.push(ws), ...options });
  servers.push(server);
  return {
    server,
    async connect() {
      const index = accepted.length;
      const raw = await rawClient(server.address.port);
      raw.write(upgradeRequest(server.address.port));
      assert.match(await raw.readHead(), /^HTTP\/1\.1 101 /);
      await until(() => accepted.length > index);
      assert.ok(accepted[index], "the server accepted the socket");
      return { raw, ws: accepted[index] };
    },
  };
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The next frame `peer` gets: a text frame; its text. */
export async function nextText(peer: Peer): Promise<string> {
  const frame = await peer.raw.readFrame();
  assert.equal(frame.opcode, 1);
  return text(frame.payload);
}

/** `peer` got nothing before the marker broadcast now. */
export async function gotNothing(server: Server, peers: Peer[]): Promise<void> {
  server.broadcast("marker");
  for (const peer of peers) assert.equal(await nextText(peer), "marker");
}
