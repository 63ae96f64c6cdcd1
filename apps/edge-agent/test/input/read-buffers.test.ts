import { describe, expect, it } from "vitest";
import { HandoverWindow, ReadBufferPool } from "../../src/input/read-buffers.js";

describe("ReadBufferPool", () => {
  it("reuses released buffers, allocates when empty, and bounds the free list", () => {
    const pool = new ReadBufferPool(1024, 2);
    const a = pool.acquire();
    const b = pool.acquire();
    const c = pool.acquire();
    expect(a.length).toBe(1024);
    expect(pool.stats).toEqual({ allocated: 3, reused: 0, dropped: 0, idle: 0 });
    expect(pool.release(a)).toBe(true);
    expect(pool.release(b)).toBe(true);
    expect(pool.release(c)).toBe(false); // free list full: left to the GC
    expect(pool.acquire()).toBe(b); // last in, first out
    expect(pool.acquire()).toBe(a);
    expect(pool.stats).toEqual({ allocated: 3, reused: 2, dropped: 1, idle: 0 });
  });

  it("refuses buffers that are not whole buffers of its size", () => {
    const pool = new ReadBufferPool(1024, 8);
    const mine = pool.acquire();
    expect(pool.release(mine.subarray(0, 512))).toBe(false);
    expect(pool.release(Buffer.allocUnsafe(2048))).toBe(false);
    expect(pool.release(Buffer.allocUnsafe(1024))).toBe(false); // a view of Node's shared 8 KiB pool
    expect(pool.release(Buffer.allocUnsafeSlow(1024))).toBe(true);
    expect(pool.stats.dropped).toBe(3);
  });

  it("rejects invalid sizes", () => {
    expect(() => new ReadBufferPool(0, 1)).toThrow(RangeError);
    expect(() => new ReadBufferPool(16, -1)).toThrow(RangeError);
  });
});

describe("HandoverWindow", () => {
  it("releases a file's buffers once the acknowledged offset passes their last byte, oldest first", () => {
    const w = new HandoverWindow();
    const [b1, b2, b3] = [Buffer.alloc(100), Buffer.alloc(100), Buffer.alloc(100)];
    w.add("f", 90, b1);
    w.add("f", 180, b2);
    w.add("g", 50, b3);
    expect(w.bytes).toBe(300);
    expect(w.count).toBe(3);
    expect(w.release("f", 89)).toEqual([]); // one line of b1 still unacknowledged
    expect(w.release("f", 90)).toEqual([b1]);
    expect(w.release("f", 1000)).toEqual([b2]);
    expect(w.holds("f")).toBe(false);
    expect(w.bytes).toBe(100);
    expect(w.keys()).toEqual(["g"]);
    expect(w.release("unknown", 1e9)).toEqual([]);
  });

  it("forgets a file without handing its buffers back, and refuses offsets going backwards", () => {
    const w = new HandoverWindow();
    w.add("f", 100, Buffer.alloc(64));
    expect(() => w.add("f", 99, Buffer.alloc(64))).toThrow(RangeError);
    expect(w.forget("f")).toBe(64);
    expect(w.bytes).toBe(0);
    expect(w.release("f", 1e9)).toEqual([]);
  });
});
