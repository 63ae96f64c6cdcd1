/**
 * `edge-agent run`: the shipping daemon (and `--once` batch mode). Being built (issue 3); registers nothing yet.
 * @module
 */
import type { Command } from "commander";
import type { CliIo } from "../../cli-program.js";

/** Adds `run` to the program. */
export function registerRunCommand(_program: Command, _io: CliIo): void {}
