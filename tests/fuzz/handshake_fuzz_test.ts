// Fuzz: the opening handshake in both roles. Seeded requests and responses,
// each valid or with one defect whose verdict is known from how it was built,
// fed in random chunks; then byte-level mutations judged by invariants (the
// verdict does not depend on chunking; what is accepted really is valid).
// The long run is `npm run fuzz`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { REQUEST_DEFECTS, RESPONSE_DEFECTS } from "../_helpers/handshake_fuzz.ts";
import {
  checkMutatedRequest,
  checkMutatedResponse,
  checkRequest,
  checkResponse,
} from "../_helpers/handshake_fuzz_check.ts";

const SEED = 4455;
const INPUTS = 10_000;

function built(check: typeof checkRequest, defects: number): void {
  const wrong: string[] = [];
  const reached = new Set<string>();
  for (let i = 0; i < INPUTS && wrong.length < 5; i++) {
    const result = check(SEED, i);
    reached.add(result.defect);
    if (result.wrong) wrong.push(result.wrong);
  }
  assert.deepEqual(wrong, []);
  assert.equal(reached.size, defects + 1, "every defect and the valid case occurred");
}

function mutated(check: typeof checkMutatedRequest): void {
  const wrong: string[] = [];
  for (let i = 0; i < INPUTS && wrong.length < 5; i++) {
    const problem = check(SEED, i);
    if (problem) wrong.push(problem);
  }
  assert.deepEqual(wrong, []);
}

describe("handshake fuzz: the server reading requests", () => {
  it(`${INPUTS} requests, valid or with one defect, in random chunks: the verdict the defect deserves`, () =>
    built(checkRequest, Object.keys(REQUEST_DEFECTS).length));
  it(`${INPUTS} mutated requests: the same verdict in any chunking, and nothing invalid accepted`, () =>
    mutated(checkMutatedRequest));
});

describe("handshake fuzz: the client reading responses", () => {
  it(`${INPUTS} responses, valid or with one defect, in random chunks: the error the defect deserves`, () =>
    built(checkResponse, Object.keys(RESPONSE_DEFECTS).length));
  it(`${INPUTS} mutated responses: the same verdict in any chunking, and nothing invalid accepted`, () =>
    mutated(checkMutatedResponse));
});
