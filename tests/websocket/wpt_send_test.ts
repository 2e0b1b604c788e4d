// The checks of web-platform-tests `websockets/Send-*`, `Secure-Send-*` and
// `extended-payload-length`, restated against our WebSocket and a local
// stand-in for the WPT echo server, on ws: and wss:. The WHATWG send(data):
// an InvalidStateError while CONNECTING; otherwise bufferedAmount grows at
// once by the bytes sent (UTF-8 for text, after USVString conversion; the
// view's own bytes for an ArrayBufferView; the Blob's size); anything but a
// BufferSource or Blob is converted to a string. After close(), data is not
// sent but still counted.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "../../src/mod.ts";
import { once } from "../_helpers/events.ts";
import { type WptServer, wptServer } from "../_helpers/wpt_server.ts";

function domError(name: string) {
  return (error: unknown) => error instanceof DOMException && error.name === name;
}

interface Exchange {
  /** bufferedAmount read right after send(), in the same task. */
  buffered: number;
  /** The echoed message's data. */
  data: unknown;
  /** The close that followed, started by the client after the echo. */
  wasClean: boolean;
  /** What the server received. */
  received: Array<string | Uint8Array>;
}

/** In `open`: set binaryType, make the data and send it; close after the echo. */
async function exchange(
  server: WptServer,
  make: () => unknown,
  binaryType: BinaryType = "blob",
): Promise<Exchange & { sent: unknown }> {
  const ws = server.open();
  let errors = 0;
  ws.addEventListener("error", () => errors++);
  let buffered = -1;
  let sent: unknown;
  ws.addEventListener("open", () => {
    ws.binaryType = binaryType;
    sent = make();
    ws.send(sent as string);
    buffered = ws.bufferedAmount;
  });
  const message = await once<MessageEvent>(ws, "message");
  ws.close();
  const close = await once<CloseEvent>(ws, "close");
  assert.equal(errors, 0);
  return { buffered, data: message.data, wasClean: close.wasClean, received: server.received.at(-1)!, sent };
}

/** The bytes a view covers, as the peer should see them. */
function viewBytes(view: ArrayBufferView): number[] {
  return [...new Uint8Array(view.buffer, view.byteOffset, view.byteLength)];
}

