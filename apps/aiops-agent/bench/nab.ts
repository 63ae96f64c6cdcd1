/**
 * NAB benchmark: runs the production detector over the NAB data folder and scores it with the exact
 * scorer that sits next to it (`<data>/../score.sh`). Prints JSON:
 * `{ "standard": .., "reward_low_FP_rate": .., "reward_low_FN_rate": .., "files": .., "rows": .., ... }`.
 *
 *   NAB_DATA_DIR=/path/to/nab/data pnpm --filter aiops-agent bench:nab
 *   ... bench:nab -- --holdout          # also leave-one-category-out scores (threshold learned on the rest,
 *                                       # held-out raw scores pooled and normalised as NAB does)
 *   ... bench:nab -- --params '{"zHalf":5}'   # experiment with an override (deep-merged, never the default)
 *   ... bench:nab -- --select bench/nab-neighbours.json
 *       # leave-one-category-out for the parameter CHOICE too: for each category, the best of the default
 *       # and the listed overrides ({"name": .., "params": ..}[]) on the other categories (per profile) is
 *       # scored on the held-out one with the threshold learned there; pooled like --holdout
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_DETECTOR_PARAMS } from "../src/detect/params.js";
import type { DetectorParams } from "../src/detect/params.js";
import { runNab } from "../src/nab/runner.js";

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(process.env.NAB_DATA_DIR ?? join(here, "..", "../../../shared/data/nab/data"));
const scorer = resolve(process.env.NAB_SCORER ?? join(dataDir, "..", "score.sh"));
const args = process.argv.slice(2);
const holdout = args.includes("--holdout");
const paramsArg = args.indexOf("--params");
const keep = args.indexOf("--keep");
const selectArg = args.indexOf("--select");

function deepMerge<T>(base: T, over: unknown): T {
  if (over === null || typeof over !== "object" || Array.isArray(over)) return over as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
  return out as T;
}

const PROFILES = ["standard", "reward_low_FP_rate", "reward_low_FN_rate"] as const;
type Profile = (typeof PROFILES)[number];
type Scores = Record<Profile, number>;
interface ProfileResult {
  normalized_score: number | null;
  raw_score: number;
  null_raw_score: number;
  perfect_raw_score: number;
  threshold: number;
}

/** Runs the scorer with `--json` and returns its per-profile results. */
function scoreJson(dir: string, extra: string[]): Record<Profile, ProfileResult> {
  const json = join(work, `score-${Math.random().toString(36).slice(2)}.json`);
  execFileSync("bash", [scorer, "--detector", "soc", "--json", json, ...extra, dir], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const parsed = JSON.parse(readFileSync(json, "utf8").replace(/\bNaN\b/g, "null")) as {
    profiles: Record<Profile, ProfileResult>;
  };
  return parsed.profiles;
}

function normalized(p: Record<Profile, ProfileResult>): Scores {
  const out = {} as Scores;
  for (const k of PROFILES) out[k] = Math.round((p[k].normalized_score ?? Number.NaN) * 100) / 100;
  return out;
}
/** Leave-one-category-out of the threshold *and* of the choice among candidate parameter sets. */
async function selectionHoldout(file: string): Promise<Record<string, unknown>> {
  const listed = JSON.parse(readFileSync(file, "utf8")) as { name: string; params: unknown }[];
  const candidates = [{ name: "default", params: {} as unknown }, ...listed];
  const categories = readdirSync(dataDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  // per candidate and category: normalised score without it, and raw/null/perfect on it at that threshold
  const trained: Record<string, Record<string, Scores>> = {};
  const held: Record<string, Record<string, Record<Profile, ProfileResult>>> = {};
  for (const c of candidates) {
    const dir = join(work, `select-${c.name}`);
    await runNab({ dataDir, outDir: dir, params: deepMerge(DEFAULT_DETECTOR_PARAMS, c.params) });
    trained[c.name] = {};
    held[c.name] = {};
    for (const cat of categories) {
      const thr = join(work, `thr-${c.name}-${cat}.json`);
      trained[c.name]![cat] = normalized(scoreJson(dir, ["--exclude", cat, "--save-thresholds", thr]));
      held[c.name]![cat] = scoreJson(dir, ["--include", cat, "--thresholds", thr]);
    }
  }
  const scores = {} as Scores;
  const chosen = {} as Record<Profile, Record<string, string>>;
  for (const k of PROFILES) {
    let raw = 0;
    let nul = 0;
    let perfect = 0;
    chosen[k] = {};
    for (const cat of categories) {
      // ties go to the earlier candidate (the default first)
      let best = candidates[0]!.name;
      for (const c of candidates) if ((trained[c.name]![cat]![k] ?? -Infinity) > (trained[best]![cat]![k] ?? -Infinity)) best = c.name;
      chosen[k][cat] = best;
      const h = held[best]![cat]![k];
      raw += h.raw_score;
      nul += h.null_raw_score;
      perfect += h.perfect_raw_score;
    }
    scores[k] = Math.round(((100 * (raw - nul)) / (perfect - nul)) * 100) / 100;
  }
  return { heldOut: scores, candidates: candidates.map((c) => c.name), chosen };
}

const params: DetectorParams =
  paramsArg >= 0 ? deepMerge(DEFAULT_DETECTOR_PARAMS, JSON.parse(args[paramsArg + 1] ?? "{}")) : DEFAULT_DETECTOR_PARAMS;
const work = keep >= 0 ? resolve(args[keep + 1] ?? "nab-out") : mkdtempSync(join(tmpdir(), "aiops-nab-"));
const outDir = join(work, "soc");
try {
  const t0 = performance.now();
  const summary = await runNab({ dataDir, outDir, params });
  const runMs = performance.now() - t0;
  const result: Record<string, unknown> = {
    ...normalized(scoreJson(outDir, [])),
    files: summary.files.length,
    rows: summary.rows,
    detectorRunMs: Math.round(runMs),
    params: paramsArg >= 0 ? "override" : "DEFAULT_DETECTOR_PARAMS",
  };
  if (holdout) {
    // Leave-one-category-out: the NAB threshold is learned on the other categories and applied to the
    // held-out one; the held-out raw scores are pooled and normalised like NAB does (null/perfect).
    const categories = readdirSync(dataDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    const pooled = Object.fromEntries(PROFILES.map((k) => [k, { raw: 0, nul: 0, perfect: 0 }])) as Record<
      Profile,
      { raw: number; nul: number; perfect: number }
    >;
    const perCategory: Record<string, Record<Profile, number>> = {};
    for (const c of categories.sort()) {
      const thr = join(work, `thr-${c}.json`);
      scoreJson(outDir, ["--exclude", c, "--save-thresholds", thr]);
      const held = scoreJson(outDir, ["--include", c, "--thresholds", thr]);
      perCategory[c] = {} as Record<Profile, number>;
      for (const k of PROFILES) {
        pooled[k].raw += held[k].raw_score;
        pooled[k].nul += held[k].null_raw_score;
        pooled[k].perfect += held[k].perfect_raw_score;
        perCategory[c][k] = Math.round(held[k].raw_score * 100) / 100;
      }
    }
    const heldOut = {} as Scores;
    for (const k of PROFILES) {
      const p = pooled[k];
      heldOut[k] = Math.round(((100 * (p.raw - p.nul)) / (p.perfect - p.nul)) * 100) / 100;
    }
    result.heldOut = heldOut;
    result.heldOutRawByCategory = perCategory;
  }
  if (selectArg >= 0) result.selection = await selectionHoldout(resolve(args[selectArg + 1] ?? "bench/nab-neighbours.json"));
  console.log(JSON.stringify(result, null, 2));
} finally {
  if (keep < 0) rmSync(work, { recursive: true, force: true });
  else writeFileSync(join(work, "params.json"), JSON.stringify(params, null, 2));
}
