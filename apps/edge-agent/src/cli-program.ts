/**
 * The `edge-agent` command tree, built without touching `process` so tests can run it in-process.
 * @module
 */
import { Command, InvalidArgumentError } from "commander";
import { registerOpenSearchCommands } from "./commands/opensearch/register.js";
import { registerRunCommand } from "./commands/run/register.js";
import { formatSummary, summarizeEveFiles } from "./commands/summarize.js";
import { VERSION } from "./version.js";

/** Where the program writes. */
export interface CliIo {
  /** Standard output (one call per printed block). */
  out(text: string): void;
  /** Standard error: diagnostics and progress (one call per printed block). */
  err(text: string): void;
  /** Sets the exit code the entry point should use. */
  setExitCode(code: number): void;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("must be a positive integer");
  return n;
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a non-negative integer");
  return n;
}

interface ParseFlags {
  json?: boolean;
  eventTypes?: string;
  indexPrefix?: string;
  maxLineBytes?: number;
  rejectInvalidUtf8?: boolean;
  samples: number;
}

/**
 * Builds the command tree. `parse <files...>` prints a summary (exit code 2 if a file is missing).
 *
 * @param io - output and exit-code sinks.
 */
export function createProgram(io: CliIo): Command {
  const program = new Command("edge-agent")
    .description("Ships Suricata EVE events to OpenSearch exactly once per event.")
    .version(VERSION);

  program
    .command("parse")
    .description("Read EVE files once and report events per type and index, malformed lines by reason, and repairs.")
    .argument("<files...>", "eve.json files")
    .option("--json", "print the summary as JSON")
    .option("--event-types <list>", "comma-separated event types to ship (others are counted as filtered)")
    .option("--index-prefix <prefix>", "also count events per daily index <prefix>-<type>-YYYY.MM.DD")
    .option("--max-line-bytes <n>", "records longer than this are malformed", positiveInt)
    .option("--reject-invalid-utf8", "treat invalid UTF-8 as malformed instead of replacing it")
    .option("--samples <n>", "malformed samples to show", nonNegativeInt, 10)
    .action(async (files: string[], o: ParseFlags) => {
      const summary = await summarizeEveFiles(files, {
        eventTypes: o.eventTypes?.split(",").map((t) => t.trim()).filter(Boolean),
        indexPrefix: o.indexPrefix,
        maxLineBytes: o.maxLineBytes,
        invalidUtf8: o.rejectInvalidUtf8 ? "reject" : "replace",
        maxSamples: o.samples,
      });
      io.out(o.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
      if (summary.missingFiles.length > 0) io.setExitCode(2);
    });
  registerRunCommand(program, io);
  registerOpenSearchCommands(program, io);
  return program;
}
