// Test helper, not a test: seeded opening handshakes for both roles, each
// built from a small description with at most one defect, so the expected
// verdict follows from the description alone (RFC 6455 §4.1–§4.2, RFC 9112),
// never from the code under test. Byte-level mutations come on top, judged
// by invariants: the same verdict whatever the chunking, and an accepted
// request that really is one.
import { rng } from "./frames.ts";
import { acceptFor } from "./raw_peer.ts";

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

/** Defects of a request, one at most per input, with the answer each deserves. */
export const REQUEST_DEFECTS = {
  "not an upgrade": "not upgrade",
  "POST": 400,
  "lower-case get": 400,
  "HTTP/1.0": 400,
  "no Host": 400,
  "two Hosts": 400,
  "no Connection: upgrade": 400,
  "no key": 400,
  "short key": 400,
  "key with a space": 400,
  "version 8": 426,
  "no version": 426,
  "header without a colon": 400,
  "space in a header name": 400,
  "obsolete line folding": 400,
  "bare LF": 400,
  "control character": 400,
  "101 header fields": 431,
  "head over 16 KiB": 431,
} as const;

export type RequestDefect = keyof typeof REQUEST_DEFECTS | null;

/** A request and what the server must answer: 101 (with the key), "not upgrade", or a status. */
export interface RequestCase {
  bytes: Uint8Array;
  /** Bytes sent after the head (the first frames), which an accepted handshake hands on. */
  rest: Uint8Array;
  defect: RequestDefect;
  expected: { accept: string; protocols: string[] } | "not upgrade" | number;
}

function base64Key(random: Random): string {
  const bytes = Uint8Array.from({ length: 16 }, () => Math.floor(random() * 256));
  return btoa(String.fromCharCode(...bytes));
}

/** The `index`-th request of `seed`: valid (with variations) or with exactly one defect. */
export function requestCase(seed: number, index: number): RequestCase {
  const random = rng(seed * 7919 + index);
  const defects = Object.keys(REQUEST_DEFECTS) as Array<keyof typeof REQUEST_DEFECTS>;
  const defect: RequestDefect = random() < 0.3 ? null : pick(random, defects);
  const key = base64Key(random);
  const protocols = pick(random, [[], ["chat"], ["chat", "superchat"]]);
  const method = defect === "POST" ? "POST" : defect === "lower-case get" ? "get" : "GET";
  const version = defect === "HTTP/1.0" ? "HTTP/1.0" : "HTTP/1.1";
  const lines = [`${method} ${pick(random, ["/", "/chat", "/a/b?c=d&e"])} ${version}`];
  const fields: string[] = [];
  if (defect !== "no Host") fields.push(`${pick(random, ["Host", "host", "HOST"])}: 127.0.0.1:8080`);
  if (defect === "two Hosts") fields.push("Host: example.com");
  fields.push(
    `Upgrade: ${
      defect === "not an upgrade"
        ? pick(random, ["h2c", "foo"])
        : pick(random, ["websocket", "WebSocket", "foo, websocket"])
    }`,
  );
  fields.push(
    `Connection: ${
      defect === "no Connection: upgrade" ? "keep-alive" : pick(random, ["Upgrade", "keep-alive, Upgrade", "upgrade"])
    }`,
  );
  if (defect !== "no key") {
    const sent = defect === "short key"
      ? key.slice(4)
      : defect === "key with a space"
      ? key.slice(0, 10) + " " + key.slice(11)
      : key;
    fields.push(`Sec-WebSocket-Key: ${sent}`);
  }
  if (defect !== "no version") fields.push(`Sec-WebSocket-Version: ${defect === "version 8" ? "8" : "13"}`);
  if (protocols.length > 0) fields.push(`Sec-WebSocket-Protocol: ${protocols.join(pick(random, [", ", ",", " , "]))}`);
  const fillers = defect === "101 header fields" ? 101 - fields.length : Math.floor(random() * 6);
  for (let i = 0; i < fillers; i++) fields.push(`X-Filler-${i}: ${"v".repeat(Math.floor(random() * 20))}`);
  if (defect === "head over 16 KiB") fields.push(`X-Big: ${"b".repeat(16_500)}`);
  const at = 1 + Math.floor(random() * (fields.length - 1));
  if (defect === "header without a colon") fields.splice(at, 0, "X-No-Colon value");
  if (defect === "space in a header name") fields.splice(at, 0, "X Bad: value");
  if (defect === "obsolete line folding") fields.splice(at, 0, " folded");
  if (defect === "control character") fields.splice(at, 0, "X-Ctl: a\u0001b");
  let head = [...lines, ...fields].join("\r\n") + "\r\n\r\n";
  if (defect === "bare LF") head = head.replace("\r\nUpgrade", "\nUpgrade");
  const rest = random() < 0.5
    ? new Uint8Array(0)
    : Uint8Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 256));
  const verdict = defect === null ? undefined : REQUEST_DEFECTS[defect];
  return {
    bytes: new TextEncoder().encode(head),
    rest,
    defect,
    expected: verdict === undefined ? { accept: acceptFor(key), protocols } : verdict,
  };
}

