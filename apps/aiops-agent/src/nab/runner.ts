import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CombinedDetector } from "../detect/combined.js";
import type { DetectorParams } from "../detect/params.js";
import { DEFAULT_DETECTOR_PARAMS } from "../detect/params.js";
import type { NabRow } from "./csv.js";
import { NabInputError, parseNabCsv } from "./csv.js";

/** Minimal streaming scorer interface the NAB runner drives (one instance per file). */
export interface StreamScorer {
  /** Scores `value` observed at `t` ms, returning a score in [0, 1]. */
  update(t: number, value: number): number;
}

/** Options of {@link runNab}. */
export interface NabRunOptions {
  /** Folder holding `<category>/<file>.csv`. */
  dataDir: string;
  /** Output folder; `<outDir>/<category>/<detector>_<file>.csv` is written. */
  outDir: string;
  /** File-name prefix NAB uses as the detector name. Default `soc`. */
  detector?: string;
  /** Detector parameters. Default {@link DEFAULT_DETECTOR_PARAMS}. */
  params?: DetectorParams;
  /** Factory of a fresh scorer per file (default: a {@link CombinedDetector} with `params`). */
  createScorer?: () => StreamScorer;
}

/** What {@link runNab} did. */
export interface NabRunSummary {
  /** Files written, as `<category>/<file>.csv` relative to the data folder. */
  files: string[];
  /** Total rows scored. */
  rows: number;
}

/**
 * Scores one parsed NAB series causally (each score depends only on rows up to it) and renders NAB's
 * results CSV: header `timestamp,value,anomaly_score,label`, one line per input row in order, label 0
 * (labels are never read). Format: github.com/numenta/NAB wiki "NAB entry points" / results layout.
 */
export function scoreNabRows(rows: readonly NabRow[], scorer: StreamScorer): string {
  const out: string[] = ["timestamp,value,anomaly_score,label"];
  for (const r of rows) {
    const s = scorer.update(r.t, r.value);
    const clamped = s > 1 ? 1 : s > 0 ? s : 0;
    out.push(`${r.timestampText},${r.valueText},${clamped.toPrecision(12)},0`);
  }
  return out.join("\n") + "\n";
}

/**
 * Runs the production detector over every `<category>/<file>.csv` under `dataDir` (one fresh detector per
 * file, the same parameters for all) and writes NAB-layout results. Categories and files are processed in
 * sorted order; non-CSV entries are skipped.
 *
 * @throws {NabInputError} when a data file cannot be parsed or `dataDir` has no CSV files.
 * @throws Node.js `fs` errors (e.g. `ENOENT`) for unreadable folders or unwritable output.
 */
export async function runNab(options: NabRunOptions): Promise<NabRunSummary> {
  const detector = options.detector ?? "soc";
  const params = options.params ?? DEFAULT_DETECTOR_PARAMS;
  const create = options.createScorer ?? (() => new CombinedDetector(params));
  const summary: NabRunSummary = { files: [], rows: 0 };
  const categories = (await readdir(options.dataDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const category of categories) {
    const files = (await readdir(join(options.dataDir, category))).filter((f) => f.endsWith(".csv")).sort();
    if (files.length === 0) continue;
    await mkdir(join(options.outDir, category), { recursive: true });
    for (const file of files) {
      const rel = `${category}/${file}`;
      const rows = parseNabCsv(rel, await readFile(join(options.dataDir, category, file), "utf8"));
      await writeFile(join(options.outDir, category, `${detector}_${file}`), scoreNabRows(rows, create()));
      summary.files.push(rel);
      summary.rows += rows.length;
    }
  }
  if (summary.files.length === 0) throw new NabInputError(options.dataDir, 0, "no <category>/<file>.csv found");
  return summary;
}
