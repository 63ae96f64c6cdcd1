/**
 * `compose-gen check <config> [-o <dir>]`: drift check for CI. Regenerates everything `all` writes, in
 * memory, and compares it with the files on disk: exit 0 when they match byte for byte, 1 with a unified
 * diff (https://www.gnu.org/software/diffutils/manual/html_node/Unified-Format.html, made by the `diff`
 * package) for every modified, missing or extra generated file.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "@soc/config";
import type { Command } from "commander";
import { createTwoFilesPatch } from "diff";
import { defaultOutDir, rel } from "./k8s.js";
import { GENERATED_DIRS, generateAll } from "./all.js";

/** One generated file that differs from disk. */
export interface Drift {
  /** Path relative to the output root (POSIX). */
  file: string;
  /** modified: both exist and differ; missing: generated but not on disk; extra: on disk in a generated folder but no longer generated. */
  status: "modified" | "missing" | "extra";
  /** Unified diff from the file on disk to the generated one. */
  patch: string;
}

/**
 * Files users are told to create beside the generated ones (never reported as extra): the Compose `.env`,
 * the Kubernetes `secrets.env`, and the `files/` and `secrets/` folders of the commented kustomize generators.
 */
export const USER_FILES = [/^compose\/\.env$/, /^k8s\/secrets\.env$/, /^k8s\/(files|secrets)\//];

async function listFiles(root: string, dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(root, dir), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}

async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Pure comparison of one file: undefined when equal, else its {@link Drift}. */
export function compareFile(file: string, onDisk: string | undefined, generated: string | undefined): Drift | undefined {
  if (onDisk === generated) return undefined;
  const status = onDisk === undefined ? "missing" : generated === undefined ? "extra" : "modified";
  const patch = createTwoFilesPatch(onDisk === undefined ? "/dev/null" : `a/${file}`, generated === undefined ? "/dev/null" : `b/${file}`, onDisk ?? "", generated ?? "", "on disk", "generated");
  return { file, status, patch };
}

/**
 * Compares `files` (as generated) with what is under `outDir`, plus files on disk inside `ownedDirs` that
 * are no longer generated ({@link USER_FILES} excepted).
 * @returns the drifts, sorted by file; empty when everything matches
 * @throws file-system errors other than a missing file
 */
export async function checkDrift(outDir: string, files: Map<string, string>, ownedDirs: readonly string[] = GENERATED_DIRS): Promise<Drift[]> {
  const root = path.resolve(outDir);
  const onDisk = (await Promise.all(ownedDirs.map((d) => listFiles(root, d)))).flat().filter((f) => !USER_FILES.some((re) => re.test(f)));
  const names = [...new Set([...files.keys(), ...onDisk])].sort();
  const drifts: Drift[] = [];
  for (const file of names) {
    const d = compareFile(file, await readOrUndefined(path.join(root, file)), files.get(file));
    if (d) drifts.push(d);
  }
  return drifts;
}

async function checkCommand(configFile: string, opts: { out?: string }): Promise<void> {
  const loaded = await loadConfig(configFile, { env: process.env });
  const outDir = opts.out ?? defaultOutDir(configFile);
  const { files } = generateAll(loaded.config, { baseDir: loaded.baseDir, outDir, configFile });
  const drifts = await checkDrift(outDir, files);
  if (!drifts.length) {
    console.log(`up to date: ${files.size} generated files in ${rel(outDir)} match ${rel(configFile)}`);
    return;
  }
  for (const d of drifts) process.stdout.write(d.patch);
  const count = (s: Drift["status"]) => drifts.filter((d) => d.status === s).length;
  console.error(`drift: ${count("modified")} modified, ${count("missing")} missing, ${count("extra")} extra file(s) in ${rel(outDir)}; run: compose-gen all ${rel(configFile)} -o ${rel(outDir)}`);
  process.exitCode = 1;
}

/** Registers the `check` command. */
export function registerCheckCommand(program: Command): void {
  program
    .command("check")
    .description("exit 1 with a unified diff when the files in <dir> differ from what the config generates (for CI), 0 when they match")
    .argument("<config>", "config file (YAML or JSON)")
    .option("-o, --out <dir>", "output folder (default: out/<config file name>)")
    .action(checkCommand);
}