for (const secure of [false, true]) {
  const scheme = secure ? "wss" : "ws";

  describe(`WPT Send-* on ${scheme}:`, () => {
    it("send() while CONNECTING is an InvalidStateError", async () => {
      const server = await wptServer(secure);
      try {
        const ws = server.open();
        assert.throws(() => ws.send("Message to send"), domError("InvalidStateError"));
        assert.equal(ws.bufferedAmount, 0);
        ws.close();
        await once(ws, "close");
      } finally {
        await server.shutdown();
      }
    });

    it("text: counted in bufferedAmount at once, echoed as sent, clean close (Send-data)", async () => {
      const server = await wptServer(secure);
      try {
        const seen = await exchange(server, () => "Message to send");
        assert.equal(seen.buffered, 15);
        assert.equal(seen.data, "Message to send");
        assert.equal(seen.wasClean, true);
      } finally {
        await server.shutdown();
      }
    });

    it("65,000 characters: bufferedAmount 65000, echoed whole (Send-65K-data)", async () => {
      const server = await wptServer(secure);
      try {
        const seen = await exchange(server, () => "c".repeat(65000));
        assert.equal(seen.buffered, 65000);
        assert.equal(seen.data, "c".repeat(65000));
        assert.equal(seen.wasClean, true);
      } finally {
        await server.shutdown();
      }
    });

    it("an empty string is a message of its own (Send-0byte-data)", async () => {
      const server = await wptServer(secure);
      try {
        const seen = await exchange(server, () => "");
        assert.equal(seen.buffered, 0);
        assert.equal(seen.data, "");
        assert.deepEqual(seen.received, [""]);
        assert.equal(seen.wasClean, true);
      } finally {
        await server.shutdown();
      }
    });

    it("non-ASCII text counts its UTF-8 bytes (Send-unicode-data: six ¥ are 12 bytes)", async () => {
      const server = await wptServer(secure);
      try {
        const seen = await exchange(server, () => "\u00a5".repeat(6));
        assert.equal(seen.buffered, 12);
        assert.equal(seen.data, "\u00a5".repeat(6));
      } finally {
        await server.shutdown();
      }
    });

    it("a surrogate pair is sent as one character (4 bytes); a lone one as U+FFFD (3 bytes)", async () => {
      const server = await wptServer(secure);
      try {
        const paired = await exchange(server, () => "\uD801\uDC07");
        assert.equal(paired.buffered, 4);
        assert.equal(paired.data, "\uD801\uDC07");
        const lone = await exchange(server, () => "\uD807");
        assert.equal(lone.buffered, 3);
        assert.equal(lone.data, "\uFFFD");
        assert.deepEqual(server.received.at(-1), ["\uFFFD"]);
      } finally {
        await server.shutdown();
      }
    });

    it("null, undefined and a number are sent as their strings (Send-null)", async () => {
      const server = await wptServer(secure);
      try {
        assert.equal((await exchange(server, () => null)).data, "null");
        assert.equal((await exchange(server, () => undefined)).data, "undefined");
        const number = await exchange(server, () => 42);
        assert.equal(number.data, "42");
        assert.equal(number.buffered, 2);
      } finally {
        await server.shutdown();
      }
    });

    it("text at the frame length boundaries 125, 126, 65535, 65536 comes back intact", async () => {
      const server = await wptServer(secure);
      try {
        for (const size of [125, 126, 0xffff, 0x10000]) {
          const seen = await exchange(server, () => "a".repeat(size));
          assert.equal(seen.data, "a".repeat(size), `${size}`);
        }
      } finally {
        await server.shutdown();
      }
    });

    it("an ArrayBuffer: counted by its length, echoed as an ArrayBuffer (Send-binary-arraybuffer)", async () => {
      const server = await wptServer(secure);
      try {
        const seen = await exchange(server, () => new TextEncoder().encode("Hello, World!").buffer, "arraybuffer");
        assert.equal(seen.buffered, 13);
        assert.ok(seen.data instanceof ArrayBuffer);
        assert.equal(new TextDecoder().decode(seen.data as ArrayBuffer), "Hello, World!");
        assert.equal(seen.wasClean, true);
      } finally {
        await server.shutdown();
      }
    });

    it("a 65,000-byte ArrayBuffer: bufferedAmount 65000, 65000 bytes back", async () => {
      const server = await wptServer(secure);
      try {
        const seen = await exchange(server, () => new ArrayBuffer(65000), "arraybuffer");
        assert.equal(seen.buffered, 65000);
        assert.equal((seen.data as ArrayBuffer).byteLength, 65000);
      } finally {
        await server.shutdown();
      }
    });

    it("typed-array views send exactly the bytes they cover, offset and length honoured", async () => {
      const server = await wptServer(secure);
      const views: Array<[string, () => ArrayBufferView]> = [
        ["Int8Array", () => Int8Array.from([0, 1, -2, 127, -128, 5, 6, 7])],
        ["Int16Array at offset 2", () => new Int16Array(new ArrayBuffer(8), 2).fill(-300)],
        ["Uint8Array at offset 2", () => new Uint8Array(new ArrayBuffer(8), 2).map((_, i) => i + 1)],
        ["Uint8Array at offset 2, length 4", () => new Uint8Array(new ArrayBuffer(8), 2, 4).map((_, i) => i + 9)],
        ["Uint16Array at offset 2, length 2", () => Object.assign(new Uint16Array(new ArrayBuffer(8), 2, 2), [1, 2])],
        ["Uint32Array at offset 4", () => new Uint32Array(new ArrayBuffer(8), 4).fill(0xdeadbeef)],
        ["Int32Array", () => Int32Array.from([-1, 2])],
        ["Float32Array", () => Float32Array.from([1.5, -2.25])],
        ["Float64Array", () => Float64Array.from([Math.PI])],
        ["DataView at offset 1, length 3", () => new DataView(Uint8Array.from([9, 8, 7, 6, 5]).buffer, 1, 3)],
      ];
      try {
        for (const [name, make] of views) {
          const seen = await exchange(server, make, "arraybuffer");
          const view = seen.sent as ArrayBufferView;
          assert.equal(seen.buffered, view.byteLength, name);
          assert.deepEqual([...new Uint8Array(seen.data as ArrayBuffer)], viewBytes(view), name);
          assert.deepEqual([...(seen.received[0] as Uint8Array)], viewBytes(view), name);
        }
      } finally {
        await server.shutdown();
      }
    });

    it("a 65,000-byte Blob: bufferedAmount 65000 at once, a Blob of that size back (Send-binary-blob)", async () => {
      const server = await wptServer(secure);
      try {
        const seen = await exchange(server, () => new Blob(["\0".repeat(65000)]), "blob");
        assert.equal(seen.buffered, 65000);
        assert.ok(seen.data instanceof Blob);
        assert.equal((seen.data as Blob).size, 65000);
        assert.deepEqual(new Uint8Array(await (seen.data as Blob).arrayBuffer()), new Uint8Array(65000));
        assert.equal(seen.wasClean, true);
      } finally {
        await server.shutdown();
      }
    });

    it("after close(), send() does not throw: nothing goes out, bufferedAmount grows by each message", async () => {
      const server = await wptServer(secure);
      try {
        const ws = server.open();
        await once(ws, "open");
        ws.close();
        ws.send("abc");
        assert.equal(ws.bufferedAmount, 3);
        ws.send(new Uint8Array(5));
        assert.equal(ws.bufferedAmount, 8);
        await once(ws, "close");
        ws.send(new Blob(["xy"]));
        assert.equal(ws.bufferedAmount, 10);
        assert.deepEqual(server.received.at(-1), []);
      } finally {
        await server.shutdown();
      }
    });
  });
}

describe("WPT Send-*: the argument", () => {
  it("send() without an argument is a TypeError, even while CONNECTING", () => {
    const ws = new WebSocket("ws://127.0.0.1:8080/echo");
    assert.throws(() => (ws.send as () => void)(), TypeError);
    ws.close();
  });
});
