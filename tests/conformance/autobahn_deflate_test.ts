// The Autobahn|Testsuite's permessage-deflate cases (12.x, 13.1–13.7), both
// roles: the suite's offers (as its fuzzingclient sends them to our server)
// and its answers to our client's offer (as its fuzzingserver chooses them:
// no context takeover and window bits 8 or 15 requested), each checked
// against RFC 7692 §7.1; then compressed messages of the suite's sizes,
// whole and auto-fragmented, each echoed and inflated with the agreed
// window and context; then a clean close. A case whose handshake agrees no
// extension is what the suite reports as UNIMPLEMENTED.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { harness, type Pair, type Role } from "../_helpers/engine_pair.ts";
import { ContextDeflater, deflateAlone, PeerInflater } from "../_helpers/deflate_peer.ts";
import { rng } from "../_helpers/frames.ts";

/** One permessage-deflate element: its parameters, `true` for one without a value. */
type Params = Record<string, string | true>;

function parse(header: string | undefined): Params[] {
  if (header === undefined) return [];
  return header.split(",").map((element) => {
    const [name, ...params] = element.split(";").map((part) => part.trim());
    assert.equal(name, "permessage-deflate");
    return Object.fromEntries(params.map((param) => {
      const [key, value] = param.split("=");
      return [key, value ?? true];
    }));
  });
}

const header = (head: string) => /^sec-websocket-extensions:\s*(.*?)\s*$/im.exec(head)?.[1];

/** The suite's client offers, by case (an offer lets the server ask for no client context and a client window). */
const OFFER = "permessage-deflate; client_no_context_takeover; client_max_window_bits";
const OFFERS: Record<string, string> = {
  "13.1 (and 12.x)": OFFER,
  "13.2": `${OFFER}; server_no_context_takeover`,
  "13.3": `${OFFER}; server_max_window_bits=8`,
  "13.4": `${OFFER}; server_max_window_bits=15`,
  "13.5": `${OFFER}; server_no_context_takeover; server_max_window_bits=8`,
  "13.6": `${OFFER}; server_no_context_takeover; server_max_window_bits=15`,
  "13.7": [
    `${OFFER}; server_no_context_takeover; server_max_window_bits=8`,
    `${OFFER}; server_no_context_takeover`,
    OFFER,
  ].join(", "),
};

/**
 * The suite's server answers, by case: what it asks of the client
 * (no context takeover, a window), granted only when the offer allows it
 * (the suite reads an offer as allowing no context takeover unless told
 * otherwise, and a client window only with client_max_window_bits); the
 * offer's own requests are granted as made. 13.7 tries (true, 8), (true, 0), (false, 0).
 */
const ASKS: Record<string, Array<[boolean, number]>> = {
  "13.1 (and 12.x)": [[false, 0]],
  "13.2": [[true, 0]],
  "13.3": [[false, 8]],
  "13.4": [[false, 15]],
  "13.5": [[true, 8]],
  "13.6": [[true, 15]],
  "13.7": [[true, 8], [true, 0], [false, 0]],
};

function answerTo(offers: Params[], asks: Array<[boolean, number]>): string | undefined {
  for (const [noContext, bits] of asks) {
    const offer = offers.find((o) => bits === 0 || o.client_max_window_bits !== undefined);
    if (offer === undefined) continue;
    let text = "permessage-deflate";
    if (offer.server_no_context_takeover) text += "; server_no_context_takeover";
    if (offer.server_max_window_bits) text += `; server_max_window_bits=${offer.server_max_window_bits}`;
    if (noContext) text += "; client_no_context_takeover";
    if (bits !== 0) text += `; client_max_window_bits=${bits}`;
    return text;
  }
  return undefined;
}

/** §7.1: an answer the offers allow (one element, known parameters, windows within the offer's). */
function checkAnswer(offers: Params[], answer: Params): void {
  const allowed = offers.some((offer) =>
    Object.keys(answer).every((key) =>
      ["server_no_context_takeover", "client_no_context_takeover", "server_max_window_bits", "client_max_window_bits"]
        .includes(key)
    ) &&
    (!offer.server_no_context_takeover || answer.server_no_context_takeover === true) &&
    (offer.server_max_window_bits === undefined ||
      Number(answer.server_max_window_bits) <= Number(offer.server_max_window_bits)) &&
    (answer.client_max_window_bits === undefined || offer.client_max_window_bits !== undefined) &&
    [answer.server_max_window_bits, answer.client_max_window_bits].every((bits) =>
      bits === undefined || /^(8|9|1[0-5])$/.test(String(bits))
    )
  );
  assert.ok(allowed, `answer ${JSON.stringify(answer)} to ${JSON.stringify(offers)}`);
}

/** The suite's message sizes (payload bytes, messages, auto-fragment size), a few of each kind. */
const SIZES: Array<[number, number, number]> = [[16, 20, 0], [4096, 20, 0], [65536, 4, 256], [131072, 4, 4096]];

