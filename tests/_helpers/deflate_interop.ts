// Test helper, not a test: the permessage-deflate interop cases (INTEROP.md's
// second table). A client echoes four messages through each of two
// connections (the pair's usual agreement, then both no_context_takeover with
// small windows); a wire tap between the peers shows what was agreed and, per
// message, RSV1 and the compressed size. deflateEcho stays self-contained:
// Chromium receives it through toString().
import type { WireConnection, WireMessage } from "./wire_tap.ts";

/** The cases of every deflate pair, in the order of the INTEROP.md columns. */
export const DEFLATE_CASES = [
  "agreed",
  "text",
  "binary",
  "context takeover",
  "no context takeover, small windows",
] as const;

/** The second connection: every pair agrees both no_context_takeover and these windows. */
export const SMALL = { serverMaxWindowBits: 10, clientMaxWindowBits: 9 };
/** Our client's and our server's options for the second connection. */
export const SMALL_OPTIONS = { threshold: 0, serverNoContextTakeover: true, clientNoContextTakeover: true, ...SMALL };

/** What the client saw on one connection: its `extensions`, per message true or what went wrong, and how it closed. */
export interface Echo {
  extensions: string;
  echoed: Array<true | string>;
  /** "<code> <wasClean>" of the close the client started with 1000. */
  closed: string;
}

/**
 * Through each run's connection, send and await the echo of: JSON text with
 * non-ASCII characters, compressible binary, then twice the same 2 KiB of
 * text that compresses poorly on its own (so a kept context shows: RFC 7692
 * §7.2.3.2). `init` is the client constructor's second argument, if any.
 */
export async function deflateEcho(
  WS: typeof WebSocket,
  _page: string,
  runs: Array<{ url: string; init?: unknown }>,
): Promise<Echo[]> {
  const json = JSON.stringify(
    Array.from({ length: 300 }, (_, i) => ({ id: i, user: `usér${i % 7} 😀`, price: (i * 37) % 1000 })),
  );
  const binary = new Uint8Array(64 * 1024).map((_, i) => (i % 251) ^ (i >> 10));
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let seed = 12345;
  let noise = "";
  for (let i = 0; i < 2048; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    noise += alphabet[seed >> 25];
  }
  const messages: Array<string | Uint8Array> = [json, binary, noise, noise];
  const echoes: Echo[] = [];
  for (const { url, init } of runs) {
    const ws = init === undefined
      ? new WS(url)
      : new (WS as unknown as new (u: string, i: unknown) => WebSocket)(url, init);
    ws.binaryType = "arraybuffer";
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error(`Cannot connect to ${url}`));
    });
    const echoed: Array<true | string> = [];
    for (const message of messages) {
      const reply = new Promise<unknown>((resolve) => ws.onmessage = (event) => resolve(event.data));
      ws.send(message);
      const data = await reply;
      if (typeof message === "string") echoed.push(data === message || `got ${String(data).slice(0, 60)}`);
      else if (!(data instanceof ArrayBuffer)) echoed.push(`got ${typeof data}, not an ArrayBuffer`);
      else {
        const bytes = new Uint8Array(data);
        const same = bytes.length === message.length && bytes.every((byte, i) => byte === message[i]);
        echoed.push(same || `got ${bytes.length} bytes that differ`);
      }
    }
    const closed = new Promise<string>((resolve) => ws.onclose = (event) => resolve(`${event.code} ${event.wasClean}`));
    ws.close(1000);
    echoes.push({ extensions: ws.extensions, echoed, closed: await closed });
  }
  return echoes;
}

/** One connection as the tap and the client saw it, and the answer the test expects. */
export interface Seen {
  wire: WireConnection | undefined;
  echo: Echo | undefined;
  expected: string;
  /** The offer the test expects, where the client is ours. */
  offer?: string;
}

const DIRECTIONS = [["toServer", "client", "client → server"], ["toClient", "server", "server → client"]] as const;

