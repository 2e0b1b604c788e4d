// RFC 7692 §5 and §7.1: permessage-deflate offers and answers, as tables.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  answerDeflateOffers,
  checkDeflateAnswer,
  deflateOfferHeader,
  type DeflateOptions,
  validateDeflateOptions,
} from "../../src/protocol/deflate_negotiation.ts";
import { WebSocketError } from "../../src/protocol/errors.ts";
import { parseExtensionHeader } from "../../src/protocol/extensions.ts";

const params = (over: Partial<Record<string, boolean | number>> = {}) => ({
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
  ...over,
});

describe("RFC 7692 §5, §7.1 the client's offer", () => {
  const cases: Array<[DeflateOptions[], string]> = [
    [[{ clientMaxWindowBits: true }], "permessage-deflate; client_max_window_bits"],
    [[{}], "permessage-deflate"],
    [
      [{
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 10,
        clientMaxWindowBits: 8,
      }],
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=8",
    ],
    [
      [{ serverMaxWindowBits: 9 }, { clientMaxWindowBits: true }],
      "permessage-deflate; server_max_window_bits=9, permessage-deflate; client_max_window_bits",
    ],
  ];
  for (const [offers, header] of cases) {
    it(`writes ${header}`, () => assert.equal(deflateOfferHeader(offers), header));
  }
  it("refuses window bits outside 8–15 with a RangeError", () => {
    for (const bad of [7, 16, 10.5, -1]) {
      assert.throws(() => deflateOfferHeader([{ serverMaxWindowBits: bad }]), RangeError);
      assert.throws(() => validateDeflateOptions({ clientMaxWindowBits: bad }), RangeError);
    }
  });
  it("parses repeated parameters as repeated", () => {
    assert.deepEqual(parseExtensionHeader("permessage-deflate; a; a=1")[0].repeated, ["a"]);
  });
});

describe("RFC 7692 §7.1 the server's answer", () => {
  const table: Array<[string, DeflateOptions, string | undefined, Partial<Record<string, boolean | number>>?]> = [
    // The browser's offer, the default server: our compressor keeps no context, and says so.
    ["permessage-deflate; client_max_window_bits", {}, "permessage-deflate; server_no_context_takeover", {
      serverNoContextTakeover: true,
    }],
    ["permessage-deflate", { serverNoContextTakeover: false }, "permessage-deflate"],
    [
      "permessage-deflate; server_no_context_takeover",
      { serverNoContextTakeover: false },
      "permessage-deflate; server_no_context_takeover",
      {
        serverNoContextTakeover: true,
      },
    ],
    [
      "permessage-deflate; client_no_context_takeover",
      { serverNoContextTakeover: false },
      "permessage-deflate; client_no_context_takeover",
      {
        clientNoContextTakeover: true,
      },
    ],
    // The server may demand client_no_context_takeover even if not offered (§7.1.1.2).
    [
      "permessage-deflate",
      { serverNoContextTakeover: false, clientNoContextTakeover: true },
      "permessage-deflate; client_no_context_takeover",
      {
        clientNoContextTakeover: true,
      },
    ],
    // server_max_window_bits offered: answered with the same or a smaller value (§7.1.2.1).
    [
      "permessage-deflate; server_max_window_bits=10",
      { serverNoContextTakeover: false },
      "permessage-deflate; server_max_window_bits=10",
      {
        serverMaxWindowBits: 10,
      },
    ],
    [
      'permessage-deflate; server_max_window_bits="12"',
      { serverNoContextTakeover: false, serverMaxWindowBits: 9 },
      "permessage-deflate; server_max_window_bits=9",
      {
        serverMaxWindowBits: 9,
      },
    ],
    [
      "permessage-deflate",
      { serverNoContextTakeover: false, serverMaxWindowBits: 11 },
      "permessage-deflate; server_max_window_bits=11",
      {
        serverMaxWindowBits: 11,
      },
    ],
    // client_max_window_bits may be limited only when offered (§7.1.2.2).
    [
      "permessage-deflate; client_max_window_bits",
      { serverNoContextTakeover: false, clientMaxWindowBits: 10 },
      "permessage-deflate; client_max_window_bits=10",
      {
        clientMaxWindowBits: 10,
      },
    ],
    [
      "permessage-deflate; client_max_window_bits=9",
      { serverNoContextTakeover: false, clientMaxWindowBits: 12 },
      "permessage-deflate; client_max_window_bits=9",
      {
        clientMaxWindowBits: 9,
      },
    ],
    ["permessage-deflate", { serverNoContextTakeover: false, clientMaxWindowBits: 10 }, "permessage-deflate"],
    // Malformed offers are declined, and the next one in preference order is taken.
    ["permessage-deflate; x-unknown, permessage-deflate", { serverNoContextTakeover: false }, "permessage-deflate"],
    ["permessage-deflate; server_max_window_bits", { serverNoContextTakeover: false }, undefined],
    ["permessage-deflate; server_max_window_bits=7", {}, undefined],
    ["permessage-deflate; server_max_window_bits=16", {}, undefined],
    ["permessage-deflate; server_max_window_bits=010", {}, undefined],
    ["permessage-deflate; client_max_window_bits=8.0", {}, undefined],
    ["permessage-deflate; server_no_context_takeover=1", {}, undefined],
    ["permessage-deflate; client_no_context_takeover; client_no_context_takeover", {}, undefined],
    ["permessage-deflate; server_max_window_bits=10; server_max_window_bits=10", {}, undefined],
    [
      "permessage-deflate; server_max_window_bits=10; server_max_window_bits=11, permessage-deflate; server_max_window_bits=11",
      {
        serverNoContextTakeover: false,
      },
      "permessage-deflate; server_max_window_bits=11",
      { serverMaxWindowBits: 11 },
    ],
    ["x-webkit-deflate-frame", {}, undefined],
    ["x-other, permessage-deflate", { serverNoContextTakeover: false }, "permessage-deflate"],
    // A header that is not a list at all offers nothing.
    ["permessage-deflate; =", {}, undefined],
  ];
  for (const [offer, options, answer, agreed] of table) {
    it(`${offer} with ${JSON.stringify(options)} → ${answer ?? "declined"}`, () => {
      const result = answerDeflateOffers(offer, options);
      assert.equal(result?.header, answer);
      if (answer !== undefined) assert.deepEqual(result!.params, params(agreed));
    });
  }
});

