/**
 * `compose-gen prometheus <config> [-o <dir>]`: the IO edge of the Prometheus emitter (loaded only when the
 * command runs). Loads the config, generates, writes and prints what it wrote and how to run Prometheus on it.
 */
import path from "node:path";
import { loadConfig } from "@soc/config";
import { securityWarnings } from "../commands/lint.js";
import { generatePrometheus } from "../generate.js";
import { PROMETHEUS_DIR, PROMETHEUS_FILE } from "../prometheus/config.js";
import { scrapeJobs } from "../prometheus/scrape.js";
import { writeFiles } from "../write.js";
import { defaultOutDir, rel } from "./paths.js";

/**
 * Runs `prometheus`.
 * @throws {ConfigError} / {ModelError} / {SecurityGateError} / {PrometheusSettingsError} (see `generatePrometheus`); file-system errors
 */
export async function prometheusCommand(configFile: string, opts: { out?: string }): Promise<void> {
  const loaded = await loadConfig(configFile, { env: process.env });
  const outDir = opts.out ?? defaultOutDir(configFile);
  const { model, files, security } = generatePrometheus(loaded.config, { baseDir: loaded.baseDir, outDir, configFile });
  const written = await writeFiles(outDir, files);
  const jobs = scrapeJobs(model);
  for (const w of written) {
    const what = w.file === PROMETHEUS_FILE ? ` (${jobs.length} scrape job${jobs.length === 1 ? "" : "s"}: ${jobs.map((j) => j.job).join(", ") || "none"})` : "";
    console.log(`${w.status === "unchanged" ? "unchanged" : "wrote"} ${rel(w.absolute)}${what}`);
  }
  for (const w of model.warnings) console.error(`warning: ${w.message}`);
  for (const line of securityWarnings(security, rel(configFile))) console.error(line);
  const dir = rel(path.join(outDir, PROMETHEUS_DIR));
  console.log("\nnext steps:");
  console.log(`  promtool check config ${rel(path.join(outDir, PROMETHEUS_FILE))}`);
  console.log(`  # mount ${dir}/ read-only at /etc/prometheus in the Prometheus container (--config.file=/etc/prometheus/prometheus.yml)`);
}
