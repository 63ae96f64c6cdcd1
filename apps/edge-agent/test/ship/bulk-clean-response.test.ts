// parseBulkResponse's shortcut for the filtered clean response (filter_path=errors,items.*.status,items.*.error,
// errors:false): same answers as the JSON.parse path, and anything not in the exact form falls back to it.
import { describe, expect, it } from "vitest";
import { BulkResponseError, parseBulkResponse } from "../../src/ship/bulk.js";

const clean = (statuses: number[], op = "index"): string => `{"errors":false,"items":[${statuses.map((s) => `{"${op}":{"status":${s}}}`).join(",")}]}`;
const both = (text: string, n: number, opType: "index" | "create" = "index") => {
  let viaBuffer: unknown;
  let viaString: unknown;
  try {
    viaBuffer = parseBulkResponse(Buffer.from(text), n, opType);
  } catch (err) {
    viaBuffer = err instanceof BulkResponseError ? `BulkResponseError: ${err.message}` : err;
  }
  try {
    viaString = parseBulkResponse(text, n, opType); // strings always take the JSON.parse path
  } catch (err) {
    viaString = err instanceof BulkResponseError ? `BulkResponseError: ${err.message}` : err;
  }
  return { viaBuffer, viaString };
};

describe("parseBulkResponse on a clean filtered response", () => {
  it("counts index and create items like the JSON path", () => {
    for (const [text, n, op] of [
      [clean([201, 200, 201]), 3, "index"],
      [clean([201, 201], "create"), 2, "create"],
      [clean([]), 0, "index"],
    ] as const) {
      const { viaBuffer, viaString } = both(text, n, op);
      expect(viaBuffer).toEqual(viaString);
      expect(viaBuffer).toMatchObject({ errors: false, succeeded: n, retryable: [], permanent: [] });
    }
  });

  it("rejects a wrong item count with the same BulkResponseError", () => {
    const { viaBuffer, viaString } = both(clean([201, 201]), 3);
    expect(viaBuffer).toBe("BulkResponseError: bulk response has 2 items, sent 3");
    expect(viaBuffer).toBe(viaString);
  });

  it("falls back to JSON.parse for every other form, with identical results", () => {
    const cases: [string, number][] = [
      ['{ "errors": false, "items": [{"index":{"status":201}}]}', 1], // whitespace
      ['{"took":3,"errors":false,"items":[{"index":{"status":201}}]}', 1], // unfiltered field first
      ['{"errors":false,"items":[{"index":{"status":201,"_id":"a"}}]}', 1], // extra item field
      ['{"errors":true,"items":[{"index":{"status":201}},{"index":{"status":429,"error":{"type":"es_rejected_execution_exception","reason":"busy"}}}]}', 2],
      ['{"errors":false,"items":[{"index":{"status":201}}', 1], // truncated: not JSON
      ['{"errors":false,"items":[{"index":{"status":201}}]}x', 1], // trailing bytes: not JSON
      ['{"errors":false,"items":[{"delete":{"status":200}}]}', 1], // another op
    ];
    for (const [text, n] of cases) {
      const { viaBuffer, viaString } = both(text, n);
      expect(viaBuffer, text).toEqual(viaString);
    }
    expect(both(cases[3]?.[0] ?? "", 2).viaBuffer).toMatchObject({ errors: true, succeeded: 1, retryable: [{ position: 1, status: 429 }] });
    expect(String(both(cases[4]?.[0] ?? "", 1).viaBuffer)).toMatch(/BulkResponseError: bulk response is not JSON/);
  });
});
