import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  BULK_MIN,
  BULK_READ_SIZE,
  MAX_SPARES,
  QUIET_READ_SIZE,
  ReadRegions,
} from "../../src/transport/read_regions.ts";

describe("ReadRegions", () => {
  it("starts quiet: a small buffer of its own, the same one each time", () => {
    const regions = new ReadRegions();
    const quiet = regions.own();
    assert.equal(quiet?.length, QUIET_READ_SIZE);
    regions.landed(10);
    assert.equal(regions.own(), quiet);
  });

  it("a read that fills the quiet buffer makes the next one go to the sink's lent region", () => {
    const regions = new ReadRegions();
    regions.landed(QUIET_READ_SIZE);
    assert.equal(regions.own(), undefined);
    regions.landed(BULK_MIN - 1);
    assert.equal(regions.own(), undefined);
  });

  it("a read that fills a 64 KiB region makes the next ones bulk, while they stay that long", () => {
    const regions = new ReadRegions();
    regions.landed(BULK_MIN);
    const bulk = regions.own();
    assert.equal(bulk?.length, BULK_READ_SIZE);
    regions.landed(BULK_READ_SIZE);
    assert.equal(regions.own(), bulk);
    regions.landed(BULK_MIN + 1);
    assert.equal(regions.own(), bulk);
    // Shorter bulk reads go back to the lent region (no copy), the buffer kept for the next burst.
    regions.landed(BULK_MIN - 1);
    assert.equal(regions.own(), undefined);
    regions.landed(BULK_MIN);
    assert.equal(regions.own(), bulk);
  });

  it("a quiet read gives the bulk buffer up: an idle connection holds only the small one", () => {
    const regions = new ReadRegions();
    regions.landed(BULK_MIN);
    const bulk = regions.own();
    regions.landed(1);
    assert.equal(regions.own()?.length, QUIET_READ_SIZE);
    // Given up to the spares: the next connection with bulk data reads into it.
    const other = new ReadRegions();
    other.landed(BULK_MIN);
    assert.equal(other.own(), bulk);
  });

  it("keeps at most MAX_SPARES buffers given up", () => {
    const count = MAX_SPARES + 2;
    const held = Array.from({ length: count }, () => {
      const regions = new ReadRegions();
      regions.landed(BULK_MIN);
      return { regions, bulk: regions.own()! };
    });
    assert.equal(new Set(held.map((h) => h.bulk)).size, count);
    for (const h of held) h.regions.landed(0);
    const given = new Set(held.map((h) => h.bulk));
    let reused = 0;
    for (let i = 0; i < count; i++) {
      const regions = new ReadRegions();
      regions.landed(BULK_READ_SIZE);
      if (given.has(regions.own()!)) reused++;
    }
    assert.equal(reused, MAX_SPARES);
  });
});
