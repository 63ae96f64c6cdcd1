import { describe, expect, it } from "vitest";
import { planDelivery } from "../../src/ship/delivery.js";

const items = ["a", "b", "c", "d"];
const item = (status: number, type?: string) => ({ index: { status, ...(type ? { error: { type, reason: `${type} reason` } } : {}) } });

describe("planDelivery", () => {
  it("acks everything on errors:false", () => {
    const p = planDelivery(items, { status: 200, body: { took: 1, errors: false, items: items.map(() => item(201)) } });
    expect(p).toEqual({ acked: items, retry: [], deadLetter: [], split: [] });
  });

  it("retries only retryable items and dead-letters permanent ones", () => {
    const body = { took: 1, errors: true, items: [item(201), item(429, "es_rejected_execution_exception"), item(400, "mapper_parsing_exception"), item(200)] };
    const p = planDelivery(items, { status: 200, body: JSON.stringify(body) });
    expect(p.acked).toEqual(["a", "d"]);
    expect(p.retry).toEqual(["b"]);
    expect(p.deadLetter).toEqual([{ item: "c", status: 400, type: "mapper_parsing_exception", reason: "mapper_parsing_exception reason" }]);
    expect(p.retryReason).toBe("item 429 es_rejected_execution_exception");
  });

  it("retries the whole batch on transport errors, 429, 5xx and malformed responses", () => {
    expect(planDelivery(items, { error: new Error("ECONNRESET") }).retry).toEqual(items);
    for (const status of [408, 429, 500, 502, 503, 504]) {
      const p = planDelivery(items, { status, body: '{"error":{"type":"x","reason":"busy"},"status":429}' });
      expect(p.retry).toEqual(items);
      expect(p.acked).toEqual([]);
    }
    expect(planDelivery(items, { status: 503, body: "<html>bad gateway</html>" }).retryReason).toMatch(/bad gateway/);
    const short = planDelivery(items, { status: 200, body: { errors: false, items: [item(201)] } });
    expect(short.retry).toEqual(items);
    expect(short.retryReason).toMatch(/bad response/);
  });

  it("stops on auth/config errors without dropping data", () => {
    const p = planDelivery(items, { status: 401, body: { error: { type: "security_exception", reason: "missing authentication credentials" }, status: 401 } });
    expect(p.fatal).toEqual({ status: 401, reason: "security_exception: missing authentication credentials" });
    expect(p.retry).toEqual(items);
    expect(p.deadLetter).toEqual([]);
  });

  it("splits on 413 and dead-letters a single oversized item", () => {
    expect(planDelivery(["a", "b", "c"], { status: 413, body: "" }).split).toEqual([["a", "b"], ["c"]]);
    const one = planDelivery(["a"], { status: 413, body: "" });
    expect(one.deadLetter.map((d) => [d.item, d.status])).toEqual([["a", 413]]);
  });

  it("counts 409 on create as acknowledged", () => {
    const p = planDelivery(["a"], { status: 200, body: { errors: true, items: [{ create: { status: 409, error: { type: "version_conflict_engine_exception" } } }] } }, "create");
    expect(p.acked).toEqual(["a"]);
  });
});
