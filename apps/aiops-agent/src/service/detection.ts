/**
 * Detection wiring: one {@link CombinedDetector} per scored series (the production parameter set that
 * `aiops-agent nab` measures) plus the static rules of `apps.aiopsAgent.detectors.static`, turned into one
 * {@link AnomalyObservation} per series per tick. Pure: no clock, no IO.
 * @module
 */
import type { AnomalyObservation, Severity } from "../alert/types.js";
import type { Series } from "../collect/types.js";
import { seriesKey } from "../collect/types.js";
import { CombinedDetector } from "../detect/combined.js";
import { DEFAULT_DETECTOR_PARAMS, type DetectorParams } from "../detect/params.js";
import { StaticThresholdDetector } from "../detect/static-threshold.js";
import { ALL_MODELS, anyModel, type ModelSwitches, serviceDetectorParams } from "./detector-params.js";
import { staticRuleDetectorOptions } from "./rules.js";

/** A static rule as configured (`detectors.static[]`), with `for` already converted to ms. */
export interface StaticRuleSpec {
  /** Alert name (`^[A-Za-z][A-Za-z0-9_]*$`). */
  readonly name: string;
  /** Series name it applies to, e.g. `soc_node_filesystem_used_ratio` or `rate(soc_node_network_receive_errs_total)`; every labelled instance is evaluated separately. */
  readonly metric: string;
  readonly op: ">" | ">=" | "<" | "<=";
  readonly value: number;
  /** How long the condition must hold, ms. */
  readonly forMs: number;
  readonly severity: Severity;
}

/** Options of {@link DetectionEngine}. */
export interface DetectionOptions {
  /**
   * `detectors.scoreThreshold`, the one alert threshold: raw combined score in [0, 1] (before the detector's
   * own NAB hold-down) at or above which a warm series is anomalous. Authoritative: it also replaces
   * `alertThreshold` of the detector parameters, so `CombinedDetector.last.alert` agrees with the engine.
   */
  readonly scoreThreshold: number;
  /** Samples a series must have been scored before it may alert (default 120: beyond every component's warm-up, see {@link DEFAULT_DETECTOR_PARAMS}). */
  readonly warmupSamples?: number;
  /** Once anomalous, a series stays anomalous for this many further samples even if the score dips (default 3): no flapping on one quiet tick. */
  readonly holdDownSamples?: number;
  /** Static rules (default none). */
  readonly rules?: readonly StaticRuleSpec[];
  /**
   * `detectors.adaptive` / `seasonal` / `changePoint` (default all on). Each switch is applied on its own
   * (see {@link serviceDetectorParams}); all off = static rules only, no series is scored.
   */
  readonly models?: ModelSwitches;
  /** Base detector parameters (default {@link DEFAULT_DETECTOR_PARAMS}, the set `aiops-agent nab` measures); the threshold and switches are applied on top. */
  readonly params?: Readonly<DetectorParams>;
  /** Labels added to every observation, e.g. `{ instance: "pi-1" }`. */
  readonly baseLabels?: Readonly<Record<string, string>>;
  /** Most series tracked at once (default 5000); further new series are not scored and counted in {@link DetectionEngine.droppedSeries}. */
  readonly maxSeries?: number;
  /**
   * A series not seen for this long (ms) is forgotten — detector, rule state and score — so interfaces that
   * come and go (a veth per container) do not grow the agent forever. Default 15 min (well above the 30 s
   * cadence of the slow sources).
   */
  readonly staleAfterMs?: number;
}

/** The anomaly score of one series on one tick. */
export interface SeriesScore {
  /** {@link seriesKey} of the series. */
  readonly key: string;
  readonly series: Series;
  /** Raw combined score in [0, 1]. */
  readonly score: number;
  /** Whether the series is past its warm-up. */
  readonly warm: boolean;
  /** Whether it is anomalous (warm, score ≥ threshold or inside the hold-down). */
  readonly anomalous: boolean;
}

/** What {@link DetectionEngine.evaluate} returns for one tick. */
export interface TickEvaluation {
  readonly observations: AnomalyObservation[];
  readonly scores: SeriesScore[];
  /** Detector updates that threw this tick (the series is skipped for the tick). */
  readonly errors: { key: string; error: unknown }[];
  /** Scored series forgotten this tick (not seen for `staleAfterMs`); their score should leave `/metrics`. */
  readonly evicted: Series[];
}

