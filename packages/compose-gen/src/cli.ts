#!/usr/bin/env node
/**
 * `compose-gen` CLI. The only place that reads process.env / argv and touches the terminal; everything below
 * gets its inputs as parameters.
 *
 *   compose-gen compose <config> [-o <dir>]   write <dir>/compose/{docker-compose.yml,soc-config.yaml,.env.example}
 *   compose-gen k8s <config> [-o <dir>]       write <dir>/k8s/ (objects, kustomization.yaml, UNSUPPORTED.md)
 *   compose-gen all <config> [-o <dir>]       write <dir>/compose/ and <dir>/k8s/
 *   compose-gen check <config> [-o <dir>]     exit 1 with a unified diff when <dir> differs from what the config generates
 *   compose-gen lint <config> | --compose <files...> [--format table|json|sarif|markdown]   security lint
 *   compose-gen import <compose files...> > stack.yaml   Compose files (merged as -f overrides) → config
 *
 * Exit codes: 0 ok, 1 invalid config or a config compose-gen cannot turn into a stack, 2 unexpected error.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, loadConfig } from "@soc/config";
import { Command } from "commander";
import { COMPOSE_FILE } from "./emit/compose.js";
import { generateCompose } from "./generate.js";
import { ModelError } from "./model/normalize.js";
import { runImport } from "./commands/import.js";
import { ExtendsError } from "./import/merge.js";
import { LINT_FORMATS, runLint, securityWarnings, type LintFormat } from "./commands/lint.js";
import { ComposeParseError } from "./import/compose-yaml.js";
import { SecurityGateError } from "./lint/lint.js";
import { writeFiles } from "./write.js";
import { registerAllCommand, registerCheckCommand, registerK8sCommand } from "./commands/k8s.js";
import { K8sObjectError } from "./k8s/errors.js";

/** Shortest readable form of a path: relative to the working directory unless that climbs out of it. */
const rel = (p: string): string => {
  const r = path.relative(process.cwd(), p) || ".";
  return r.startsWith("..") ? path.resolve(p) : r;
};

async function composeCommand(configFile: string, opts: { out?: string }): Promise<void> {
  const loaded = await loadConfig(configFile, { env: process.env });
  const outDir = opts.out ?? path.join("out", path.basename(configFile).replace(/\.(ya?ml|json)$/i, ""));
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

const program = new Command()
  .name("compose-gen")
  .description("Generate deployment files (Docker Compose today) from one @soc/config file.")
  .showHelpAfterError();

program
  .command("compose")
  .description("write <dir>/compose/docker-compose.yml, soc-config.yaml and .env.example from a config")
  .argument("<config>", "config file (YAML or JSON)")
  .option("-o, --out <dir>", "output folder (default: out/<config file name>)")
  .action(composeCommand);

program
  .command("lint")
  .description("security lint of a config's generated stack, or of existing Compose files (--compose); exit 1 on an unwaived critical or high finding")
  .argument("[config]", "config file (YAML or JSON)")
  .option("--compose <files...>", "lint these Compose files instead, each on its own")
  .option("-f, --format <format>", `output format: ${LINT_FORMATS.join(", ")}`, "table")
  .action(async (configFile: string | undefined, opts: { compose?: string[]; format: string }) => {
    if (!(LINT_FORMATS as readonly string[]).includes(opts.format)) program.error(`unknown --format "${opts.format}" (expected ${LINT_FORMATS.join(", ")})`);
    if (configFile === undefined && opts.compose === undefined) program.error("lint needs a config file or --compose <files...>");
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    process.exitCode = await runLint(configFile, { format: opts.format as LintFormat, ...(opts.compose ? { compose: opts.compose } : {}), env: process.env, version: pkg.version, write: (t) => process.stdout.write(t) });
  });

registerK8sCommand(program);
registerAllCommand(program);
registerCheckCommand(program);

program
  .command("import")
  .description("turn Compose files (later files override earlier ones, as with docker compose -f) into a config on stdout; notes on stderr")
  .argument("<files...>", "Compose files, in -f order")
  .action(async (files: string[]) => {
    process.exitCode = await runImport(files, { write: (t) => process.stdout.write(t), warn: (l) => console.error(l) });
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.format());
    process.exitCode = 1;
  } else if (err instanceof SecurityGateError || err instanceof ComposeParseError || err instanceof ExtendsError) {
    console.error(`error: ${err.message}`);
    process.exitCode = 1;
  } else if (err instanceof ModelError) {
    console.error(`error: ${err.message}`);
    process.exitCode = 1;
  } else if (err instanceof K8sObjectError) {
    console.error(`error (a compose-gen bug, please report it): ${err.message}`);
    process.exitCode = 2;
  } else {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 2;
  }
}
