#!/usr/bin/env node
/**
 * `edge-agent` entry point: wires the command tree (`parse`, `run`, `opensearch create-domain`) to the process. This
 * is the only place that hands `process.env` to a command that resolves config overrides (`SOC__…`) and
 * `{ secretRef: { env } }` secrets; `run` reads it at its own process boundary (commands/run/action.ts).
 * @module
 */
import { createProgram } from "./cli-program.js";
import type { OpenSearchCliIo } from "./commands/opensearch/register.js";

const io: OpenSearchCliIo = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  opensearch: { env: process.env },
};
const program = createProgram(io);
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
