// The default batcher capacity follows the batch size: three batches, at least 16 MiB; an explicit value wins.
import { describe, expect, it } from "vitest";
import { createCore, resolveCoreOptions } from "../../src/options.js";

const MiB = 1024 * 1024;

describe("default maxBufferedBytes", () => {
  it("is 16 MiB for the default 5 MiB batches", () => {
    expect(resolveCoreOptions({ sensorId: "s" }).maxBufferedBytes).toBe(16 * MiB);
  });

  it("grows to three batches when batches are larger, so a full batch fits in every lane", () => {
    expect(resolveCoreOptions({ sensorId: "s", batchMaxBytes: 20 * MiB }).maxBufferedBytes).toBe(60 * MiB);
    const batcher = createCore({ sensorId: "s", batchMaxBytes: 20 * MiB, batchMaxEvents: 1_000_000 }).createBatcher<number>();
    // Lane 2 (low priority) is admitted up to 80 % of the capacity: 48 MiB ≥ one 20 MiB batch.
    let offered = 0;
    while (offered < 20 * MiB && batcher.offer(offered, MiB, 2, 0)) offered += MiB;
    expect(offered).toBe(20 * MiB);
    expect(batcher.take(0, false)?.items).toHaveLength(20);
  });

  it("keeps an explicit value, however small", () => {
    expect(resolveCoreOptions({ sensorId: "s", maxBufferedBytes: MiB }).maxBufferedBytes).toBe(MiB);
    expect(resolveCoreOptions({ sensorId: "s", maxBufferedBytes: MiB, batchMaxBytes: 20 * MiB }).maxBufferedBytes).toBe(MiB);
  });
});
