/**
 * Registration of `compose-gen k8s`, `all` and `check`. Only commander is imported here: the actions
 * (`k8s/actions.ts`, which load `kubernetes-models`) are imported when one of these commands runs, so the
 * other commands start without them.
 *
 *   k8s <config> [-o <dir>]    write <dir>/k8s/ (one file per object, kustomization.yaml, UNSUPPORTED.md)
 *   all <config> [-o <dir>]    write <dir>/compose/, <dir>/k8s/, <dir>/prometheus/ and <dir>/images/ in one go
 *   check <config> [-o <dir>]  exit 1 with a unified diff when <dir> differs from what the config generates
 */
import type { Command } from "commander";

type Out = { out?: string };
const actions = () => import("../k8s/actions.js");
const OUT_HELP = "output folder (default: out/<config file name>)";

/** Registers the `k8s` command. */
export function registerK8sCommand(program: Command): void {
  program
    .command("k8s")
    .description("write <dir>/k8s/ (one file per object + kustomization.yaml, UNSUPPORTED.md) from a config")
    .argument("<config>", "config file (YAML or JSON)")
    .option("-o, --out <dir>", OUT_HELP)
    .action(async (config: string, opts: Out) => (await actions()).k8sCommand(config, opts));
}

/** Registers the `all` command. */
export function registerAllCommand(program: Command): void {
  program
    .command("all")
    .description("write every output of a config (<dir>/compose/, <dir>/k8s/, <dir>/prometheus/ and <dir>/images/) in one go")
    .argument("<config>", "config file (YAML or JSON)")
    .option("-o, --out <dir>", OUT_HELP)
    .action(async (config: string, opts: Out) => (await actions()).allCommand(config, opts));
}

/** Registers the `check` command (sets `process.exitCode` to 1 on drift). */
export function registerCheckCommand(program: Command): void {
  program
    .command("check")
    .description("exit 1 with a unified diff when the files in <dir> differ from what the config generates (for CI), 0 when they match")
    .argument("<config>", "config file (YAML or JSON)")
    .option("-o, --out <dir>", OUT_HELP)
    .action(async (config: string, opts: Out) => {
      process.exitCode = await (await actions()).checkCommand(config, opts);
    });
}
