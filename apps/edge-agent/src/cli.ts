#!/usr/bin/env node
/**
 * `edge-agent` entry point: wires the command tree to the process. Today: `parse` (inspect EVE files); shipping
 * (`run`) arrives with the IO wiring.
 * @module
 */
import { createProgram } from "./cli-program.js";

const program = createProgram({
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
});
program.parseAsync().catch((err: unknown) => {
  console.error(`edge-agent: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
