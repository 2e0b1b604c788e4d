// Fetch's port blocking (https://fetch.spec.whatwg.org/#port-blocking): the
// ports a WebSocket refuses, checked against the Standard's list and the
// ports either side of each.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isBadPort } from "../../src/client/bad_port.ts";

// deno-fmt-ignore
const FETCH_BAD_PORTS = [
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109,
  110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530,
  531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190,
  5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
];

describe("isBadPort (Fetch port blocking)", () => {
  it("is true for every port on the Fetch Standard's list", () => {
    for (const port of FETCH_BAD_PORTS) assert.equal(isBadPort(port), true, `${port}`);
  });

  it("is false for every other port from 0 to 65535, the web's defaults among them", () => {
    const listed = new Set(FETCH_BAD_PORTS);
    const allowed = [];
    for (let port = 0; port <= 65535; port++) if (!listed.has(port)) allowed.push(port);
    assert.deepEqual(allowed.filter(isBadPort), []);
    for (const port of [80, 443, 8080, 8443, 3000, 65535]) assert.equal(isBadPort(port), false, `${port}`);
  });
});
