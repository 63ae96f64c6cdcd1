/**
 * The `compose-gen` program. The only place that reads process.env / argv and touches the terminal; everything below
 * gets its inputs as parameters. Start-up cost matters (`--version`, `--help` and shell completion run it
 * often): only commander is loaded here; each command's action imports its module (and through it
 * `@soc/config`'s zod schema, `yaml`, `kubernetes-models`, `diff`) when that command runs.
 *
 *   compose-gen compose <config> [-o <dir>]   write <dir>/compose/{docker-compose.yml,soc-config.yaml,.env.example}
 *   compose-gen k8s <config> [-o <dir>]       write <dir>/k8s/ (objects, kustomization.yaml, UNSUPPORTED.md)
 *   compose-gen prometheus <config> [-o <dir>] write <dir>/prometheus/{prometheus.yml,rules/soc-stack.rules.yml}
 *   compose-gen images <config> [-o <dir>]   write <dir>/images/{<app>.Dockerfile,<app>.Dockerfile.dockerignore,docker-bake.hcl}
 *   compose-gen all <config> [-o <dir>]       write <dir>/compose/, <dir>/k8s/, <dir>/prometheus/ and <dir>/images/
 *   compose-gen check <config> [-o <dir>]     exit 1 with a unified diff when <dir> differs from what the config generates
 *   compose-gen lint <config> | --compose <files...> [--format table|json|sarif|markdown]   security lint
 *   compose-gen import <compose files...> > stack.yaml   Compose files (merged as -f overrides) → config
 *
 * Exit codes: 0 ok, 1 invalid config or a config compose-gen cannot turn into a stack, 2 unexpected error.
 */
import { Command } from "commander";
import { registerAllCommand, registerCheckCommand, registerK8sCommand } from "../commands/k8s.js";
import { LINT_FORMATS, type LintFormat } from "../commands/lint-formats.js";

// Replaced by the package version at build time (tsup `define`), so printing it reads no file.
declare const __COMPOSE_GEN_VERSION__: string | undefined;
const pkg = { version: typeof __COMPOSE_GEN_VERSION__ === "string" ? __COMPOSE_GEN_VERSION__ : "0.0.0-dev" };

const program = new Command()
  .name("compose-gen")
  .description("Generate deployment files (Docker Compose, Kubernetes, Prometheus, image builds) and a security lint from one @soc/config file.")
  .version(pkg.version, "-V, --version", "print the version")
  .showHelpAfterError();

program
  .command("compose")
  .description("write <dir>/compose/docker-compose.yml, soc-config.yaml and .env.example from a config")
  .argument("<config>", "config file (YAML or JSON)")
  .option("-o, --out <dir>", "output folder (default: out/<config file name>)")
  .action(async (configFile: string, opts: { out?: string }) => (await import("./compose.js")).composeCommand(configFile, opts));

program
  .command("prometheus")
  .description("write <dir>/prometheus/prometheus.yml and rules/soc-stack.rules.yml (scrape jobs, alerting rules) from a config")
  .argument("<config>", "config file (YAML or JSON)")
  .option("-o, --out <dir>", "output folder (default: out/<config file name>)")
  .action(async (configFile: string, opts: { out?: string }) => (await import("./prometheus.js")).prometheusCommand(configFile, opts));

program
  .command("images")
  .description("write <dir>/images/: a multi-stage Dockerfile per enabled app and docker-bake.hcl (multi-platform builds) from a config")
  .argument("<config>", "config file (YAML or JSON)")
  .option("-o, --out <dir>", "output folder (default: out/<config file name>)")
  .action(async (configFile: string, opts: { out?: string }) => (await import("./images.js")).imagesCommand(configFile, opts));

program
  .command("lint")
  .description("security lint of a config's generated stack, or of existing Compose files (--compose); exit 1 on an unwaived critical or high finding")
  .argument("[config]", "config file (YAML or JSON)")
  .option("--compose <files...>", "lint these Compose files instead, each on its own")
  .option("-f, --format <format>", `output format: ${LINT_FORMATS.join(", ")}`, "table")
  .action(async (configFile: string | undefined, opts: { compose?: string[]; format: string }) => {
    if (!(LINT_FORMATS as readonly string[]).includes(opts.format)) program.error(`unknown --format "${opts.format}" (expected ${LINT_FORMATS.join(", ")})`);
    if (configFile === undefined && opts.compose === undefined) program.error("lint needs a config file or --compose <files...>");
    const { runLint } = await import("../commands/lint.js");
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
    const { runImport } = await import("../commands/import.js");
    process.exitCode = await runImport(files, { write: (t) => process.stdout.write(t), warn: (l) => console.error(l) });
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const { reportError } = await import("./errors.js");
  process.exitCode = reportError(err, (line) => console.error(line));
}
