/**
 * `compose-gen images <config> [-o <dir>]`: the IO edge of the image emitter (loaded only when the command
 * runs). Loads the config, finds the monorepo root (the build context), generates, writes and prints how to build.
 */
import path from "node:path";
import { loadConfig } from "@soc/config";
import { BAKE_FILE, emitImages, imagesDirFromRoot } from "../images/emit.js";
import { appImages } from "../images/plan.js";
import { imageSettings } from "../images/settings.js";
import { buildModel } from "../model/build.js";
import { writeFiles } from "../write.js";
import { defaultOutDir, findRepoRoot, rel } from "./paths.js";

/**
 * Runs `images`: writes `<dir>/images/` (a Dockerfile and ignore file per enabled app, docker-bake.hcl).
 * @throws {ConfigError} / {ModelError} / {ImagePlanError}; file-system errors
 */
export async function imagesCommand(configFile: string, opts: { out?: string }): Promise<void> {
  const loaded = await loadConfig(configFile, { env: process.env });
  const outDir = opts.out ?? defaultOutDir(configFile);
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
