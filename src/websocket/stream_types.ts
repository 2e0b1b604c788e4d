/**
 * What a `WebSocketStream` takes and gives (see `stream.ts`): its options,
 * the messages its readable yields, the chunks its writable takes, and what
 * `opened` resolves with.
 *
 * @example
 * ```ts
 * import type { StreamMessage, WebSocketStreamOptions } from "./stream_types.ts";
 * const options: WebSocketStreamOptions = { protocols: ["chat"], highWaterMark: 1 << 20 };
 * const show = (message: StreamMessage) => typeof message === "string" ? message : `${message.byteLength} bytes`;
 * ```
 * @module
 */

import type { ClientOptions } from "../client/connect.ts";

/** A message as the readable gives it: text as a string, binary as a `Uint8Array`. */
export type StreamMessage = string | Uint8Array;

/** What the writable takes: a string (text) or bytes (binary). */
export type StreamChunk = string | ArrayBuffer | ArrayBufferView;

/** Options of `WebSocketStream`: the proposal's, plus wasmws's client options. */
export interface WebSocketStreamOptions extends Omit<ClientOptions, "limits"> {
  /** Subprotocols to offer. */
  protocols?: string[];
  /** Bytes the readable queues before the engine stops reading the socket (default 65536; text counts its length). */
  highWaterMark?: number;
  /** Largest message accepted, in bytes (default 100 MiB; 1009 beyond). */
  maxPayload?: number;
}

/** What `opened` resolves with. */
export interface WebSocketOpenInfo {
  /** Messages from the peer. */
  readable: ReadableStream<StreamMessage>;
  /** Messages to the peer. */
  writable: WritableStream<StreamChunk>;
  /** The extensions the server chose. */
  extensions: string;
  /** The subprotocol the server chose ("" when none). */
  protocol: string;
}
