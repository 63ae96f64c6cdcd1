/**
 * `compose-gen compose <config> [-o <dir>]`: the IO edge of the Compose emitter (loaded only when the
 * command runs). Loads the config, generates, writes and prints what it wrote and the next steps.
 */
import path from "node:path";
import { loadConfig } from "@soc/config";
import { securityWarnings } from "../commands/lint.js";
import { COMPOSE_FILE } from "../emit/compose.js";
import { generateCompose } from "../generate.js";
import { writeFiles } from "../write.js";
import { defaultOutDir, rel } from "./paths.js";

/**
 * Runs `compose`.
 * @throws {ConfigError} / {ModelError} / {SecurityGateError} (see `generateCompose`); file-system errors
 */
export async function composeCommand(configFile: string, opts: { out?: string }): Promise<void> {
  const loaded = await loadConfig(configFile, { env: process.env });
  const outDir = opts.out ?? defaultOutDir(configFile);
  const { model, files, security } = generateCompose(loaded.config, { baseDir: loaded.baseDir, outDir, configFile });
  const written = await writeFiles(outDir, files);
  const profiles = model.profiles.map((p) => p.name);
  for (const w of written) {
    let what = "";
    if (w.file === COMPOSE_FILE) what = ` (${model.containers.length} services, profiles: ${profiles.length ? profiles.join(", ") : "none"})`;
    else if (w.file.endsWith(".env.example")) what = ` (${model.envVars.length} variable${model.envVars.length === 1 ? "" : "s"})`;
    console.log(`${w.status === "unchanged" ? "unchanged" : "wrote"} ${rel(w.absolute)}${what}`);
  }
  for (const w of model.warnings) console.error(`warning: ${w.message}`);
  for (const line of securityWarnings(security, rel(configFile))) console.error(line);
  const compose = rel(path.join(outDir, COMPOSE_FILE));
  const envFile = rel(path.join(outDir, path.dirname(COMPOSE_FILE), ".env"));
  console.log("\nnext steps:");
  if (model.envVars.some((v) => v.uses.some((u) => u.required))) console.log(`  cp ${envFile}.example ${envFile}   # then fill in the required variables`);
  for (const s of model.secrets) if ("file" in s.source) console.log(`  # create the secret file ${rel(s.source.file)} (secret "${s.name}")`);
  console.log(`  docker compose -f ${compose} up -d`);
  for (const p of profiles) console.log(`  docker compose -f ${compose} --profile ${p} up -d`);
}
