// Test helper, not a test: a transport that logs what its owner asks of it
// (writes, pause, resume, end, destroy, and cork/uncork when it offers
// them), for driving a Session by hand. `destroy()` reports the socket gone
// to the sink, as a real transport does.
import type { Transport, TransportSink } from "../../src/transport/types.ts";
import { toHex } from "./frames.ts";

/** How a fake transport behaves. */
export interface FakeTransportOptions {
  /** Offer cork() and uncork(). */
  cork?: boolean;
  /** How a write is logged, after "write " (default: its bytes in hex). */
  show?: (bytes: Uint8Array) => string;
  /** Log pause() and resume() (default true). */
  logReading?: boolean;
  /** Keep written bytes queued (writableLength grows) and report the queue full. */
  holdWrites?: boolean;
}

/** The transport, its log, a copy of each write, and the sink its owner started it with. */
export interface FakeTransport {
  transport: Transport & { writableLength: number };
  log: string[];
  written: Uint8Array[];
  sink(): TransportSink;
}

/** A transport that only records; set `transport.writableLength` to play a queue. */
export function fakeTransport(options: FakeTransportOptions = {}): FakeTransport {
  const log: string[] = [];
  const written: Uint8Array[] = [];
  const show = options.show ?? toHex;
  const logReading = options.logReading !== false;
  let sink: TransportSink | undefined;
  const transport: Transport & { writableLength: number } = {
    capabilities: { lentBuffer: false },
    remoteAddress: undefined,
    writableLength: 0,
    start: (given) => void (sink = given),
    write(bytes) {
      written.push(bytes.slice());
      log.push(`write ${show(bytes)}`);
      if (options.holdWrites !== true) return true;
      transport.writableLength += bytes.length;
      return false;
    },
    pause: () => void (logReading && log.push("pause")),
    resume: () => void (logReading && log.push("resume")),
    end: () => void log.push("end"),
    destroy: () => {
      log.push("destroy");
      sink?.onClosed();
    },
    ...(options.cork === true ? { cork: () => void log.push("cork"), uncork: () => void log.push("uncork") } : {}),
  };
  return {
    transport,
    log,
    written,
    sink: () => {
      if (sink === undefined) throw new Error("Cannot reach the sink: the transport was not started");
      return sink;
    },
  };
}