interface Tracked {
  readonly detector: CombinedDetector;
  scored: number;
  holdLeft: number;
  lastSeenAt: number;
  series: Series;
}

/** The alert name of an anomaly on a series, by subsystem (e.g. `HostNetworkAnomaly`). */
export function anomalyAlertName(seriesName: string): string {
  const n = seriesName.replace(/^rate\((.*)\)$/, "$1");
  if (n.startsWith("soc_node_cpu_temperature")) return "HostTemperatureAnomaly";
  if (n.startsWith("soc_node_cpu") || n.startsWith("soc_node_load")) return "HostCpuAnomaly";
  if (n.startsWith("soc_node_memory")) return "HostMemoryAnomaly";
  if (n.startsWith("soc_node_proc")) return "HostProcessesAnomaly";
  if (n.startsWith("soc_node_disk")) return "HostDiskIoAnomaly";
  if (n.startsWith("soc_node_filesystem")) return "HostFilesystemAnomaly";
  if (n.startsWith("soc_node_network")) return "HostNetworkAnomaly";
  return "HostMetricAnomaly";
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Math.round(v * 1e4) / 1e4));

/**
 * Scores series and evaluates static rules, one tick at a time. State: one detector per scored series
 * (O(1) each) and one {@link StaticThresholdDetector} per (rule, series); a series that stops appearing
 * keeps its state for `staleAfterMs` (it usually comes back: a slow source, a flapping interface), then
 * is forgotten.
 */
export class DetectionEngine {
  private readonly tracked = new Map<string, Tracked>();
  private readonly ruleState = new Map<string, { detector: StaticThresholdDetector; lastSeenAt: number }>();
  private readonly staleAfterMs: number;
  private lastSweepAt = Number.NEGATIVE_INFINITY;
  private readonly rulesByMetric = new Map<string, StaticRuleSpec[]>();
  private readonly threshold: number;
  private readonly warmup: number;
  private readonly holdDown: number;
  private readonly scoring: boolean;
  private readonly params: Readonly<DetectorParams>;
  private readonly base: Readonly<Record<string, string>>;
  private readonly maxSeries: number;
  /** New series not tracked because {@link DetectionOptions.maxSeries} was reached. */
  droppedSeries = 0;

  /**
   * @throws {RangeError} for a threshold outside [0, 1] or negative counts; {@link DetectorParamError} for bad
   *   rules or detector parameters.
   */
  constructor(options: DetectionOptions) {
    if (!(options.scoreThreshold >= 0 && options.scoreThreshold <= 1)) throw new RangeError(`scoreThreshold must be in [0, 1], got ${options.scoreThreshold}`);
    this.threshold = options.scoreThreshold;
    const models = options.models ?? ALL_MODELS;
    this.warmup = options.warmupSamples ?? 120;
    this.holdDown = options.holdDownSamples ?? 3;
    if (!(this.warmup >= 0) || !(this.holdDown >= 0)) throw new RangeError("warmupSamples and holdDownSamples must be >= 0");
    this.scoring = anyModel(models);
    this.params = serviceDetectorParams(this.threshold, models, options.params ?? DEFAULT_DETECTOR_PARAMS);
    if (this.scoring) new CombinedDetector(this.params); // validate early
    this.base = options.baseLabels ?? {};
    this.maxSeries = options.maxSeries ?? 5000;
    this.staleAfterMs = options.staleAfterMs ?? 15 * 60_000;
    for (const rule of options.rules ?? []) {
      new StaticThresholdDetector(staticRuleDetectorOptions(rule)); // validate early
      const list = this.rulesByMetric.get(rule.metric) ?? [];
      list.push(rule);
      this.rulesByMetric.set(rule.metric, list);
    }
  }

  /** Samples a series is scored before it may alert. */
  get warmupSamples(): number {
    return this.warmup;
  }

  /** The parameters every series' detector runs with (threshold and model switches applied). */
  get detectorParams(): Readonly<DetectorParams> {
    return this.params;
  }

  /** Whether the combined detector scores series (false: static rules only). */
  get scoresSeries(): boolean {
    return this.scoring;
  }