/** Defects of a response, one at most per input, with the error each deserves. */
export const RESPONSE_DEFECTS = {
  "status 200": "WS_ERR_HANDSHAKE_STATUS",
  "status 403": "WS_ERR_HANDSHAKE_STATUS",
  "no Upgrade": "WS_ERR_HANDSHAKE_HEADER",
  "Upgrade: h2c": "WS_ERR_HANDSHAKE_HEADER",
  "no Connection": "WS_ERR_HANDSHAKE_HEADER",
  "no Accept": "WS_ERR_HANDSHAKE_ACCEPT",
  "wrong Accept": "WS_ERR_HANDSHAKE_ACCEPT",
  "a subprotocol not offered": "WS_ERR_HANDSHAKE_SUBPROTOCOL",
  "no subprotocol to an offer": "WS_ERR_HANDSHAKE_SUBPROTOCOL",
  "an extension not offered": "WS_ERR_HANDSHAKE_EXTENSION",
  "garbage status line": "WS_ERR_HANDSHAKE_MALFORMED",
  "bare LF": "WS_ERR_HANDSHAKE_MALFORMED",
  "obsolete line folding": "WS_ERR_HANDSHAKE_MALFORMED",
  "head over 16 KiB": "WS_ERR_HANDSHAKE_TOO_LARGE",
} as const;

export type ResponseDefect = keyof typeof RESPONSE_DEFECTS | null;

/** A response to a client that sent `key` offering `offered`, and what the client must conclude. */
export interface ResponseCase {
  bytes: Uint8Array;
  rest: Uint8Array;
  defect: ResponseDefect;
  offered: string[];
  expected: { protocol: string } | string;
}

/** The `index`-th response of `seed` for the handshake key `key`. */
export function responseCase(seed: number, index: number, key: string): ResponseCase {
  const random = rng(seed * 104_729 + index);
  const defects = Object.keys(RESPONSE_DEFECTS) as Array<keyof typeof RESPONSE_DEFECTS>;
  const defect: ResponseDefect = random() < 0.3 ? null : pick(random, defects);
  // WHATWG (Fetch, "establish a WebSocket connection"): a client that offered
  // subprotocols fails unless the server names one of them.
  const silent = defect === "no subprotocol to an offer";
  const offered = pick(random, silent ? [["chat"], ["chat", "superchat"]] : [[], ["chat"], ["chat", "superchat"]]);
  const chosen = offered.length > 0 && !silent ? pick(random, offered) : "";
  const status = defect === "status 200"
    ? "200 OK"
    : defect === "status 403"
    ? "403 Forbidden"
    : "101 Switching Protocols";
  const fields: string[] = [];
  if (defect !== "no Upgrade") {
    fields.push(`Upgrade: ${defect === "Upgrade: h2c" ? "h2c" : pick(random, ["websocket", "WebSocket"])}`);
  }
  if (defect !== "no Connection") fields.push(`Connection: ${pick(random, ["Upgrade", "upgrade"])}`);
  if (defect !== "no Accept") {
    fields.push(`Sec-WebSocket-Accept: ${defect === "wrong Accept" ? acceptFor(key + "x") : acceptFor(key)}`);
  }
  if (defect === "a subprotocol not offered") fields.push("Sec-WebSocket-Protocol: other");
  else if (chosen !== "") fields.push(`Sec-WebSocket-Protocol: ${chosen}`);
  if (defect === "an extension not offered") fields.push("Sec-WebSocket-Extensions: permessage-deflate");
  if (status !== "101 Switching Protocols") fields.push("Content-Length: 0");
  for (let i = Math.floor(random() * 4); i > 0; i--) {
    fields.push(`X-Server-${i}: ${"w".repeat(Math.floor(random() * 30))}`);
  }
  if (defect === "obsolete line folding") fields.splice(1, 0, " folded");
  if (defect === "head over 16 KiB") fields.push(`X-Big: ${"b".repeat(16_500)}`);
  let head = [defect === "garbage status line" ? "HTTP/1.1 one-oh-one" : `HTTP/1.1 ${status}`, ...fields].join("\r\n") +
    "\r\n\r\n";
  if (defect === "bare LF") head = head.replace("\r\nConnection", "\nConnection").replace("\r\nUpgrade", "\nUpgrade");
  const rest = defect === null && random() < 0.5
    ? Uint8Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 256))
    : new Uint8Array(0);
  return {
    bytes: new TextEncoder().encode(head),
    rest,
    defect,
    offered,
    expected: defect === null ? { protocol: chosen } : RESPONSE_DEFECTS[defect],
  };
}

/** Flip, drop or insert a few bytes of `bytes` (for the invariant-only fuzz). */
export function mutate(bytes: Uint8Array, seed: number): Uint8Array {
  const random = rng(seed);
  const out = [...bytes];
  for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
    const at = Math.floor(random() * out.length);
    const how = random();
    if (how < 0.4) out[at] ^= 1 << Math.floor(random() * 8);
    else if (how < 0.7) out.splice(at, 1);
    else out.splice(at, 0, pick(random, [0x0d, 0x0a, 0x20, 0x3a, 0x00, 0x80, 0x2c, Math.floor(random() * 256)]));
  }
  return Uint8Array.from(out);
}
