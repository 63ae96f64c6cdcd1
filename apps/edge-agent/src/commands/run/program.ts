/**
 * The command tree `edge-agent run` is parsed with: the root command with only `run` registered. The entry point
 * uses it when the command line names `run`, so the daemon never loads what only the other commands need: the
 * `opensearch create-domain` command pulls in the AWS SDK (`@aws-sdk/client-opensearch`,
 * `@aws-sdk/credential-providers`), the confirmation prompt (`@inquirer/confirm`) and the progress bar
 * (`cli-progress`), ≈34 MiB of RSS once imported (measured on Node 24.22, each imported into an empty process).
 * @module
 */
import { Command } from "commander";
import type { CliIo } from "../../cli-program.js";
import { VERSION } from "../../version.js";
import { registerRunCommand } from "./register.js";

/**
 * Builds the root command with `run` as its only subcommand (same name, description and version as the full tree
 * of `createProgram`, so `edge-agent run --help` reads the same).
 *
 * @param io - output and exit-code sinks of the CLI.
 */
export function createRunProgram(io: CliIo): Command {
  const program = new Command("edge-agent").description("Ships Suricata EVE events to OpenSearch exactly once per event.").version(VERSION);
  registerRunCommand(program, io);
  return program;
}
