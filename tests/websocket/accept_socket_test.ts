// The socket of an accepted connection (WHATWG readyState, MessageEvent):
// OPEN at once with the chosen subprotocol and extensions, its request and
// peer as the server kept them, and its session's events fired at it, or
// given to a server's handler object instead.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ACCEPTED, type AcceptedConnection, acceptSocket } from "../../src/websocket/accept_socket.ts";
import { sessionOf, WebSocket } from "../../src/websocket/websocket.ts";
import { Session } from "../../src/session/session.ts";
import { ON_MESSAGE } from "../../src/session/contract.ts";
import { loadCodec } from "../../src/codec/load.ts";
import type { KeptRequest } from "../../src/websocket/upgrade_info.ts";
import { frame } from "../_helpers/frames.ts";
import { fakeTransport } from "../_helpers/fake_transport.ts";

const codec = await loadCodec();
const upgrade: KeptRequest = {
  url: "ws://example.com:8080/chat?room=1",
  remoteAddress: { hostname: "192.0.2.7", port: 50000 },
  fields: "Host: example.com:8080\r\nUpgrade: websocket",
};

function openSession(): Session {
  const session = new Session(fakeTransport().transport, {});
  session.open(codec, "server", new Uint8Array(0));
  return session;
}

describe("acceptSocket", () => {
  it("is OPEN with the protocol, extensions, request and peer it was accepted with", () => {
    const session = openSession();
    const core = acceptSocket(new EventTarget(), { session, protocol: "chat", extensions: "", upgrade });
    assert.deepEqual([core.readyState, core.protocol, core.extensions, core.url], [1, "chat", "", upgrade.url]);
    assert.equal(core.session, session);
    assert.deepEqual(core.upgrade, upgrade);
    assert.deepEqual(core.remoteAddress, upgrade.remoteAddress);
  });

  it("fires the session's messages at its target, with the URL's origin", async () => {
    const session = openSession();
    const target = new EventTarget();
    acceptSocket(target, { session, protocol: "", extensions: "", upgrade });
    const message = new Promise<MessageEvent>((resolve) =>
      target.addEventListener("message", (event) => resolve(event as MessageEvent))
    );
    session.onData(frame({ opcode: 1, payload: "hi", mask: true }));
    const event = await message;
    assert.deepEqual([event.data, event.origin], ["hi", "ws://example.com:8080"]);
  });

  it("gives the session's events to the events made for it instead, and fires none", async () => {
    const session = openSession();
    const target = new EventTarget();
    const fired: string[] = [];
    target.addEventListener("message", () => fired.push("fired"));
    const seen: unknown[] = [];
    const core = acceptSocket(target, {
      session,
      protocol: "",
      extensions: "",
      upgrade,
      events: (given) => ({ [ON_MESSAGE]: (data) => void seen.push([given, data]) }),
    });
    session.onData(frame({ opcode: 1, payload: "hi", mask: true }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(seen, [[core, "hi"]]);
    assert.deepEqual(fired, []);
  });
});

describe("new WebSocket(ACCEPTED, accepted)", () => {
  it("is the accepted socket: OPEN at once with its protocol, URL and request, reaching its session", () => {
    const session = openSession();
    const accepted: AcceptedConnection = { session, protocol: "chat", extensions: "", upgrade };
    const ws = new WebSocket(ACCEPTED as unknown as string, accepted as unknown as string);
    assert.deepEqual([ws.readyState, ws.protocol, ws.url], [WebSocket.OPEN, "chat", upgrade.url]);
    assert.equal(ws.request?.headers.get("host"), "example.com:8080");
    assert.equal(sessionOf(ws), session);
  });
});
