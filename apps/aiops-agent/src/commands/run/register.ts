/**
 * `aiops-agent run`: the collection → detection → alerting service. Being built (issue 6); registers nothing yet.
 * @module
 */
import type { Command } from "commander";

/** What the entry point passes down (the only place that reads `process`). */
export interface RunContext {
  /** Environment for config overrides and secret references. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Adds `run` to the program. */
export function registerRunCommand(_program: Command, _ctx: RunContext): void {}
