import { describe, expect, it } from "vitest";
import { AIOPS_ALERT_SCORE_THRESHOLD, parseConfig, toJsonSchema } from "../src/index.js";
import { configError } from "./helpers.js";

const base = { version: 1, project: { name: "x" } } as const;

describe("apps.aiopsAgent.detectors", () => {
  it("defaults to the one alert threshold (0.65, the aiops-agent production detector's) with every model on", () => {
    const d = parseConfig(base).apps.aiopsAgent.detectors;
    expect(AIOPS_ALERT_SCORE_THRESHOLD).toBe(0.65);
    expect(d).toEqual({ static: [], adaptive: true, seasonal: true, changePoint: true, scoreThreshold: AIOPS_ALERT_SCORE_THRESHOLD });
  });

  it("takes each model switch on its own", () => {
    for (const key of ["adaptive", "seasonal", "changePoint"] as const) {
      const d = parseConfig({ ...base, apps: { aiopsAgent: { detectors: { [key]: false } } } }).apps.aiopsAgent.detectors;
      expect([d.adaptive, d.seasonal, d.changePoint].filter((v) => !v)).toHaveLength(1);
      expect(d[key]).toBe(false);
    }
  });

  it("keeps scoreThreshold in [0, 1]", async () => {
    expect(parseConfig({ ...base, apps: { aiopsAgent: { detectors: { scoreThreshold: 0.8 } } } }).apps.aiopsAgent.detectors.scoreThreshold).toBe(0.8);
    const e = await configError(() => parseConfig({ ...base, apps: { aiopsAgent: { detectors: { scoreThreshold: -0.1 } } } }));
    expect(e.issues.map((i) => i.path)).toEqual(["apps.aiopsAgent.detectors.scoreThreshold"]);
  });

  it("documents the threshold and the switches in the JSON Schema", () => {
    const schema = JSON.stringify(toJsonSchema());
    const props = findDetectors(JSON.parse(schema) as unknown);
    expect(props).toBeDefined();
    const desc = (k: string) => (props![k] as { description?: string } | undefined)?.description ?? "";
    expect((props!.scoreThreshold as { default?: number }).default).toBe(0.65);
    expect(desc("scoreThreshold")).toMatch(/Authoritative.*alertThreshold/);
    expect(desc("scoreThreshold")).toContain("DEFAULT_DETECTOR_PARAMS.alertThreshold");
    expect(desc("adaptive")).toMatch(/Off:/);
    expect(desc("seasonal")).toMatch(/Off:/);
    expect(desc("changePoint")).toMatch(/CUSUM.*flatline/);
  });
});

/** The `properties` of the object schema that has `scoreThreshold` (apps.aiopsAgent.detectors). */
function findDetectors(node: unknown): Record<string, unknown> | undefined {
  if (node === null || typeof node !== "object") return undefined;
  const props = (node as { properties?: Record<string, unknown> }).properties;
  if (props && "scoreThreshold" in props && "changePoint" in props) return props;
  for (const v of Object.values(node)) {
    const hit = findDetectors(v);
    if (hit) return hit;
  }
  return undefined;
}
