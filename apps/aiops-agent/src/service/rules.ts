/**
 * Static rules (`apps.aiopsAgent.detectors.static`) → {@link StaticThresholdDetector} options, with exact
 * `>=` / `<=` (the detector compares strictly, so the bound moves to the neighbouring double).
 * @module
 */
import type { StaticThresholdOptions } from "../detect/static-threshold.js";
import type { StaticRuleSpec } from "./detection.js";

const buf = new DataView(new ArrayBuffer(8));

/**
 * The next double after `x` towards `direction` (IEEE 754 `nextafter`): for doubles, `v > nextDown(b)`
 * holds exactly when `v >= b`.
 */
export function nextAfter(x: number, direction: 1 | -1): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return direction * Number.MIN_VALUE;
  buf.setFloat64(0, x);
  const bits = buf.getBigInt64(0);
  // for positive x the bit pattern grows with the value, for negative x it shrinks
  buf.setBigInt64(0, bits + BigInt((x > 0) === (direction > 0) ? 1 : -1));
  return buf.getFloat64(0);
}

/** Detector options of a rule: `>` → `above`, `>=` → `above: nextAfter(v, -1)`, `<` → `below`, `<=` → `below: nextAfter(v, +1)`. */
export function staticRuleDetectorOptions(rule: Pick<StaticRuleSpec, "op" | "value" | "forMs">): StaticThresholdOptions {
  switch (rule.op) {
    case ">":
      return { above: rule.value, forMs: rule.forMs };
    case ">=":
      return { above: nextAfter(rule.value, -1), forMs: rule.forMs };
    case "<":
      return { below: rule.value, forMs: rule.forMs };
    case "<=":
      return { below: nextAfter(rule.value, 1), forMs: rule.forMs };
  }
}

/** A static rule as the config holds it (`for` is a duration string such as `"5m"`). */
export interface ConfigStaticRule {
  readonly name: string;
  readonly metric: string;
  readonly op: StaticRuleSpec["op"];
  readonly value: number;
  readonly for: string;
  readonly severity: StaticRuleSpec["severity"];
}

/**
 * Converts configured rules, with `parseSeconds` turning `for` into seconds (pass `parseDurationSeconds`
 * of `@soc/config`).
 * @throws {RangeError} from `parseSeconds` for a malformed duration.
 */
export function rulesFromConfig(rules: readonly ConfigStaticRule[], parseSeconds: (d: string) => number): StaticRuleSpec[] {
  return rules.map((r) => ({ name: r.name, metric: r.metric, op: r.op, value: r.value, forMs: parseSeconds(r.for) * 1000, severity: r.severity }));
}
