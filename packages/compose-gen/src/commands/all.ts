/**
 * `compose-gen all <config> [-o <dir>]`: every output of a config in one go — `compose/` and `k8s/` today —
 * from one model, through the one writer. {@link generateAll} is the pure part `check` reuses.
 */
import { loadConfig, type SocConfig } from "@soc/config";
import type { Command } from "commander";
import { COMPOSE_DIR, emitCompose } from "../emit/compose.js";
import { K8S_DIR } from "../emit/k8s.js";
import { securityGate } from "../generate.js";
import { k8sOf, type GeneratedK8s } from "../k8s/generate.js";
import { buildModel, type BuildModelOptions } from "../model/build.js";
import { writeFiles } from "../write.js";
import { defaultOutDir, printK8sSummary, printWritten, rel } from "./k8s.js";
import { securityWarnings } from "./lint.js";

/** Output folders (under the output root) `all` owns: `check` reports files in them that it would not write. */
export const GENERATED_DIRS = [COMPOSE_DIR, K8S_DIR] as const;

/**
 * Generates every output of `config`: Compose and Kubernetes files in one map (paths relative to the
 * output root). Pure.
 * @throws {ModelError} see `buildModel`
 * @throws {SecurityGateError} see `securityGate`
 * @throws {K8sObjectError} when a built object fails schema validation (a compose-gen bug)
 */
export function generateAll(config: SocConfig, opts: BuildModelOptions): GeneratedK8s {
  const model = buildModel(config, opts);
  const security = securityGate(model, config, opts.configFile);
  const { k8s, files: k8sFiles } = k8sOf(model, config);
  const files = new Map([...emitCompose(model), ...k8sFiles]);
  return { model, files, security, k8s };
}

async function allCommand(configFile: string, opts: { out?: string }): Promise<void> {
  const loaded = await loadConfig(configFile, { env: process.env });
  const outDir = opts.out ?? defaultOutDir(configFile);
  const { model, files, security, k8s } = generateAll(loaded.config, { baseDir: loaded.baseDir, outDir, configFile });
  printWritten(await writeFiles(outDir, files));
  for (const w of model.warnings) console.error(`warning: ${w.message}`);
  for (const line of securityWarnings(security, rel(configFile))) console.error(line);
  printK8sSummary(k8s, outDir);
}

/** Registers the `all` command. */
export function registerAllCommand(program: Command): void {
  program
    .command("all")
    .description("write every output of a config (<dir>/compose/ and <dir>/k8s/) in one go")
    .argument("<config>", "config file (YAML or JSON)")
    .option("-o, --out <dir>", "output folder (default: out/<config file name>)")
    .action(allCommand);
}
