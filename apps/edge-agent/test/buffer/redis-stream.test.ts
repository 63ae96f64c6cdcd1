import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BufferClosedError, BufferFullError, RedisBufferError } from "../../src/buffer/errors.js";
import { redisConnectionOptions, RedisStreamBuffer, type RedisStreamBufferOptions } from "../../src/buffer/redis-stream.js";
import { buildBulkBody } from "../../src/ship/bulk.js";
import { ns, range, rec } from "./records.js";
import { SKIP_REDIS, startRedis, type TestRedis } from "./redis-server.js";

describe.skipIf(SKIP_REDIS)("RedisStreamBuffer (real redis-server)", () => {
  let server: TestRedis;
  let admin: Redis;
  let n = 0;
  let stream = "";
  const opened: RedisStreamBuffer[] = [];

  beforeAll(async () => {
    server = await startRedis();
    admin = new Redis({ path: server.socket, protocol: 2 });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((b) => b.close()));
  });
  afterAll(async () => {
    await admin?.quit();
    await server?.stop();
  });

  async function buffer(options: Partial<RedisStreamBufferOptions> = {}, newStream = true): Promise<RedisStreamBuffer> {
    if (newStream) stream = `test:eve:${++n}`;
    const b = await RedisStreamBuffer.open({ url: server.url, stream, maxLen: 1000, consumerGroup: "edge-agent", ...options });
    opened.push(b);
    return b;
  }

  it("hands entries out in order, once each, ready for buildBulkBody, and deletes them on ack", async () => {
    const b = await buffer();
    await b.append(range(0, 3));
    await b.append(range(3, 8, 2));
    const first = await b.read(5);
    expect(ns(first)).toEqual([0, 1, 2, 3, 4]);
    expect(ns(await b.read(100))).toEqual([5, 6, 7]);
    expect(await b.read(10)).toEqual([]);
    expect(first[4]).toMatchObject({ index: "logs-flow-2024.05.01", id: "id-4", eventType: "flow", priority: 2 });
    expect(buildBulkBody(first.slice(0, 1)).toString()).toBe(`{"index":{"_index":"logs-alert-2024.05.01","_id":"id-0"}}\n${rec(0).raw.toString()}\n`);
    const bytes = range(0, 8).reduce((a, r, i) => a + (i < 3 ? r : rec(i, 2)).raw.length, 0);
    expect(b.stats()).toMatchObject({ unit: "events", depthEvents: 8, used: 8, capacity: 1000, full: false, refusing: null });
    expect(b.stats().depthBytes).toBeGreaterThan(bytes);
    await b.ack([first[3]!.handle, first[0]!.handle]);
    expect(await admin.xlen(stream)).toBe(6);
    expect(b.stats().depthEvents).toBe(6);
    await b.ack(first.map((e) => e.handle)); // repeats are harmless
    expect(await admin.xlen(stream)).toBe(3);
    expect(Number(await admin.get(`${stream}:bytes`))).toBe(b.stats().depthBytes);
  });

  it("caps a read by raw bytes, keeping the rest for the next read", async () => {
    const b = await buffer();
    await b.append(range(0, 5, 0, 100));
    const one = rec(0, 0, 100).raw.length;
    expect(ns(await b.read(10, one * 2 + 1))).toEqual([0, 1]);
    expect(ns(await b.read(10, 1))).toEqual([2]);
    expect(ns(await b.read(10))).toEqual([3, 4]);
  });

  it("re-delivers entries read but not acknowledged when a new instance starts after a crash", async () => {
    const a = await buffer();
    await a.append(range(0, 10));
    const read = await a.read(6);
    await a.ack([read[0]!.handle, read[1]!.handle]);
    await a.close(); // the consumer "crashes": 2..5 delivered, never acknowledged
    const b = await buffer({}, false);
    expect(b.stats().depthEvents).toBe(8);
    expect(ns(await b.read(3))).toEqual([2, 3, 4]);
    expect(ns(await b.read(100))).toEqual([5, 6, 7, 8, 9]);
  });

  it("claims idle pending entries of another consumer name, in order", async () => {
    const a = await buffer({ consumer: "old-name" });
    await a.append(range(0, 5));
    expect(ns(await a.read(3))).toEqual([0, 1, 2]);
    await a.close();
    const b = await buffer({ consumer: "new-name", claimIdleMs: 0 }, false);
    expect(ns(await b.read(10))).toEqual([0, 1, 2, 3, 4]);
    const pending = (await admin.call("XPENDING", stream, "edge-agent")) as [number, string, string, [string, string][]];
    expect(pending[3]).toEqual([["new-name", "5"]]);
  });

  it("rewind hands out every unacknowledged entry again", async () => {
    const b = await buffer();
    await b.append(range(0, 6));
    const e = await b.read(4);
    await b.ack([e[1]!.handle]);
    await b.rewind();
    expect(ns(await b.read(10))).toEqual([0, 2, 3, 4, 5]);
  });

  it("refuses appends before MAXLEN could trim unacknowledged entries, and resumes after acks", async () => {
    const b = await buffer({ maxLen: 10, reserveFraction: 0 });
    await b.append(range(0, 7));
    await expect(b.append(range(7, 11))).rejects.toMatchObject({ name: "BufferFullError", unit: "events", used: 7, limit: 10, requested: 4 });
    expect(await admin.xlen(stream)).toBe(7);
    await b.append(range(7, 10));
    expect(b.stats()).toMatchObject({ full: true, refusing: 0, fill: 1, highWater: 1 });
    expect(b.hasRoom(100, 0)).toBe(false);
    await expect(b.append([rec(10)])).rejects.toBeInstanceOf(BufferFullError);
    // Stream through 10 000 % of capacity: nothing is ever trimmed, everything comes out once, in order.
    const got: number[] = [];
    for (let next = 10; got.length < 1000; ) {
      const batch = await b.read(4);
      got.push(...ns(batch));
      await b.ack(batch.map((e) => e.handle));
      while (next < 1000 && b.hasRoom(0, 0)) await b.append([rec(next++)]);
      expect(await admin.xlen(stream)).toBeLessThanOrEqual(10);
    }
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(await admin.xlen(stream)).toBe(0);
    expect(b.stats()).toMatchObject({ depthEvents: 0, depthBytes: 0 });
  });

  it("refuses flows/stats first and keeps headroom for alerts", async () => {
    const b = await buffer({ maxLen: 20, reserveFraction: 0.1 });
    await b.append(range(0, 16, 2));
    await expect(b.append([rec(16, 2)])).rejects.toMatchObject({ priority: 2, limit: 16 });
    expect(b.stats().refusing).toBe(2);
    await expect(b.append([rec(100, 0), rec(101, 2)])).rejects.toBeInstanceOf(BufferFullError); // whole call refused
    await b.append(range(100, 102, 1));
    await expect(b.append([rec(102, 1)])).rejects.toMatchObject({ priority: 1, limit: 18 });
    expect(b.hasRoom(0, 0)).toBe(true);
    await b.append(range(200, 202, 0));
    expect(b.stats()).toMatchObject({ full: true, depthEvents: 20 });
    expect(ns(await b.read(100)).slice(14)).toEqual([14, 15, 100, 101, 200, 201]);
  });

  it("skips and counts pending entries deleted behind its back", async () => {
    const a = await buffer();
    await a.append(range(0, 3));
    const e = await a.read(2);
    await a.close();
    await admin.xdel(stream, e[0]!.handle as unknown as string);
    // Found by the own-pending read (XREADGROUP returns the ID with no fields) …
    const b = await buffer({ claimIdleMs: undefined }, false);
    expect(ns(await b.read(10))).toEqual([1, 2]);
    expect(b.missing).toBe(1);
    await b.close();
    // … or dropped and listed by XAUTOCLAIM on open.
    const c = await buffer({}, false);
    const more = await c.read(10);
    expect(ns(more)).toEqual([1, 2]);
    await c.close();
    await admin.xdel(stream, more[0]!.handle as unknown as string);
    const d = await buffer({}, false);
    expect(ns(await d.read(10))).toEqual([2]);
    expect(d.missing).toBe(1);
  });

  it("types connection failures with the stream and operation, and refuses calls after close", async () => {
    await expect(
      RedisStreamBuffer.open({ url: "unix:///nonexistent/redis.sock", stream: "s", maxLen: 10, consumerGroup: "g", redisOptions: { retryStrategy: () => null } }),
    ).rejects.toMatchObject({ name: "RedisBufferError", operation: "connect", stream: "s" });

    const own = await startRedis();
    const errors: RedisBufferError[] = [];
    const b = await RedisStreamBuffer.open({
      url: own.url,
      stream: "s",
      maxLen: 10,
      consumerGroup: "g",
      onError: (err) => errors.push(err),
      redisOptions: { retryStrategy: () => null },
    });
    await b.append([rec(1)]);
    await own.stop();
    const err = await b.append([rec(2)]).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(RedisBufferError);
    expect(err).toMatchObject({ operation: "append", stream: "s" });
    await b.close();
    await expect(b.read(1)).rejects.toBeInstanceOf(BufferClosedError);
    await expect(b.append([rec(3)])).rejects.toBeInstanceOf(BufferClosedError);
  });
});

describe("redisConnectionOptions", () => {
  it("maps unix:// URLs to a socket path and leaves redis:// URLs to ioredis", () => {
    expect(redisConnectionOptions("unix:///run/redis/redis.sock")).toEqual({ path: "/run/redis/redis.sock" });
    expect(redisConnectionOptions("redis://redis:6379")).toEqual({ url: "redis://redis:6379" });
    expect(() => redisConnectionOptions("unix://relative.sock")).toThrow(/absolute path/);
  });
});
