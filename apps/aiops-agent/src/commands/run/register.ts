/**
 * `aiops-agent run`: the collection → detection → alerting service. This module is the process edge of
 * the command: it owns the signal handlers, stdout and the pino logger; everything below gets them passed in.
 * @module
 */
import { InvalidArgumentError, type Command } from "commander";
import { ConfigError } from "@soc/config";
import { type Logger, pino } from "pino";
import { RunOptionError, runAgent } from "./run.js";

/** What the entry point passes down (the only place that reads `process.env`). */
export interface RunContext {
  /** Environment for config overrides and secret references. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

function nonNegativeInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number`);
    return n;
  };
}

/**
 * Adds `run` to the program: `aiops-agent run --config <file> [--interval 1s] [--once | --ticks N]
 * [--metrics-port N] [--metrics-host H] [--proc-root DIR] [--warmup N] [--print-ticks] [--log-level L]`.
 * Logs are pino JSON lines on stderr; per-tick lines (`--print-ticks`, on by default with `--once`/`--ticks`)
 * on stdout. SIGTERM/SIGINT stop collection, flush the alert sink (5 s deadline) and exit 0.
 */
export function registerRunCommand(program: Command, ctx: RunContext): void {
  program
    .command("run")
    .description("Collect host metrics, score every series for anomalies, export /metrics and send alerts")
    .requiredOption("--config <file>", "stack config (YAML/JSON); settings under apps.aiopsAgent")
    .option("--interval <duration>", "collection interval, overrides collect.interval (>= 1s)")
    .option("--once", "run one tick and exit")
    .option("--ticks <n>", "run this many ticks and exit", nonNegativeInt("--ticks"))
    .option("--metrics-port <port>", "port of /metrics, /healthz, /readyz (overrides metricsPort; 0 = any free port)", nonNegativeInt("--metrics-port"))
    .option("--metrics-host <host>", "address of the metrics server", "0.0.0.0")
    .option("--proc-root <dir>", "procfs to read, overrides collect.hostProc")
    .option("--warmup <n>", "samples a series is scored before it may alert (default 120)", nonNegativeInt("--warmup"))
    .option("--print-ticks", "print one line per tick on stdout (default with --once/--ticks)")
    .option("--log-level <level>", `log level (${LEVELS.join(", ")}); default from the config`)
    .action(async (opts: {
      config: string;
      interval?: string;
      once?: boolean;
      ticks?: number;
      metricsPort?: number;
      metricsHost: string;
      procRoot?: string;
      warmup?: number;
      printTicks?: boolean;
      logLevel?: string;
    }) => {
      if (opts.logLevel !== undefined && !(LEVELS as readonly string[]).includes(opts.logLevel)) {
        throw new InvalidArgumentError(`--log-level must be one of ${LEVELS.join(", ")}`);
      }
      let log: Logger | undefined;
      const logFor = (level: string) => {
        log = pino({ level, base: { app: "aiops-agent" }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
        return log;
      };
      const ticks = opts.once ? 1 : opts.ticks;
      const controller = new AbortController();
      const stop = (signal: NodeJS.Signals) => {
        log?.info({ signal }, "signal received: stopping");
        controller.abort();
      };
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
      try {
        process.exitCode = await runAgent(
          {
            configFile: opts.config,
            env: ctx.env,
            metricsHost: opts.metricsHost,
            printTicks: opts.printTicks ?? ticks !== undefined,
            ...(opts.interval !== undefined ? { interval: opts.interval } : {}),
            ...(ticks !== undefined ? { ticks } : {}),
            ...(opts.metricsPort !== undefined ? { metricsPort: opts.metricsPort } : {}),
            ...(opts.procRoot !== undefined ? { procRoot: opts.procRoot } : {}),
            ...(opts.warmup !== undefined ? { warmupSamples: opts.warmup } : {}),
            ...(opts.logLevel !== undefined ? { logLevel: opts.logLevel } : {}),
          },
          { logFor, stdout: (line) => process.stdout.write(`${line}\n`), signal: controller.signal },
        );
      } catch (err) {
        // startup errors with a complete message (config file, flags, secrets, port in use): no stack trace
        if (err instanceof ConfigError || err instanceof RunOptionError || (err instanceof Error && "code" in err)) {
          console.error(`aiops-agent run: ${err.message}`);
          process.exitCode = 1;
        } else throw err;
      } finally {
        process.removeListener("SIGTERM", stop);
        process.removeListener("SIGINT", stop);
        log?.flush();
      }
    });
}
