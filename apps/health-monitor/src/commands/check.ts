/** `health-monitor check`: one look at every selected container; exit 0 healthy, 1 failing, 2 engine unreachable. */
import { evaluateCheck } from "../check/evaluate.js";
import { formatCheckJson, formatCheckTable } from "../check/format.js";
import type { Engine } from "../docker/engine.js";
import { EngineApiError, EngineUnreachableError } from "../errors.js";
import type { LabelSelector } from "../state/labels.js";
import { collectStates } from "./collect.js";

/** Options of {@link runCheck}. */
export interface CheckOptions {
  json: boolean;
  labels: readonly LabelSelector[];
  stats: boolean;
  now?: Date;
}

/** Output sinks (stdout/stderr in the CLI, buffers in tests). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Runs the check and returns the exit code (0, 1, or 2 when the engine is unreachable or refuses the calls). Other errors are thrown. */
export async function runCheck(engine: Engine, opts: CheckOptions, io: Io): Promise<0 | 1 | 2> {
  try {
    const states = await collectStates(engine, opts.labels, { stats: opts.stats, now: opts.now ?? new Date() });
    const result = evaluateCheck(states);
    if (result.total === 0) io.err("health-monitor: no container matched the selection\n");
    io.out(opts.json ? formatCheckJson(result) : formatCheckTable(result));
    return result.exitCode;
  } catch (err) {
    if (err instanceof EngineUnreachableError || err instanceof EngineApiError) {
      // An API error here (e.g. 403 from a socket proxy that forbids the call) also means no verdict.
      const reason = err instanceof EngineUnreachableError ? err.reason : err.message;
      const endpoint = err instanceof EngineUnreachableError ? err.endpoint : engine.endpoint;
      if (opts.json) io.out(`${JSON.stringify({ exitCode: 2, error: err instanceof EngineUnreachableError ? "engine-unreachable" : "engine-api-error", endpoint, reason }, null, 2)}\n`);
      io.err(`health-monitor: ${err instanceof EngineUnreachableError ? err.message : `engine at ${endpoint} refused: ${err.message}`}\n`);
      return 2;
    }
    throw err;
  }
}
