#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "./index.js";
import { NabInputError } from "./nab/csv.js";
import { runNab } from "./nab/runner.js";

const program = new Command("aiops-agent")
  .description("Watches host metrics and scores them for anomalies (collection and alerting: see issue 6).")
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

program.parseAsync().catch((err: unknown) => {
  // typed input errors and fs errors (ENOENT, EACCES) carry a complete message; anything else gets a stack
  if (err instanceof NabInputError || (err instanceof Error && "code" in err)) console.error(`aiops-agent: ${err.message}`);
  else console.error(err);
  process.exitCode = 1;
});
