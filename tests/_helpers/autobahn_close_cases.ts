// Test helper, not a test: the Autobahn|Testsuite's 7.x cases (closing) as
// our own table: data and controls after a close, close payloads of every
// shape, and the status codes it sends, valid and invalid.
import type { FrameSpec } from "./frames.ts";
import { fromHex } from "./bytes.ts";
import { type AutobahnCase, closePayload, HELLO, ok, PEER_CLOSES, PING, send, text } from "./autobahn_case_kit.ts";

/** Every 7.x case. */
export function closing(): Array<[string, Omit<AutobahnCase, "id">]> {
  const close = (payload: Uint8Array = new Uint8Array(0)): FrameSpec => ({ opcode: 8, payload });
  const peerCloses = (payload: Uint8Array, codes: number[], requireClean = true) => ({
    steps: send(close(payload)),
    expected: { OK: [] },
    close: { byPeer: true, codes, requireClean },
  });
  const bigText = "BAsd7&jh23".repeat(26215).slice(0, 256 * 1024);
  const invalidReason = fromHex("cebae1bdb9cf83cebcceb5eda080"); // κόσμε, then a lone surrogate
  const valid = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999];
  const invalid = [0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999];
  return [
    ["7.1.1", ok(send({ opcode: 1, payload: "Hello World!" }), [text("Hello World!")])],
    ["7.1.2", ok(send(close(closePayload(1000)), close(closePayload(1000))), [])],
    ["7.1.3", ok(send(close(closePayload(1000)), PING), [])],
    ["7.1.4", ok(send(close(closePayload(1000)), HELLO), [])],
    [
      "7.1.5",
      ok(
        send({ opcode: 1, fin: false, payload: "fragment1" }, close(closePayload(1000)), {
          opcode: 0,
          payload: "fragment2",
        }),
        [],
      ),
    ],
    // Informational in the suite: whether the echoes go out before our close answer is left open.
    ["7.1.6", {
      steps: send({ opcode: 1, payload: bigText }, { opcode: 1, payload: "Hello World!" }, close(closePayload(1000)), {
        opcode: 9,
      }),
      expected: { OK: [text(bigText), text("Hello World!")], "NON-STRICT": [] },
      close: PEER_CLOSES,
      informational: true,
    }],
    ["7.3.1", peerCloses(new Uint8Array(0), [1000])],
    ["7.3.2", peerCloses(Uint8Array.of(0x2a), [1002], false)],
    ["7.3.3", peerCloses(closePayload(1000), [1000])],
    ["7.3.4", peerCloses(closePayload(1000, "Hello World!"), [1000])],
    ["7.3.5", peerCloses(closePayload(1000, "*".repeat(123)), [1000])],
    ["7.3.6", peerCloses(closePayload(1000, "*".repeat(124)), [1002], false)],
    ["7.5.1", peerCloses(closePayload(1000, invalidReason), [1007], false)],
    ...valid.map((code, i) =>
      [`7.7.${i + 1}`, peerCloses(closePayload(code), [code])] as [string, Omit<AutobahnCase, "id">]
    ),
    ...invalid.map((code, i) =>
      [`7.9.${i + 1}`, peerCloses(closePayload(code), [1002], false)] as [string, Omit<AutobahnCase, "id">]
    ),
    ["7.13.1", peerCloses(closePayload(5000), [1002], false)],
    ["7.13.2", peerCloses(closePayload(65535), [1002], false)],
  ];
}
