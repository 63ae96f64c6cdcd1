import { describe, expect, it } from "vitest";
import { chooseEvictions, type EvictableEntry } from "../../src/alert/eviction.js";

let seq = 0;
const e = (fingerprint: string, kind: "firing" | "resolved"): EvictableEntry => ({ id: `n${++seq}`, seq, fingerprint, kind });

describe("chooseEvictions", () => {
  it("drops nothing while within the bound", () => {
    expect(chooseEvictions([e("a", "firing")], 1, new Set())).toEqual([]);
  });

  it("drops whole resolved episodes first, oldest first, then open ones", () => {
    const a1 = e("a", "firing");
    const b1 = e("b", "firing");
    const a2 = e("a", "resolved");
    const c1 = e("c", "firing");
    const c2 = e("c", "resolved");
    const a3 = e("a", "firing");
    const entries = [a1, b1, a2, c1, c2, a3];
    expect(chooseEvictions(entries, 4, new Set()).map((x) => x.id)).toEqual([a1.id, a2.id]);
    expect(chooseEvictions(entries, 2, new Set()).map((x) => x.id)).toEqual([a1.id, a2.id, c1.id, c2.id]);
    // Beyond resolved episodes, the oldest open episode (b) goes before the newer one (a3).
    expect(chooseEvictions(entries, 1, new Set()).map((x) => x.id)).toEqual([a1.id, a2.id, c1.id, c2.id, b1.id]);
  });

  it("never drops an episode with an entry in flight", () => {
    const a1 = e("a", "firing");
    const a2 = e("a", "resolved");
    const b1 = e("b", "firing");
    expect(chooseEvictions([a1, a2, b1], 1, new Set([a1.id])).map((x) => x.id)).toEqual([b1.id]);
    expect(chooseEvictions([a1, a2], 0, new Set([a2.id]))).toEqual([]);
  });
});
