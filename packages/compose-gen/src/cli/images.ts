/**
 * `compose-gen images <config> [-o <dir>]`: the IO edge of the image emitter (loaded only when the command
 * runs). Loads the config, finds the monorepo root (the build context), generates, writes and prints how to build.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { loadConfig } from "@soc/config";
import { BAKE_FILE, emitImages, imagesDirFromRoot } from "../images/emit.js";
import { appImages } from "../images/plan.js";
import { imageSettings } from "../images/settings.js";
import { buildModel } from "../model/build.js";
import { writeFiles } from "../write.js";

const rel = (p: string): string => {
  const r = path.relative(process.cwd(), p) || ".";
  return r.startsWith("..") ? path.resolve(p) : r;
};

/**
 * The monorepo root the images build from: the nearest folder at or above `from` holding
 * `pnpm-workspace.yaml`, else `fallback`. Reads the file system (existence checks only).
 */
export function findRepoRoot(from: string, fallback: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(fallback);
  }
}

/**
 * Runs `images`: writes `<dir>/images/` (a Dockerfile and ignore file per enabled app, docker-bake.hcl).
 * @throws {ConfigError} / {ModelError} / {ImagePlanError}; file-system errors
 */
export async function imagesCommand(configFile: string, opts: { out?: string }): Promise<void> {
  const loaded = await loadConfig(configFile, { env: process.env });
  const outDir = opts.out ?? path.join("out", path.basename(configFile).replace(/\.(ya?ml|json)$/i, ""));
  const model = buildModel(loaded.config, { baseDir: loaded.baseDir, outDir, configFile });
  const settings = imageSettings(loaded.config, findRepoRoot(process.cwd(), process.cwd()));
  const written = await writeFiles(outDir, emitImages(model, settings));
  for (const w of written) console.log(`${w.status === "unchanged" ? "unchanged" : "wrote"} ${rel(w.absolute)}`);
  for (const w of model.warnings) console.error(`warning: ${w.message}`);
  const apps = appImages(model, settings);
  console.log(`${apps.length} app image${apps.length === 1 ? "" : "s"} for ${settings.platforms.join(", ")}: ${apps.map((a) => a.image).join(", ") || "none"}`);
  console.log("\nnext steps (from the repo root):");
  const root = rel(settings.repoRoot);
  console.log(`  ${root === "." ? "" : `cd ${root} && `}docker buildx bake -f ${imagesDirFromRoot(model, settings.repoRoot)}/${path.posix.basename(BAKE_FILE)}`);
}
