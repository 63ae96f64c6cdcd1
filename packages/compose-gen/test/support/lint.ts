/** Lint helpers for the tests: lint a config file through the real loader, or Compose fixtures by name. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildModel, lintComposeFiles, lintModel, parseComposeFile, type LintFinding, type LintReport } from "../../src/index.js";
import { FIXTURES, load } from "./configs.js";

export const COMPOSE_FIXTURES = path.join(FIXTURES, "compose");

/** Lints the model of a config file, findings located in the file (name relative to the repo root when possible). */
export async function lintConfigFile(file: string): Promise<LintReport> {
  const { config, baseDir } = await load(file);
  const model = buildModel(config, { baseDir, outDir: "/virtual/out" });
  const located = parseComposeFile(readFileSync(file, "utf8"), path.basename(file));
  return lintModel(model, { file: path.basename(file), config, lineOf: located.lineOf });
}

/** Lints Compose fixture files, each on its own. */
export function lintFixtures(...names: string[]): LintReport {
  return lintComposeFiles(names.map((n) => parseComposeFile(readFileSync(path.join(COMPOSE_FIXTURES, n), "utf8"), n)));
}

/** The findings of `rule` for `service`. */
export const findingsOf = (r: LintReport, rule: string, service: string): LintFinding[] => r.findings.filter((f) => f.rule === rule && f.service === service);

/** 1-based line of the first line of `file` containing `needle` (after `from`, a line that must come first). */
export function lineOfText(file: string, needle: string, from?: string): number {
  const lines = readFileSync(file, "utf8").split("\n");
  const start = from === undefined ? 0 : lines.findIndex((l) => l.includes(from));
  const i = lines.findIndex((l, n) => n >= start && l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}