/** Problems with messages `indexes` of `seen`: each echoed intact, of `opcode`, RSV1 set both ways (or neither). */
function echoes(seen: Seen, indexes: number[], opcode: number, compressed = true): string[] {
  const problems: string[] = [];
  for (const i of indexes) {
    if (seen.echo?.echoed[i] !== true) problems.push(`message ${i}: ${seen.echo?.echoed[i] ?? "not sent"}`);
    for (const [key, , label] of DIRECTIONS) {
      const message: WireMessage | undefined = seen.wire?.[key][i];
      if (message?.opcode !== opcode) problems.push(`${label} message ${i} has opcode ${message?.opcode}`);
      else if (message.rsv1 !== compressed) problems.push(`${label} message ${i} has RSV1 ${message.rsv1}`);
    }
  }
  return problems;
}

/** Problems with the repeated message: its copy is small where the sender may keep its context, about as big where not. */
function takeover(seen: Seen): string[] {
  const problems: string[] = [];
  for (const [key, sender, label] of DIRECTIONS) {
    const [first, again] = [seen.wire?.[key][2]?.size ?? 0, seen.wire?.[key][3]?.size ?? 0];
    const kept = !seen.wire?.extensions.includes(`${sender}_no_context_takeover`);
    if (kept && !(again * 4 < first)) {
      problems.push(`${label}: the copy took ${again} B after ${first} B, no context kept`);
    }
    if (!kept && again * 10 < first * 9) {
      problems.push(`${label}: the copy took ${again} B after ${first} B, context kept`);
    }
  }
  return problems;
}

/** Problems with what was agreed: our client's offer, the tap's 101 answer, the client's `extensions` (some show names only), a clean close. */
function agreed(seen: Seen): string[] {
  if (seen.wire === undefined || seen.echo === undefined) return ["the connection was not seen"];
  const problems: string[] = [];
  if (seen.offer !== undefined && seen.wire.offer !== seen.offer) problems.push(`offered "${seen.wire.offer}"`);
  if (seen.wire.extensions !== seen.expected) problems.push(`answered "${seen.wire.extensions}"`);
  const shown = seen.echo.extensions;
  const names = seen.wire.extensions.split(";")[0];
  if (shown !== seen.wire.extensions && shown !== names) problems.push(`client shows "${shown}"`);
  if (seen.echo.closed !== "1000 true") problems.push(`closed with ${seen.echo.closed}, not 1000 cleanly`);
  const counts = [seen.wire.toServer.length, seen.wire.toClient.length];
  if (counts.join() !== "4,4") problems.push(`${counts.join(" and ")} data messages crossed, not 4 and 4`);
  return problems;
}

/**
 * Each case's result for one pair: true, or what went wrong. `declined`
 * says why the server declines the small connection's offer (expected ""):
 * then its case is n/a, once the connection is seen to work uncompressed.
 */
export function judgeDeflate(usual: Seen, small: Seen, declined?: string): Record<string, true | string> {
  const result = (problems: string[], na?: string) =>
    problems.length > 0 ? problems.join("; ") : na ? `n/a: ${na}` : true;
  const both = ["server", "client"].every((side) => usual.wire?.extensions.includes(`${side}_no_context_takeover`));
  const smallUsed = declined === undefined;
  return {
    "agreed": result(agreed(usual)),
    "text": result(echoes(usual, [0], 1)),
    "binary": result(echoes(usual, [1], 2)),
    "context takeover": result([
      ...echoes(usual, [2, 3], 1),
      ...takeover(usual),
      ...(both ? ["neither side may keep its context: this connection cannot show takeover"] : []),
    ]),
    "no context takeover, small windows": result([
      ...agreed(small),
      ...echoes(small, [0, 2, 3], 1, smallUsed),
      ...echoes(small, [1], 2, smallUsed),
      ...(smallUsed ? takeover(small) : []),
    ], declined),
  };
}

/** What a passing pair looks like: every case true; the small one n/a where the server declines it. */
export function deflatePassed(declined?: string): Record<string, true | string> {
  const cases = Object.fromEntries(DEFLATE_CASES.map((name): [string, true | string] => [name, true]));
  if (declined !== undefined) cases["no context takeover, small windows"] = `n/a: ${declined}`;
  return cases;
}

/** What a pair records beside its cells: each connection's offer and answer as the tap saw them. */
export function agreedOn(wires: Array<WireConnection | undefined>): Array<{ offer: string; answer: string }> {
  return wires.map((wire) => ({ offer: wire?.offer ?? "(not seen)", answer: wire?.extensions ?? "(not seen)" }));
}
