/**
 * `edge-agent opensearch …`: AWS OpenSearch Service domain provisioning. Being built (issue 3); registers nothing yet.
 * @module
 */
import type { Command } from "commander";
import type { CliIo } from "../../cli-program.js";

/** Adds `opensearch create-domain` to the program. */
export function registerOpenSearchCommands(_program: Command, _io: CliIo): void {}
