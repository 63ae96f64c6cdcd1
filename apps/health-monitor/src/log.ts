/**
 * Logging: pino JSON lines on stderr (stdout stays for command output). The rest of the code depends only
 * on the small {@link Log} interface, which pino satisfies and tests can record.
 */
import { pino } from "pino";

/** The logger interface used everywhere below the entry point (pino's call shape). */
export interface Log {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** Log levels accepted by {@link createLogger}. */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

/** A pino logger writing JSON to stderr (fd 2), with `app: "health-monitor"` on every line. */
export function createLogger(level: LogLevel = "info"): Log {
  return pino({ level, base: { app: "health-monitor" }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
}

/** A logger that drops everything. */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
