// Test helper, not a test: a loopback TCP relay between a client and a
// server that reads what crosses it as RFC 6455 frames, so a test can see on
// the wire what neither peer's API shows: the answered Sec-WebSocket-Extensions
// and, per message, RSV1 and the compressed size (RFC 7692 §6). Connections
// that are not WebSocket upgrades (a browser fetching its page) pass through.
import { createConnection, createServer, type Socket } from "node:net";

/** One data message as it crossed the wire. */
export interface WireMessage {
  opcode: number;
  /** RSV1 of its first frame: "compressed" (RFC 7692 §6). */
  rsv1: boolean;
  /** Payload bytes over all its frames (compressed bytes when rsv1). */
  size: number;
}

/** What one upgraded connection carried. */
export interface WireConnection {
  /** The request's Sec-WebSocket-Extensions ("" when absent). */
  offer: string;
  /** The 101 response's Sec-WebSocket-Extensions ("" when absent). */
  extensions: string;
  toServer: WireMessage[];
  toClient: WireMessage[];
}

/** A running relay. */
export interface WireTap {
  /** ws://127.0.0.1:<relay port> */
  url: string;
  /** Every upgraded connection, in the order they were accepted. */
  connections: WireConnection[];
  stop(): Promise<void>;
}

const HEAD_END = "\r\n\r\n";

/** Every Sec-WebSocket-Extensions line of an HTTP head, joined as one list (RFC 9110 §5.3). */
function extensionsOf(head: string): string {
  const lines = [...head.matchAll(/^sec-websocket-extensions:[ \t]*(.*?)[ \t]*$/gim)];
  return lines.map((line) => line[1]).join(", ");
}

/** Reads one direction: the HTTP head, then frames; `onHead` may stop reading (not an upgrade). */
function reader(messages: WireMessage[], onHead: (head: string) => boolean): (chunk: Uint8Array) => void {
  let buffer = new Uint8Array(0);
  let inHead = true;
  let reading = true;
  let current: WireMessage | undefined;
  return (chunk) => {
    if (!reading) return;
    const joined = new Uint8Array(buffer.length + chunk.length);
    joined.set(buffer);
    joined.set(chunk, buffer.length);
    buffer = joined;
    if (inHead) {
      const text = new TextDecoder("latin1").decode(buffer);
      const end = text.indexOf(HEAD_END);
      if (end < 0) return;
      inHead = false;
      reading = onHead(text.slice(0, end));
      buffer = buffer.subarray(end + HEAD_END.length);
      if (!reading) return;
    }
    for (;;) {
      if (buffer.length < 2) return;
      const opcode = buffer[0] & 0x0f;
      const fin = (buffer[0] & 0x80) !== 0;
      let length = buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = (buffer[2] << 8) | buffer[3];
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(new DataView(buffer.buffer, buffer.byteOffset + 2, 8).getBigUint64(0));
        offset = 10;
      }
      if ((buffer[1] & 0x80) !== 0) offset += 4;
      if (buffer.length < offset + length) return;
      if (opcode < 8) {
        if (opcode !== 0) current = { opcode, rsv1: (buffer[0] & 0x40) !== 0, size: 0 };
        if (current !== undefined) current.size += length;
        if (fin && current !== undefined) {
          messages.push(current);
          current = undefined;
        }
      }
      buffer = buffer.subarray(offset + length);
    }
  };
}

/** Relay 127.0.0.1:<new port> to 127.0.0.1:`port`, recording every upgraded connection. */
export async function startWireTap(port: number): Promise<WireTap> {
  const connections: WireConnection[] = [];
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const server = createConnection({ host: "127.0.0.1", port });
    sockets.add(client).add(server);
    const seen: WireConnection = { offer: "", extensions: "", toServer: [], toClient: [] };
    const upstream = reader(seen.toServer, (head) => {
      seen.offer = extensionsOf(head);
      return /^upgrade:\s*websocket\s*$/im.test(head);
    });
    const downstream = reader(seen.toClient, (head) => {
      if (!/^HTTP\/1\.1 101/.test(head)) return false;
      seen.extensions = extensionsOf(head);
      connections.push(seen);
      return true;
    });
    client.on("data", (chunk: Uint8Array) => {
      upstream(chunk);
      server.write(chunk);
    });
    server.on("data", (chunk: Uint8Array) => {
      downstream(chunk);
      client.write(chunk);
    });
    // Each end's FIN is passed on once its data is, so the close handshake's last frames arrive.
    client.on("end", () => server.end()).on("error", () => server.destroy());
    server.on("end", () => client.end()).on("error", () => client.destroy());
    client.on("close", () => sockets.delete(client));
    server.on("close", () => sockets.delete(server));
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `ws://127.0.0.1:${(relay.address() as { port: number }).port}`,
    connections,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => relay.close(() => resolve()));
    },
  };
}