describe("RFC 7692 §7.1 the client's check of the answer", () => {
  const offer: DeflateOptions[] = [{ clientMaxWindowBits: true }];
  const good: Array<[DeflateOptions[], string, Partial<Record<string, boolean | number>>]> = [
    [offer, "permessage-deflate", {}],
    [offer, "permessage-deflate; server_no_context_takeover", { serverNoContextTakeover: true }],
    [offer, "permessage-deflate; client_no_context_takeover", { clientNoContextTakeover: true }],
    [offer, "permessage-deflate; server_max_window_bits=8", { serverMaxWindowBits: 8 }],
    [offer, "permessage-deflate; client_max_window_bits=10", { clientMaxWindowBits: 10 }],
    [[{ clientMaxWindowBits: 9 }], "permessage-deflate", { clientMaxWindowBits: 9 }],
    // Several offers: the answer fits the second.
    [[{ serverNoContextTakeover: true }, {}], "permessage-deflate", {}],
    [[{ serverMaxWindowBits: 10 }], "permessage-deflate; server_max_window_bits=9", { serverMaxWindowBits: 9 }],
  ];
  for (const [offers, answer, agreed] of good) {
    it(`accepts ${answer} for ${deflateOfferHeader(offers)}`, () => {
      assert.deepEqual(checkDeflateAnswer(offers, answer), params(agreed));
    });
  }
  const bad: Array<[DeflateOptions[], string]> = [
    [offer, "permessage-deflate; x=1"],
    [offer, "permessage-deflate; client_max_window_bits"],
    [offer, "permessage-deflate; server_max_window_bits"],
    [offer, "permessage-deflate; server_max_window_bits=16"],
    [offer, "permessage-deflate; server_no_context_takeover=yes"],
    [offer, "permessage-deflate; server_no_context_takeover; server_no_context_takeover"],
    [offer, "permessage-deflate, permessage-deflate"],
    [[{}], "permessage-deflate; client_max_window_bits=10"],
    [[{ clientMaxWindowBits: 9 }], "permessage-deflate; client_max_window_bits=10"],
    [[{ serverNoContextTakeover: true }], "permessage-deflate"],
    [[{ serverMaxWindowBits: 10 }], "permessage-deflate"],
    [[{ serverMaxWindowBits: 10 }], "permessage-deflate; server_max_window_bits=11"],
  ];
  for (const [offers, answer] of bad) {
    it(`fails the handshake on ${answer} for ${deflateOfferHeader(offers)}`, () => {
      assert.throws(
        () => checkDeflateAnswer(offers, answer),
        (error: unknown) => error instanceof WebSocketError && error.code === "WS_ERR_HANDSHAKE_DEFLATE",
      );
    });
  }
});
