/**
 * The CLI actions of `k8s`, `all` and `check`: load the config, generate (pure), write through the one writer
 * or compare with disk, and print. Loaded on demand by `commands/k8s.ts`, so commands that do not emit
 * Kubernetes objects do not pay for loading `kubernetes-models`.
 */
import path from "node:path";
import { loadConfig } from "@soc/config";
import { generateAll } from "../commands/all.js";
import { checkDrift, type Drift } from "../commands/check.js";
import { securityWarnings } from "../commands/lint.js";
import { defaultOutDir, findRepoRoot, rel } from "../cli/paths.js";
import { K8S_DIR } from "../emit/k8s.js";
import { writeFiles, type WrittenFile } from "../write.js";
import { generateK8s } from "./generate.js";
import type { K8sOutput } from "./objects.js";

/** Options of the three commands. */
export interface OutOption {
  out?: string;
}

function printWritten(written: WrittenFile[]): void {
  for (const w of written) console.log(`${w.status === "unchanged" ? "unchanged" : "wrote"} ${rel(w.absolute)}`);
}

function printK8sSummary(k8s: K8sOutput, outDir: string): void {
  const dir = rel(path.join(outDir, K8S_DIR));
  console.log(`${k8s.objects.length} Kubernetes objects in namespace ${k8s.namespace}`);
  for (const u of k8s.unsupported) console.error(`not on Kubernetes: ${u.name} — ${u.reasons.join("; ")}`);
  if (k8s.unsupported.length) console.error(`(listed in ${path.join(dir, "UNSUPPORTED.md")})`);
  console.log("\nnext steps:");
  if (k8s.envSecret.keys.length || k8s.secrets.length || k8s.userConfigMaps.length) console.log(`  # create the Secrets and ConfigMaps listed in ${path.join(dir, "UNSUPPORTED.md")}`);
  console.log(`  kubectl apply -k ${dir}`);
}

/** `compose-gen k8s <config>`: writes `<dir>/k8s/`. */
export async function k8sCommand(configFile: string, opts: OutOption): Promise<void> {
  const loaded = await loadConfig(configFile, { env: process.env });
  const outDir = opts.out ?? defaultOutDir(configFile);
  const { model, files, security, k8s } = generateK8s(loaded.config, { baseDir: loaded.baseDir, outDir, configFile });
  printWritten(await writeFiles(outDir, files));
  for (const w of model.warnings) console.error(`warning: ${w.message}`);
  for (const line of securityWarnings(security, rel(configFile))) console.error(line);
  printK8sSummary(k8s, outDir);
}

/** `compose-gen all <config>`: writes `<dir>/compose/`, `<dir>/k8s/`, `<dir>/prometheus/` and `<dir>/images/`. */
export async function allCommand(configFile: string, opts: OutOption): Promise<void> {
  const loaded = await loadConfig(configFile, { env: process.env });
  const outDir = opts.out ?? defaultOutDir(configFile);
  const { model, files, security, k8s } = generateAll(loaded.config, { baseDir: loaded.baseDir, outDir, configFile, repoRoot: findRepoRoot(process.cwd(), process.cwd()) });
  printWritten(await writeFiles(outDir, files));
  for (const w of model.warnings) console.error(`warning: ${w.message}`);
  for (const line of securityWarnings(security, rel(configFile))) console.error(line);
  printK8sSummary(k8s, outDir);
}

/** `compose-gen check <config>`: prints a unified diff and returns exit code 1 on drift, 0 when up to date. */
export async function checkCommand(configFile: string, opts: OutOption): Promise<number> {
  const loaded = await loadConfig(configFile, { env: process.env });
  const outDir = opts.out ?? defaultOutDir(configFile);
  const { files } = generateAll(loaded.config, { baseDir: loaded.baseDir, outDir, configFile, repoRoot: findRepoRoot(process.cwd(), process.cwd()) });
  const drifts = await checkDrift(outDir, files);
  if (!drifts.length) {
    console.log(`up to date: ${files.size} generated files in ${rel(outDir)} match ${rel(configFile)}`);
    return 0;
  }
  for (const d of drifts) process.stdout.write(d.patch);
  const count = (s: Drift["status"]) => drifts.filter((d) => d.status === s).length;
  console.error(`drift: ${count("modified")} modified, ${count("missing")} missing, ${count("extra")} extra file(s) in ${rel(outDir)}; run: compose-gen all ${rel(configFile)} -o ${rel(outDir)}`);
  return 1;
}
