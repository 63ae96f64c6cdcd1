/**
 * `compose-gen lint`: the IO edge of the security lint. Reads a config (lints the model compose-gen would
 * emit, findings located in the config) or Compose files (`--compose a.yml [b.yml …]`, each file on its own),
 * prints the report in the chosen format and returns the exit code: 1 when an unwaived critical or high
 * finding is present, 0 otherwise.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "@soc/config";
import { parseComposeFile } from "../import/compose-yaml.js";
import { buildModel } from "../model/build.js";
import { lintComposeFiles, lintFails, lintModel, type LintReport } from "../lint/lint.js";
import { summaryLine, toJsonReport, toMarkdown, toTable } from "../lint/report.js";
import { toSarif } from "../lint/sarif.js";

import type { LintFormat } from "./lint-formats.js";

export { LINT_FORMATS, type LintFormat } from "./lint-formats.js";

/** Inputs of {@link runLint} (the CLI passes argv and the environment in). */
export interface LintCommandOptions {
  format: LintFormat;
  /** Lint these Compose files instead of a config. */
  compose?: string[];
  /** Environment for `SOC__*` config overrides. */
  env: Record<string, string | undefined>;
  /** The package version (SARIF `tool.driver.version`). */
  version: string;
  /** Where to print (default stdout). */
  write: (text: string) => void;
}

/** Shortest readable form of a path: relative to the working directory unless that climbs out of it. */
const rel = (p: string): string => {
  const r = path.relative(process.cwd(), path.resolve(p)) || ".";
  return r.startsWith("..") ? path.resolve(p) : r.split(path.sep).join("/");
};

/** Renders a report in `format`. */
export function formatReport(report: LintReport, format: LintFormat, version: string, title?: string): string {
  switch (format) {
    case "json": return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
    case "sarif": return `${JSON.stringify(toSarif(report, { version }), null, 2)}\n`;
    case "markdown": return toMarkdown(report, title);
    default: return toTable(report);
  }
}

/**
 * Runs the lint on `configFile` or on `opts.compose` and prints the report.
 * @returns the exit code (1 when {@link lintFails})
 * @throws {ConfigError} for an invalid config; {@link ComposeParseError} for a file that is not YAML.
 */
export async function runLint(configFile: string | undefined, opts: LintCommandOptions): Promise<number> {
  let report: LintReport;
  let title: string;
  if (opts.compose !== undefined && opts.compose.length > 0) {
    const files = await Promise.all(opts.compose.map(async (f) => parseComposeFile(await readFile(f, "utf8"), rel(f))));
    report = lintComposeFiles(files);
    title = `Container security audit of ${files.map((f) => f.file).join(", ")}`;
  } else {
    if (configFile === undefined) throw new TypeError("lint needs a config file or --compose <files...>");
    const loaded = await loadConfig(configFile, { env: opts.env });
    const model = buildModel(loaded.config, { baseDir: loaded.baseDir, outDir: path.join(loaded.baseDir, "out"), configFile });
    const located = parseComposeFile(await readFile(configFile, "utf8"), rel(configFile));
    report = lintModel(model, { file: rel(configFile), config: loaded.config, lineOf: located.lineOf });
    title = `Container security audit of ${model.project.name} (${rel(configFile)})`;
  }
  opts.write(formatReport(report, opts.format, opts.version, title));
  return lintFails(report) ? 1 : 0;
}

/**
 * Lines the generate commands print to stderr for a passing gate: each unwaived high finding as a warning,
 * then a one-line summary pointing at `compose-gen lint` for the medium and low ones.
 */
export function securityWarnings(report: LintReport, configFile: string): string[] {
  const high = report.findings.filter((f) => f.waived === undefined && f.severity === "high");
  return [
    ...high.map((f) => `warning: security [${f.rule}] ${f.path}: ${f.message}`),
    `security: ${summaryLine(report)}; details: compose-gen lint ${configFile} --format markdown`,
  ];
}
