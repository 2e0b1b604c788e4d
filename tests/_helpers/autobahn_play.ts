// Test helper, not a test: plays one case of the Autobahn|Testsuite's kind
// (see autobahn_cases.ts) from a raw peer against our engine in one role,
// whose application echoes every message, and judges it as the suite's
// fuzzing peer does: the events it received (echoed messages, pongs) against
// the expected lists, and the close: who sent the first close frame, our
// close code, whether the closing handshake completed, and, against our
// server, that the server closed TCP without waiting for the peer.
import { type Harness, harness, type Role } from "./engine_pair.ts";
import type { FrameSpec } from "./frames.ts";
import { concat } from "./bytes.ts";
import type { AutobahnCase, Verdict } from "./autobahn_case_kit.ts";
import { Peer } from "./autobahn_peer.ts";

/** Run `cases` in `role`, a few at a time, each on its own connection; their verdicts by id. */
export async function play(role: Role, cases: AutobahnCase[], width = 8): Promise<Map<string, Verdict>> {
  const h = await harness(role, { closeTimeout: 60_000 });
  const verdicts = new Map<string, Verdict>();
  let next = 0;
  const lane = async () => {
    while (next < cases.length) {
      const c = cases[next++];
      verdicts.set(c.id, await playOne(h, c));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(width, cases.length) }, lane));
  } finally {
    await h.close();
  }
  return verdicts;
}

async function playOne(h: Harness, c: AutobahnCase): Promise<Verdict> {
  const pair = await h.open();
  pair.ws.addEventListener("message", (event) => pair.ws.send((event as MessageEvent).data as string | ArrayBuffer));
  const peer = new Peer(pair);
  for (const step of c.steps) {
    if ("wait" in step) {
      if (!(await peer.stillOpen(step.insideFrame === true))) break;
      if (step.wait !== "") peer.received.push(`timeout:${step.wait}`);
    } else if ("part" in step) {
      const bytes = peer.bytesOf(step.part);
      const head = bytes.length - (step.part.length ?? payloadOf(step.part).length);
      peer.write(
        bytes.subarray(step.from === 0 ? 0 : head + step.from, step.to === undefined ? undefined : head + step.to),
      );
    } else {
      const frames = step.frames.map((spec) => peer.bytesOf(spec));
      if (step.sync) { for (const bytes of frames) await peer.writeApart(bytes); }
      else if (step.chop !== undefined) {
        const all = concat(...frames);
        for (let at = 0; at < all.length; at += step.chop) await peer.writeApart(all.subarray(at, at + step.chop));
      } else peer.write(concat(...frames));
    }
  }
  if (c.close.byPeer && !peer.closeSent && !peer.ourClose) {
    // The suite closes once what it received matches (finishWhenDone), or when its case timer runs out.
    if (Object.values(c.expected).every((list) => list.length === 0)) await peer.stillOpen(false);
    await peer.until(() => matches(peer.received, c.expected) !== undefined || peer.ourClose !== undefined, 5000)
      .catch(() => {});
    if (peer.ourClose === undefined) peer.sendClose(Uint8Array.of(0x03, 0xe8));
  }
  await peer.finish();
  const matched = matches(peer.received, c.expected) ?? "FAILED";
  const behavior = c.informational ? `INFORMATIONAL (${matched})` : matched;
  return { behavior, close: peer.judgeClose(c.close), received: peer.received };
}

function matches(received: string[], expected: Record<string, string[]>): string | undefined {
  const seen = JSON.stringify(received);
  return Object.keys(expected).find((verdict) => JSON.stringify(expected[verdict]) === seen);
}

function payloadOf(spec: FrameSpec): Uint8Array {
  return typeof spec.payload === "string" ? new TextEncoder().encode(spec.payload) : spec.payload ?? new Uint8Array(0);
}

/** The cases whose id starts with one of `prefixes` ("7." takes 7.1.1 but not 70.1). */
export function family(cases: AutobahnCase[], ...prefixes: string[]): AutobahnCase[] {
  return cases.filter((c) => prefixes.some((prefix) => c.id === prefix || c.id.startsWith(`${prefix}.`)));
}

/** The verdicts short of the suite's pass ("OK", or "INFORMATIONAL" where the suite leaves it open), one line each. */
export function shortfalls(verdicts: Map<string, Verdict>): string[] {
  return [...verdicts].filter(([, v]) =>
    !(v.behavior === "OK" || v.behavior.startsWith("INFORMATIONAL")) || v.close !== "OK"
  )
    .map(([id, v]) => `${id}: behaviour ${v.behavior}, close ${v.close}, received ${JSON.stringify(v.received)}`);
}