  /** Number of series with a detector. */
  get size(): number {
    return this.tracked.size;
  }

  /** Evaluates one tick's series observed at `atMs` (non-decreasing across calls). */
  evaluate(series: readonly Series[], atMs: number): TickEvaluation {
    const observations: AnomalyObservation[] = [];
    const scores: SeriesScore[] = [];
    const errors: { key: string; error: unknown }[] = [];
    for (const s of series) {
      const key = seriesKey(s.name, s.labels);
      const labels = { ...this.base, series: s.name, ...s.labels };
      if (this.scoring && s.scored) {
        const t = this.track(key, s);
        if (t) {
          t.lastSeenAt = atMs;
          t.series = s;
          try {
            t.detector.update(atMs, s.value);
            const score = t.detector.last.raw;
            t.scored += 1;
            const warm = t.scored > this.warmup;
            let anomalous = false;
            // last.alert is `raw >= alertThreshold`, and alertThreshold is this.threshold (serviceDetectorParams)
            if (warm && t.detector.last.alert) {
              anomalous = true;
              t.holdLeft = this.holdDown;
            } else if (warm && t.holdLeft > 0) {
              anomalous = true;
              t.holdLeft -= 1;
            }
            scores.push({ key, series: s, score, warm, anomalous });
            observations.push({
              alertname: anomalyAlertName(s.name),
              labels,
              anomalous,
              score,
              value: s.value,
              severity: "warning",
              summary: `${key} = ${fmt(s.value)} is ${anomalous ? "anomalous" : "normal"} (score ${score.toFixed(2)}, threshold ${this.threshold})`,
              ...(anomalous ? { description: `Combined anomaly score ${score.toFixed(3)} of ${key} (adaptive, seasonal, CUSUM and flatline tests; ${t.scored} samples seen).` } : {}),
              at: atMs,
            });
          } catch (error) {
            errors.push({ key, error });
          }
        }
      }
      const rules = this.rulesByMetric.get(s.name);
      if (rules) for (const rule of rules) observations.push(this.evaluateRule(rule, key, s, labels, atMs));
    }
    return { observations, scores, errors, evicted: this.sweep(atMs) };
  }

  /** Forgets series and rule states not seen for `staleAfterMs` (checked at most once a minute). */
  private sweep(atMs: number): Series[] {
    const evicted: Series[] = [];
    if (atMs - this.lastSweepAt < 60_000) return evicted;
    this.lastSweepAt = atMs;
    for (const [key, t] of this.tracked) {
      if (atMs - t.lastSeenAt > this.staleAfterMs) {
        this.tracked.delete(key);
        evicted.push(t.series);
      }
    }
    for (const [key, r] of this.ruleState) if (atMs - r.lastSeenAt > this.staleAfterMs) this.ruleState.delete(key);
    return evicted;
  }

  private track(key: string, series: Series): Tracked | undefined {
    let t = this.tracked.get(key);
    if (!t) {
      if (this.tracked.size >= this.maxSeries) {
        this.droppedSeries += 1;
        return undefined;
      }
      t = { detector: new CombinedDetector(this.params), scored: 0, holdLeft: 0, lastSeenAt: Number.NEGATIVE_INFINITY, series };
      this.tracked.set(key, t);
    }
    return t;
  }

  private evaluateRule(rule: StaticRuleSpec, key: string, s: Series, labels: Record<string, string>, atMs: number): AnomalyObservation {
    const stateKey = `${rule.name}\u0000${key}`;
    let r = this.ruleState.get(stateKey);
    if (!r) {
      r = { detector: new StaticThresholdDetector(staticRuleDetectorOptions(rule)), lastSeenAt: atMs };
      this.ruleState.set(stateKey, r);
    }
    r.lastSeenAt = atMs;
    const d = r.detector;
    const firing = d.update(atMs, s.value) === 1;
    const cond = `${rule.op} ${fmt(rule.value)}${rule.forMs > 0 ? ` for ${rule.forMs / 1000}s` : ""}`;
    return {
      alertname: rule.name,
      labels,
      anomalous: firing,
      score: firing ? 1 : 0,
      value: s.value,
      severity: rule.severity,
      summary: `${key} = ${fmt(s.value)} (rule ${rule.name}: ${cond}; ${d.state})`,
      at: atMs,
    };
  }
}
