/**
 * wasmws: one WebSocket engine for Deno, Bun, Node and workerd.
 *
 * The client is the web's `WebSocket`; `serve()` accepts connections as the
 * same `WebSocket` objects. The protocol (RFC 6455) runs in a WebAssembly
 * core over each runtime's raw TCP/TLS sockets. For `node:http` servers, see
 * the `./node` entry (`upgradeHandler`).
 *
 * @example
 * ```ts
 * import { serve, WebSocket } from "@wasmws/wasmws";
 * const server = await serve({ port: 0, websocket: (ws) => ws.addEventListener("message", (e) => ws.send(e.data)) });
 * const ws = new WebSocket(`ws://127.0.0.1:${server.address.port}`);
 * ws.onopen = () => ws.send("hello");
 * ws.onmessage = async (event) => {
 *   console.log(event.data); // "hello"
 *   ws.close();
 *   await server.shutdown();
 * };
 * ```
 * @module
 */

export {
  type BinaryType,
  type UpgradeInfo,
  WebSocket,
  type WebSocketListener,
  type WebSocketOptions,
} from "./websocket/websocket.ts";
export {
  type CloseEventLike,
  type ErrorEventLike,
  type PingPongEvent,
  type WebSocketErrorEvent,
  type WebSocketEventMap,
} from "./websocket/events.ts";
export { CloseEvent, type CloseEventConstructor, type CloseEventInit } from "./websocket/close_event.ts";
export { MessageEvent, type MessageEventConstructor, type MessageEventInit } from "./websocket/message_event.ts";
export {
  type StreamChunk,
  type StreamMessage,
  type WebSocketCloseInfo,
  type WebSocketOpenInfo,
  WebSocketStream,
  WebSocketStreamError,
  type WebSocketStreamOptions,
} from "./websocket/stream.ts";
export {
  type ConnectAttempt,
  type ConnectOverrides,
  type ReconnectClock,
  type ReconnectCloseEvent,
  type ReconnectEvent,
  ReconnectingWebSocket,
  type ReconnectingWebSocketOptions,
} from "./websocket/reconnecting.ts";
export type { BackoffOptions } from "./client/backoff.ts";
export { SafeEventTarget } from "./websocket/safe_events.ts";
export type { ClientOptions } from "./client/connect.ts";
export type { ProxyOption } from "./client/proxy.ts";
export type { SessionOptions } from "./session/session.ts";
export type { ConnectionLimits } from "./protocol/connection.ts";
export type { DeflateOptions } from "./protocol/deflate_negotiation.ts";
export { serve, type ServeOptions, type Server, type ShutdownOptions } from "./server/serve.ts";
export { type Broker, type BrokerDelivery, type BrokerMember, memoryBroker } from "./pubsub/broker.ts";
export type { PublishOptions, TopicData } from "./pubsub/topics.ts";
export type { AcceptOptions, ServerWebSocket, UpgradeDecision, WebSocketHandlers } from "./server/accept_options.ts";
export type { ServerErrorHook, ServerStats } from "./server/failures.ts";
export type { FetchHandler, FetchInfo } from "./server/http.ts";
export { type ErrorCode, type ErrorInfo, ERRORS, WebSocketError } from "./protocol/errors.ts";
export type { ClientTlsOptions, NetAddress, ServerTlsOptions } from "./transport/types.ts";
