// Test helper, not a test: a scripted raw TCP peer (a plain `node:net` socket,
// not a WebSocket library), so tests can send exactly the bytes — broken
// handshakes, malformed frames — that no real peer would.
import { connect, createServer, type Server, type Socket } from "node:net";
import { createHash } from "node:crypto";

/** One raw connection with awaitable reads. */
export class RawSocket {
  readonly socket: Socket;
  // Unread bytes: a view of #store, which grows by doubling, so reading a
  // large message chunk by chunk costs no more than its length in copies.
  #store = new Uint8Array(4096);
  #buffer = this.#store.subarray(0, 0);
  #waiters: Array<() => void> = [];
  #ended = false;
  readonly closed: Promise<void>;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Uint8Array) => {
      const length = this.#buffer.length;
      if (this.#buffer.byteOffset + length + chunk.length > this.#store.length) {
        const store = new Uint8Array(Math.max(2 * (length + chunk.length), 4096));
        store.set(this.#buffer);
        this.#store = store;
        this.#buffer = store.subarray(0, length);
      }
      const start = this.#buffer.byteOffset;
      this.#store.set(chunk, start + length);
      this.#buffer = this.#store.subarray(start, start + length + chunk.length);
      this.#wake();
    });
    socket.on("error", () => {});
    this.closed = new Promise((resolve) => socket.on("close", () => resolve()));
    socket.on("end", () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#wake();
    });
  }

  /** True once the peer sent FIN or the socket closed. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Bytes received and not yet consumed. */
  get buffered(): Uint8Array {
    return this.#buffer;
  }

  /** Read exactly `n` bytes (rejects on EOF or after `timeout` ms). */
  async read(n: number, timeout = 5000): Promise<Uint8Array> {
    await this.#until(() => this.#buffer.length >= n, timeout, `${n} bytes`);
    const out = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  /** Read an HTTP head (through the blank line), as text. */
  async readHead(timeout = 5000): Promise<string> {
    await this.#until(() => headEnd(this.#buffer) >= 0, timeout, "an HTTP head");
    const end = headEnd(this.#buffer);
    const head = new TextDecoder("latin1").decode(this.#buffer.subarray(0, end));
    this.#buffer = this.#buffer.subarray(end);
    return head;
  }

  /** Read one whole frame: `{ fin, opcode, masked, payload }` (payload unmasked). */
  async readFrame(
    timeout = 5000,
  ): Promise<{ fin: boolean; rsv: number; opcode: number; masked: boolean; payload: Uint8Array }> {
    const head = await this.read(2, timeout);
    let length = head[1] & 0x7f;
    if (length === 126) length = new DataView((await this.read(2, timeout)).buffer).getUint16(0);
    else if (length === 127) length = Number(new DataView((await this.read(8, timeout)).buffer).getBigUint64(0));
    const masked = (head[1] & 0x80) !== 0;
    const key = masked ? await this.read(4, timeout) : undefined;
    const payload = await this.read(length, timeout);
    if (key) { for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3]; }
    return { fin: (head[0] & 0x80) !== 0, rsv: (head[0] >> 4) & 7, opcode: head[0] & 0x0f, masked, payload };
  }

  /** Wait until the peer ends the connection (rejects after `timeout`). */
  async waitEnd(timeout = 5000): Promise<void> {
    await this.#until(() => this.#ended, timeout, "the end of the stream");
  }

  write(bytes: Uint8Array | string): void {
    this.socket.write(bytes);
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  async #until(ready: () => boolean, timeout: number, what: string): Promise<void> {
    const deadline = Date.now() + timeout;
    while (!ready()) {
      if (this.#ended && !ready()) throw new Error(`Cannot read ${what}: the peer closed`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Cannot read ${what}: timed out`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

function headEnd(buffer: Uint8Array): number {
  for (let i = 3; i < buffer.length; i++) {
    if (buffer[i - 3] === 13 && buffer[i - 2] === 10 && buffer[i - 1] === 13 && buffer[i] === 10) return i + 1;
  }
  return -1;
}

/** The Sec-WebSocket-Accept value for a key (computed with node:crypto, independently of src/). */
export function acceptFor(key: string): string {
  return createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
}

/** Pull the Sec-WebSocket-Key out of a request head. */
export function keyOf(head: string): string {
  const match = /^sec-websocket-key:\s*(\S+)\s*$/im.exec(head);
  if (!match) throw new Error("no Sec-WebSocket-Key in request");
  return match[1];
}

/** A raw TCP server on 127.0.0.1 that hands each connection to `script`. */
export async function rawServer(script: (peer: RawSocket) => Promise<void> | void): Promise<{
  port: number;
  url: string;
  peers: RawSocket[];
  close(): Promise<void>;
}> {
  const peers: RawSocket[] = [];
  const server: Server = createServer((socket) => {
    const peer = new RawSocket(socket);
    peers.push(peer);
    Promise.resolve(script(peer)).catch(() => peer.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    peers,
    close: () =>
      new Promise<void>((resolve) => {
        for (const peer of peers) peer.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Answer a client's upgrade with a correct 101 (plus `extra` header lines). */
export async function accept101(peer: RawSocket, extra = ""): Promise<string> {
  const head = await peer.readHead();
  peer.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Accept: ${acceptFor(keyOf(head))}\r\n${extra}\r\n`,
  );
  return head;
}

/** Connect a raw client to 127.0.0.1:`port`. */
export async function rawClient(port: number): Promise<RawSocket> {
  const socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return new RawSocket(socket);
}

/** A valid client upgrade request for `path` (with `extra` header lines). */
export function upgradeRequest(port: number, path = "/", extra = ""): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;
}

/**
 * Send `request` (an HTTP request, head and body) to `port` and half-close;
 * the answer's head and body, read until the server closes (which it does
 * once it has answered everything a half-closed client sent).
 */
export async function exchange(port: number, request: string): Promise<{ head: string; body: string }> {
  const peer = await rawClient(port);
  peer.write(request);
  peer.end();
  const head = await peer.readHead();
  await peer.waitEnd();
  peer.destroy();
  return { head, body: new TextDecoder().decode(peer.buffered) };
}
