/**
 * `edge-agent run --config <file> [--once]`: the shipping daemon, and batch mode. Registration only; the action
 * (config loading, OpenSearch client, pipeline) is imported on first use, so `edge-agent parse` and `--help` never
 * load zod or the OpenSearch client.
 * @module
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CliIo } from "../../cli-program.js";

/** Flags of `edge-agent run`. */
export interface RunFlags {
  /** Config file path (YAML or JSON, `@soc/config`). */
  readonly config: string;
  readonly once?: boolean;
  readonly json?: boolean;
  /** `false` with `--no-metrics`. */
  readonly metrics: boolean;
  readonly metricsPort?: number;
  readonly metricsHost: string;
  /** Milliseconds. */
  readonly shutdownTimeout: number;
  /** `false` with `--no-index-setup`. */
  readonly indexSetup: boolean;
  /** `false` with `--no-buffer`: the daemon ships directly, without the durable buffer; `--once` leaves it undrained. */
  readonly buffer: boolean;
  readonly logLevel?: string;
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("must be a port number (0 = any free port)");
  return n;
}

/** Parses `10s`, `1500ms`, `2m` or plain milliseconds. */
function duration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError("expected a duration such as 10s, 1500ms or 2m");
  return Math.round(Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 }[m[2] ?? "ms"] ?? 1));
}

/**
 * Adds `run` to the program.
 *
 * @param program - the root command.
 * @param io - output and exit code sinks: the summary goes to `out`, logs (pino JSON) to stderr.
 */
export function registerRunCommand(program: Command, io: CliIo): void {
  program
    .command("run")
    .description("Ship EVE events to OpenSearch: follow the configured files (daemon), or read them to the end and exit (--once).")
    .requiredOption("-c, --config <file>", "SOC stack config (apps.edgeAgent, opensearch)")
    .option("--once", "read every configured file to its end, ship, wait for all acknowledgements, write checkpoints, exit")
    .option("--json", "print the final summary as JSON")
    .option("--metrics-port <port>", "port of /metrics, /healthz, /readyz (default apps.edgeAgent.metricsPort; --once: off unless given)", port)
    .option("--metrics-host <host>", "address the metrics server binds", "0.0.0.0")
    .option("--no-metrics", "do not start the metrics server")
    .option("--shutdown-timeout <duration>", "time in-flight batches get after SIGTERM/SIGINT", duration, 10_000)
    .option("--no-index-setup", "do not install the index template and ISM policy (managed elsewhere)")
    .option("--no-buffer", "daemon: ship directly, without the durable buffer (apps.edgeAgent.buffer) and supervision; --once: do not deliver what a daemon left in that buffer first")
    .addOption(new Option("--log-level <level>", "log level (default apps.edgeAgent.logLevel or logging.level)").choices(["trace", "debug", "info", "warn", "error", "fatal"]))
    .action(async (flags: RunFlags) => {
      const { runCommand } = await import("./action.js");
      await runCommand(flags, io);
    });
}