/** JSON-like text: repetitive near and far, as the suite's data1.json is. */
const DATA = (() => {
  const random = rng(7);
  const words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
  let text = "";
  for (let i = 0; text.length < 400_000; i++) {
    const word = () => words[Math.floor(random() * words.length)];
    text += `{"id":${i},"name":"${word()}-${word()}","score":${Math.floor(random() * 1e6)},"tags":["${word()}"]},`;
  }
  return new TextEncoder().encode(text);
})();

/** The peer's side of the agreement: how it compresses, how it inflates what we send. */
function peerSide(role: Role, answer: Params) {
  const own = role === "server" ? "client" : "server";
  const ours = role === "server" ? "server" : "client";
  const bits = (side: string) => Number(answer[`${side}_max_window_bits`] ?? 15);
  const noContext = (side: string) => answer[`${side}_no_context_takeover`] === true;
  const deflater = noContext(own) ? undefined : new ContextDeflater(bits(own));
  return {
    compress: async (payload: Uint8Array) =>
      deflater ? await deflater.compress(payload) : deflateAlone(payload, bits(own)),
    inflater: new PeerInflater(!noContext(ours), bits(ours), true),
    close: () => deflater?.close(),
  };
}

async function exchange(pair: Pair, answer: Params): Promise<string[]> {
  const peer = peerSide(pair.role, answer);
  const wrong: string[] = [];
  let at = 0;
  for (const [size, count, fragment] of SIZES) {
    for (let n = 0; n < count; n++, at = (at + size) % (DATA.length - size)) {
      const message = DATA.subarray(at, at + size);
      const compressed = await peer.compress(message);
      const step = fragment === 0 ? compressed.length || 1 : fragment;
      for (let i = 0; i < compressed.length || i === 0; i += step) {
        const last = i + step >= compressed.length;
        pair.send({ opcode: i === 0 ? 1 : 0, rsv1: i === 0, fin: last, payload: compressed.subarray(i, i + step) });
      }
      const parts: Uint8Array[] = [];
      let rsv1 = false;
      for (let fin = false; !fin;) {
        const next = await pair.peer.readFrame();
        if (parts.length === 0) rsv1 = (next.rsv & 4) !== 0;
        parts.push(next.payload);
        fin = next.fin;
      }
      const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
      parts.reduce((offset, part) => (joined.set(part, offset), offset + part.length), 0);
      const echoed = rsv1 ? peer.inflater.inflate(joined) : joined;
      if (echoed.length !== message.length || echoed.some((byte, i) => byte !== message[i])) {
        wrong.push(`${size}-byte message ${n}: echo differs`);
      }
    }
  }
  peer.close();
  return wrong;
}

async function closeAsTheSuite(pair: Pair): Promise<void> {
  pair.send({ opcode: 8, payload: Uint8Array.of(0x03, 0xe8) });
  const reply = await pair.readClose();
  assert.equal(reply.code, 1000);
  if (pair.role === "client") pair.peer.end();
  else await pair.peer.waitEnd(3000);
  const event = await pair.closed;
  assert.deepEqual([event.code, event.wasClean], [1000, true]);
}

describe("Autobahn|Testsuite 12.x/13.x permessage-deflate against our server", () => {
  for (const [name, offer] of Object.entries(OFFERS)) {
    it(`${name}: ${offer}`, async () => {
      const h = await harness("server", { perMessageDeflate: true }, offer);
      try {
        const pair = await h.open();
        pair.ws.addEventListener("message", (event) => pair.ws.send((event as MessageEvent).data as string));
        const answers = parse(header(pair.head));
        assert.equal(answers.length, 1, "the extension is agreed (else the suite says UNIMPLEMENTED)");
        checkAnswer(parse(offer), answers[0]);
        assert.deepEqual(await exchange(pair, answers[0]), []);
        await closeAsTheSuite(pair);
      } finally {
        await h.close();
      }
    });
  }
});

describe("Autobahn|Testsuite 12.x/13.x permessage-deflate against our client (its default offer)", () => {
  const ourOffer = "permessage-deflate; client_max_window_bits";
  for (const [name, asks] of Object.entries(ASKS)) {
    const answer = answerTo(parse(ourOffer), asks);
    it(`${name}: answered ${answer}`, async () => {
      assert.ok(answer !== undefined, "the suite accepts our offer (else it says UNIMPLEMENTED)");
      const h = await harness("client", {}, answer);
      try {
        const pair = await h.open();
        assert.equal(header(pair.head), ourOffer);
        assert.equal(pair.ws.extensions, answer);
        pair.ws.addEventListener("message", (event) => pair.ws.send((event as MessageEvent).data as string));
        checkAnswer(parse(ourOffer), parse(answer)[0]);
        assert.deepEqual(await exchange(pair, parse(answer)[0]), []);
        await closeAsTheSuite(pair);
      } finally {
        await h.close();
      }
    });
  }
});
