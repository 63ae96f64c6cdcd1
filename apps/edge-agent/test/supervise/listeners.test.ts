import { describe, expect, it } from "vitest";
import { ListenerError, Listeners } from "../../src/supervise/listeners.js";

describe("Listeners", () => {
  it("calls listeners in order and unsubscribes", () => {
    const l = new Listeners<number>();
    const seen: string[] = [];
    const off = l.on((v) => seen.push(`a${v}`));
    l.on((v) => seen.push(`b${v}`));
    l.emit(1);
    off();
    off();
    l.emit(2);
    expect(seen).toEqual(["a1", "b1", "b2"]);
    expect(l.size).toBe(1);
  });

  it("runs every listener, then throws all errors together", () => {
    const l = new Listeners<number>();
    const seen: number[] = [];
    l.on(() => {
      throw new Error("one");
    });
    l.on((v) => seen.push(v));
    l.on(() => {
      throw new Error("two");
    });
    let caught: unknown;
    try {
      l.emit(7);
    } catch (error) {
      caught = error;
    }
    expect(seen).toEqual([7]);
    expect(caught).toBeInstanceOf(ListenerError);
    expect((caught as ListenerError).errors.map((e) => (e as Error).message)).toEqual(["one", "two"]);
    expect((caught as ListenerError).message).toBe("2 listener(s) threw: one; two");
  });

  it("streams values, bounds the queue, and ends on abort or return", async () => {
    const l = new Listeners<number>();
    const ac = new AbortController();
    const s = l.stream(ac.signal, 2);
    for (const v of [1, 2, 3]) l.emit(v);
    expect(s.dropped).toBe(1);
    expect((await s.next()).value).toBe(2);
    const pending = s.next();
    l.emit(4);
    expect((await pending).value).toBe(3);
    const collected: number[] = [];
    const consumer = (async () => {
      for await (const v of s) collected.push(v);
    })();
    await new Promise((r) => setImmediate(r));
    ac.abort();
    await consumer;
    expect(collected).toEqual([4]);
    expect(l.size).toBe(0);

    const t = l.stream();
    expect(l.size).toBe(1);
    await t.return?.();
    expect(l.size).toBe(0);
    expect((await l.stream(AbortSignal.abort()).next()).done).toBe(true);
  });
});
