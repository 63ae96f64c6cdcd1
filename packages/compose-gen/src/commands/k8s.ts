/**
 * `compose-gen k8s <config> [-o <dir>]`: writes `<dir>/k8s/` and prints what was written, which containers
 * were left out (and why) and what to create before `kubectl apply -k`. IO lives here; generation is pure.
 */
import path from "node:path";
import { loadConfig } from "@soc/config";
import type { Command } from "commander";
import { K8S_DIR } from "../emit/k8s.js";
import { generateK8s } from "../k8s/generate.js";
import type { K8sOutput } from "../k8s/objects.js";
import { writeFiles, type WrittenFile } from "../write.js";
import { securityWarnings } from "./lint.js";

/** Shortest readable form of a path: relative to the working directory unless that climbs out of it. */
export const rel = (p: string): string => {
  const r = path.relative(process.cwd(), p) || ".";
  return r.startsWith("..") ? path.resolve(p) : r;
};

/** Default output folder of a config: `out/<config file name without extension>`. */
export const defaultOutDir = (configFile: string): string => path.join("out", path.basename(configFile).replace(/\.(ya?ml|json)$/i, ""));

/** Prints one line per written file (`wrote` / `unchanged`). */
export function printWritten(written: WrittenFile[]): void {
  for (const w of written) console.log(`${w.status === "unchanged" ? "unchanged" : "wrote"} ${rel(w.absolute)}`);
}

/** Prints the unsupported containers (stderr) and the next steps of the Kubernetes output. */
export function printK8sSummary(k8s: K8sOutput, outDir: string): void {
  const dir = rel(path.join(outDir, K8S_DIR));
  console.log(`${k8s.objects.length} Kubernetes objects in namespace ${k8s.namespace}`);
  for (const u of k8s.unsupported) console.error(`not on Kubernetes: ${u.name} — ${u.reasons.join("; ")}`);
  if (k8s.unsupported.length) console.error(`(listed in ${path.join(dir, "UNSUPPORTED.md")})`);
  console.log("\nnext steps:");
  if (k8s.envSecret.keys.length || k8s.secrets.length || k8s.userConfigMaps.length) console.log(`  # create the Secrets and ConfigMaps listed in ${path.join(dir, "UNSUPPORTED.md")}`);
  console.log(`  kubectl apply -k ${dir}`);
}

async function k8sCommand(configFile: string, opts: { out?: string }): Promise<void> {
  const loaded = await loadConfig(configFile, { env: process.env });
  const outDir = opts.out ?? defaultOutDir(configFile);
  const { model, files, security, k8s } = generateK8s(loaded.config, { baseDir: loaded.baseDir, outDir, configFile });
  printWritten(await writeFiles(outDir, files));
  for (const w of model.warnings) console.error(`warning: ${w.message}`);
  for (const line of securityWarnings(security, rel(configFile))) console.error(line);
  printK8sSummary(k8s, outDir);
}

/** Registers the `k8s` command. */
export function registerK8sCommand(program: Command): void {
  program
    .command("k8s")
    .description("write <dir>/k8s/ (one file per object + kustomization.yaml, UNSUPPORTED.md) from a config")
    .argument("<config>", "config file (YAML or JSON)")
    .option("-o, --out <dir>", "output folder (default: out/<config file name>)")
    .action(k8sCommand);
}
