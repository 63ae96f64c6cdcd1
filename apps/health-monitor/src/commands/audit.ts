/** `health-monitor audit`: the runtime security audit of every selected container. */
import type { AuditWaiver, Severity } from "@soc/config/security";
import { SEVERITIES } from "@soc/config/security";
import { type AuditFormat, formatAudit } from "../audit/format.js";
import { auditInspected } from "../audit/run.js";
import type { Engine } from "../docker/engine.js";
import { EngineApiError, EngineUnreachableError } from "../errors.js";
import type { LabelSelector } from "../state/labels.js";
import type { Io } from "./check.js";
import { inspectAll } from "./collect.js";

/** Options of {@link runAudit}. */
export interface AuditOptions {
  format: AuditFormat;
  labels: readonly LabelSelector[];
  /** Exit 1 when an unwaived finding of this severity or worse exists; undefined = always 0. */
  failOn?: Severity;
  waivers?: Readonly<Record<string, readonly AuditWaiver[]>>;
  version: string;
}

/** Runs the audit and returns the exit code (0; 1 with `failOn` reached; 2 engine unreachable). */
export async function runAudit(engine: Engine, opts: AuditOptions, io: Io): Promise<0 | 1 | 2> {
  try {
    const report = auditInspected(await inspectAll(engine, opts.labels), opts.waivers ?? {});
    io.out(formatAudit(report, opts.format, opts.version));
    if (opts.failOn === undefined) return 0;
    const worst = SEVERITIES.slice(0, SEVERITIES.indexOf(opts.failOn) + 1);
    return worst.some((s) => report.counts[s] > 0) ? 1 : 0;
  } catch (err) {
    if (err instanceof EngineUnreachableError || err instanceof EngineApiError) {
      io.err(`health-monitor: ${err instanceof EngineUnreachableError ? err.message : `engine at ${engine.endpoint} refused: ${err.message}`}\n`);
      return 2;
    }
    throw err;
  }
}
