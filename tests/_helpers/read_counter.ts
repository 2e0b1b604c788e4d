// Test helper, not a test: counts the bytes a transport reads from its
// socket, by wrapping the sink its owner gives `start()`. Backpressure tests
// read the counts: a reader that stops reading must stop the socket reads too.
import type { Transport, TransportSink } from "../../src/transport/types.ts";

/** What one transport has read so far, and its largest single read. */
export interface ReadCount {
  read: number;
  maxRead: number;
}

/** Count what `transport` reads from the moment its owner starts it. */
export function countReads(transport: Transport): ReadCount {
  const count: ReadCount = { read: 0, maxRead: 0 };
  const start = transport.start.bind(transport);
  const counted = (n: number) => {
    count.read += n;
    count.maxRead = Math.max(count.maxRead, n);
  };
  transport.start = (sink: TransportSink) =>
    start({
      buffer: () => sink.buffer(),
      onRead: (n) => (counted(n), sink.onRead(n)),
      onData: (bytes) => (counted(bytes.length), sink.onData(bytes)),
      onPeerEnd: () => sink.onPeerEnd(),
      onDrain: () => sink.onDrain(),
      onClosed: (error) => sink.onClosed(error),
    });
  return count;
}
