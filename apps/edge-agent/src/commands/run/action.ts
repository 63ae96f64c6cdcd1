/**
 * The action of `edge-agent run`: the process boundary. It alone reads `process.env` (config overrides and
 * secrets), the host name and the signals, and passes them down as values: SIGTERM/SIGINT abort the run
 * gracefully (a second signal kills the process as usual). The daemon ships through the durable buffer plan
 * (`run/shipping/plan.ts`) unless `--no-buffer`; `--once` first drains what a daemon left in that buffer
 * (`run/shipping/once-drain.ts`) unless `--no-buffer`. V8's `gc()`, exposed by the start-up tuning's
 * `--expose-gc`, is handed down for `apps.edgeAgent.memory.collectEvery` (`run/gc-pacer.ts`). Logs are JSON lines
 * (pino) on stderr; the summary goes to stdout.
 * @module
 */
import { hostname } from "node:os";
import { ConfigError } from "@soc/config";
import pino from "pino";
import type { CliIo } from "../../cli-program.js";
import { loadRunSettings, SecretResolutionError } from "../../config-map.js";
import { runAgent } from "../../run/agent.js";
import { onceShipping } from "../../run/shipping/once-drain.js";
import { bufferedShipping } from "../../run/shipping/plan.js";
import { formatRunSummary } from "../../run/stats.js";
import type { RunFlags } from "./register.js";

/**
 * Loads the config, runs the agent, prints the summary and sets the exit code (0 ok/stopped, 1 fatal/incomplete,
 * 2 invalid config or missing input).
 *
 * @param flags - parsed `run` flags.
 * @param io - stdout/stderr/exit code of the CLI.
 */
export async function runCommand(flags: RunFlags, io: CliIo): Promise<void> {
  let settings;
  try {
    settings = await loadRunSettings(flags.config, process.env, hostname());
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SecretResolutionError) {
      io.err(`edge-agent: ${err.message}`);
      io.setExitCode(2);
      return;
    }
    throw err;
  }
  const exposedGc = (globalThis as { gc?: unknown }).gc as (() => void) | undefined;
  const log = pino({ level: flags.logLevel ?? settings.logLevel, base: { app: "edge-agent" } }, pino.destination(2));
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    log.info({ signal }, "stopping: no more reading, flushing in-flight batches");
    stop.abort();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  try {
    const metricsOn = flags.metrics && !(flags.once && flags.metricsPort === undefined);
    const summary = await runAgent({
      settings,
      once: flags.once === true,
      stop: stop.signal,
      shutdownTimeoutMs: flags.shutdownTimeout,
      metrics: metricsOn ? { host: flags.metricsHost, port: flags.metricsPort ?? settings.metricsPort } : false,
      indexSetup: flags.indexSetup,
      log,
      // Daemon: buffer durably while OpenSearch is unreachable, throttle on load, supervise. --once: deliver what a
      // daemon left in the buffer first, then ship the files directly.
      ...(flags.buffer ? { shipping: flags.once === true ? onceShipping() : bufferedShipping() } : {}),
      ...(typeof exposedGc === "function" ? { collectGarbage: () => exposedGc() } : {}),
    });
    log.info({ summary }, "run finished");
    io.out(flags.json ? JSON.stringify(summary, null, 2) : formatRunSummary(summary));
    io.setExitCode(summary.exitCode);
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
}
