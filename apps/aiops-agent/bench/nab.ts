/**
 * NAB benchmark: runs the production detector over the NAB data folder and scores it with the exact
 * scorer that sits next to it (`<data>/../score.sh`). Prints JSON:
 * `{ "standard": .., "reward_low_FP_rate": .., "reward_low_FN_rate": .., "files": .., "rows": .., ... }`.
 *
 *   NAB_DATA_DIR=/path/to/nab/data pnpm --filter aiops-agent bench:nab
 *   ... bench:nab -- --holdout          # also leave-one-category-out scores (threshold learned on the rest)
 *   ... bench:nab -- --params '{"zHalf":5}'   # experiment with an override (deep-merged, never the default)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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

function deepMerge<T>(base: T, over: unknown): T {
  if (over === null || typeof over !== "object" || Array.isArray(over)) return over as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
  return out as T;
}

type Scores = Record<"standard" | "reward_low_FP_rate" | "reward_low_FN_rate", number>;

function score(dir: string, extra: string[]): Scores {
  const out = execFileSync("bash", [scorer, "--detector", "soc", ...extra, dir], { encoding: "utf8" });
  const line = out.split("\n").find((l) => l.startsWith("NAB_SCORES"));
  if (!line) throw new Error(`scorer printed no NAB_SCORES line:\n${out}`);
  const s: Record<string, number> = {};
  for (const m of line.matchAll(/(\w+)=(-?[\d.]+)/g)) s[m[1]!] = Number(m[2]);
  return s as Scores;
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
    ...score(outDir, []),
    files: summary.files.length,
    rows: summary.rows,
    detectorRunMs: Math.round(runMs),
    params: paramsArg >= 0 ? "override" : "DEFAULT_DETECTOR_PARAMS",
  };
  if (holdout) {
    // Leave-one-category-out: the NAB threshold is learned on the other categories, then applied here.
    const categories = readdirSync(dataDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    const held: Record<string, Scores> = {};
    for (const c of categories.sort()) {
      const thr = join(work, `thr-${c}.json`);
      score(outDir, ["--exclude", c, "--save-thresholds", thr]);
      held[c] = score(outDir, ["--include", c, "--thresholds", thr]);
    }
    result.heldOutCategory = held;
  }
  console.log(JSON.stringify(result, null, 2));
} finally {
  if (keep < 0) rmSync(work, { recursive: true, force: true });
  else writeFileSync(join(work, "params.json"), JSON.stringify(params, null, 2));
}
