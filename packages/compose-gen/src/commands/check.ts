/**
 * Drift check for CI (`compose-gen check`; the action is in `k8s/actions.ts`): compares what `all` would
 * write with the files on disk — a unified diff (https://www.gnu.org/software/diffutils/manual/html_node/Unified-Format.html, made by the `diff`
 * package) for every modified, missing or extra generated file.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { createTwoFilesPatch } from "diff";
import { GENERATED_DIRS } from "./all.js";

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
