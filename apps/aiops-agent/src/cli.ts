#!/usr/bin/env node
/**
 * `aiops-agent` entry point: wires the command tree to the process (the only place that reads `process`).
 *
 * `run` (the daemon) first re-executes itself once with the stack's start-up tuning (`DAEMON_TUNING` of
 * `@soc/metrics/launch`: a 1 MiB young generation, no TurboFan, two malloc arenas; README "Overhead"),
 * before any other module is loaded — hence the dynamic imports below. `SOC_LAUNCH_TUNING=off` or the
 * operator's own values of those flags keep it as launched. `nab` (batch scoring) runs untuned.
 * @module
 */
import { DAEMON_TUNING, namesCommand, relaunchWithTuning } from "@soc/metrics/launch";

if (namesCommand(process.argv, ["run"])) relaunchWithTuning(process, DAEMON_TUNING);

const [{ Command }, { VERSION }, { registerRunCommand }, { NabInputError }, { runNab }] = await Promise.all([
  import("commander"),
  import("./index.js"),
  import("./commands/run/register.js"),
  import("./nab/csv.js"),
  import("./nab/runner.js"),
]);

const program = new Command("aiops-agent")
  .description("Watches host metrics, scores them for anomalies and sends alerts that reach people once.")
  .version(VERSION);

program
  .command("nab")
  .description(
    "Run the production detector (DEFAULT_DETECTOR_PARAMS) over every <category>/<file>.csv under --data " +
      "and write NAB results to <out>/<category>/<detector>_<file>.csv",
  )
  .requiredOption("--data <dir>", "NAB data folder (<category>/<file>.csv with columns timestamp,value)")
  .requiredOption("--out <dir>", "results folder to write (score it with NAB's scorer, detector name = --detector)")
  .option("--detector <name>", "detector name used as the file-name prefix", "soc")
  .action(async (opts: { data: string; out: string; detector: string }) => {
    const started = performance.now();
    const summary = await runNab({ dataDir: opts.data, outDir: opts.out, detector: opts.detector });
    const ms = Math.round(performance.now() - started);
    console.log(JSON.stringify({ files: summary.files.length, rows: summary.rows, out: opts.out, ms }));
  });

registerRunCommand(program, { env: process.env });

program.parseAsync().catch((err: unknown) => {
  // typed input errors and fs errors (ENOENT, EACCES) carry a complete message; anything else gets a stack
  if (err instanceof NabInputError || (err instanceof Error && "code" in err)) console.error(`aiops-agent: ${err.message}`);
  else console.error(err);
  process.exitCode = 1;
});
