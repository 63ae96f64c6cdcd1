import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DiskSpool, openBuffer, RedisStreamBuffer } from "../../src/buffer/index.js";
import { ns, range } from "./records.js";
import { SKIP_REDIS, startRedis } from "./redis-server.js";

describe("openBuffer", () => {
  it("opens a disk spool for type disk", async () => {
    const dir = await mkdtemp(join(tmpdir(), "open-buffer-"));
    try {
      const b = await openBuffer({ type: "disk", dir, maxBytes: 1 << 20 });
      expect(b).toBeInstanceOf(DiskSpool);
      await b.append(range(0, 2));
      expect(ns(await b.read(5))).toEqual([0, 1]);
      await b.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(SKIP_REDIS)("opens a Redis stream buffer for type redis", async () => {
    const server = await startRedis();
    try {
      const b = await openBuffer({ type: "redis", url: server.url, stream: "soc:eve", maxLen: 1000, consumerGroup: "edge-agent" });
      expect(b).toBeInstanceOf(RedisStreamBuffer);
      await b.append(range(0, 2));
      expect(ns(await b.read(5))).toEqual([0, 1]);
      expect(b.stats()).toMatchObject({ unit: "events", capacity: 1000, depthEvents: 2 });
      await b.close();
    } finally {
      await server.stop();
    }
  });
});
