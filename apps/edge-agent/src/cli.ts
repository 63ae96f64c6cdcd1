#!/usr/bin/env node
/**
 * `edge-agent` entry point: wires the command tree (`parse`, `run`, `opensearch create-domain`) to the process. This
 * is the only place that hands `process.env` to a command that resolves config overrides (`SOC__…`) and
 * `{ secretRef: { env } }` secrets; `run` reads it at its own process boundary (commands/run/action.ts).
 *
 * `run` first re-executes itself once with the edge agent's start-up tuning (`EDGE_RUN_TUNING`: a 2 MiB young
 * generation semi-space, two malloc arenas; commands/run/tuning.ts), before any other module is loaded — hence
 * the dynamic imports below. `SOC_LAUNCH_TUNING=off`, or the operator's own value of a flag or variable, keeps it
 * as launched. `run` is then parsed by a tree holding `run` alone (commands/run/program.ts), so the AWS SDK, the
 * prompt and the progress bar of `opensearch create-domain` are never loaded by the daemon.
 * @module
 */
import { relaunchWithTuning } from "@soc/metrics/launch";
import { EDGE_RUN_TUNING, isRunCommand } from "./commands/run/tuning.js";

const runs = isRunCommand(process.argv);
if (runs) relaunchWithTuning(process, EDGE_RUN_TUNING);

const io = {
  out: (text: string) => console.log(text),
  err: (text: string) => console.error(text),
  setExitCode: (code: number) => {
    process.exitCode = code;
  },
  opensearch: { env: process.env },
};
const program = runs ? (await import("./commands/run/program.js")).createRunProgram(io) : (await import("./cli-program.js")).createProgram(io);
program.parseAsync().catch((err: unknown) => {
  // Ctrl-C at a confirmation prompt (the terminal is in raw mode there, so no SIGINT reaches the process): the
  // prompt library rejects with ExitPromptError. Exit like an interrupted command, 130 = 128 + SIGINT.
  if (err instanceof Error && err.name === "ExitPromptError") {
    console.error("edge-agent: cancelled; nothing was changed");
    process.exitCode = 130;
    return;
  }
  console.error(`edge-agent: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
