/**
 * The command-line program, as a function of its environment (argv, env, IO, engine factory) so it can be
 * tested in-process. `cli.ts` is the only place that touches `process`.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { type Severity, SEVERITIES } from "@soc/config/security";
import { AUDIT_FORMATS, type AuditFormat } from "./audit/format.js";
import type { SelfMatcher } from "./autoheal/machine.js";
import { runAudit } from "./commands/audit.js";
import { type Io, runCheck } from "./commands/check.js";
import { runWatch } from "./commands/watch.js";
import { type DockerEndpoint, parseDockerHost, type TlsFiles } from "./docker/endpoint.js";
import type { Engine } from "./docker/engine.js";
import { DockerHostError } from "./errors.js";
import type { Log, LogLevel } from "./log.js";
import { type LabelSelector, parseLabelSelector } from "./state/labels.js";
import { defaultSettings, isConfigError, loadSettings, type Settings } from "./settings.js";
import { VERSION } from "./version.js";

/** Everything the program takes from its environment. */
export interface CliEnv {
  argv: readonly string[];
  /** Environment variables (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, SOC__… overrides). */
  env: Readonly<Record<string, string | undefined>>;
  io: Io;
  createEngine(endpoint: DockerEndpoint): Promise<Engine>;
  createLog(level: LogLevel): Log;
  /** Matcher of the monitor's own container (from /proc/self/cgroup and the hostname). */
  isSelf: SelfMatcher;
  /** Aborted on SIGTERM/SIGINT. */
  shutdown: AbortSignal;
}

const collectLabel = (value: string, prev: LabelSelector[]): LabelSelector[] => {
  try {
    return [...prev, parseLabelSelector(value)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

const positiveSeconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number of seconds, got ${value}`);
  return n;
};

/** TLS files from the Docker CLI variables: `DOCKER_TLS_VERIFY=1` and `DOCKER_CERT_PATH` (default `~/.docker`, not guessed here). */
function tlsFromEnv(env: CliEnv["env"]): TlsFiles | undefined {
  const verify = env["DOCKER_TLS_VERIFY"];
  const dir = env["DOCKER_CERT_PATH"];
  if (verify === undefined || verify === "" || verify === "0" || dir === undefined || dir === "") return undefined;
  return { ca: `${dir}/ca.pem`, cert: `${dir}/cert.pem`, key: `${dir}/key.pem` };
}

/** Runs the program; resolves with the exit code. */
export async function main(e: CliEnv): Promise<number> {
  let exitCode = 0;
  const program = new Command("health-monitor")
    .description("Docker container health, runtime security audit and autoheal.")
    .version(VERSION)
    .option("-c, --config <file>", "SOC config file (apps.healthMonitor); schema defaults when omitted")
    .option("-H, --host <address>", "Docker engine address (default: DOCKER_HOST, then the config)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => e.io.out(s), writeErr: (s) => e.io.err(s) });

  const resolve = async (): Promise<{ settings: Settings; engine: Engine }> => {
    const g = program.opts<{ config?: string; host?: string }>();
    const settings = g.config !== undefined ? await loadSettings(g.config, { ...e.env }) : defaultSettings();
    const host = g.host ?? e.env["DOCKER_HOST"] ?? settings.dockerHost;
    const tls = settings.tls ?? tlsFromEnv(e.env);
    const engine = await e.createEngine(parseDockerHost(host, tls));
    return { settings, engine };
  };
  const labelsOf = (cmd: LabelSelector[], s: Settings) => (cmd.length > 0 ? cmd : s.labelSelector.map(parseLabelSelector));

  program
    .command("check")
    .description("check every selected container once: exit 0 all healthy, 1 any unhealthy/exited/restarting, 2 engine unreachable")
    .option("--json", "print JSON instead of a table")
    .option("-l, --label <key[=value]>", "only containers with this label (repeatable)", collectLabel, [] as LabelSelector[])
    .option("--no-stats", "skip the CPU/memory sample (faster)")
    .action(async (o: { json?: boolean; label: LabelSelector[]; stats: boolean }) => {
      const { settings, engine } = await resolve();
      exitCode = await runCheck(engine, { json: o.json === true, labels: labelsOf(o.label, settings), stats: o.stats }, e.io);
    });

  program
    .command("audit")
    .description("runtime security audit of every selected container (same rules as compose-gen lint)")
    .addOption(new Option("-f, --format <format>", "output format").choices(AUDIT_FORMATS).default("table"))
    .addOption(new Option("--fail-on <severity>", "exit 1 when a finding of this severity or worse exists").choices(SEVERITIES))
    .option("-l, --label <key[=value]>", "only containers with this label (repeatable)", collectLabel, [] as LabelSelector[])
    .action(async (o: { format: AuditFormat; failOn?: Severity; label: LabelSelector[] }) => {
      const { settings, engine } = await resolve();
      exitCode = await runAudit(engine, { format: o.format, labels: labelsOf(o.label, settings), version: VERSION, waivers: settings.waivers, ...(o.failOn ? { failOn: o.failOn } : {}) }, e.io);
    });

  program
    .command("watch")
    .alias("run")
    .description("run the monitor: events, metrics, periodic audit and (opt-in) autoheal, until SIGTERM")
    .option("-l, --label <key[=value]>", "only containers with this label (repeatable)", collectLabel, [] as LabelSelector[])
    .option("--autoheal", "restart unhealthy containers labelled <autoheal.label>=true (overrides autoheal.enabled)")
    .option("--autoheal-all", "autoheal every unhealthy container except those labelled <autoheal.label>=false (default: only =true)")
    .option("--dry-run", "autoheal decides and logs but never restarts")
    .option("--grace-period <seconds>", "seconds a container must stay unhealthy before a restart", positiveSeconds)
    .option("--notify-url <url>", "POST a JSON notice to this webhook for every autoheal action", (v) => {
      if (!/^https?:\/\//.test(v)) throw new InvalidArgumentError(`expected an http(s) URL, got ${v}`);
      return v;
    })
    .option("--restart-timeout <seconds>", "seconds a container gets to stop on an autoheal restart (default 10)", positiveSeconds)
    .option("--metrics-host <host>", "address of /metrics", "0.0.0.0")
    .option("--metrics-port <port>", "port of /metrics (default: the config's metricsPort, 9102)", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`invalid port ${v}`);
      return n;
    })
    .option("--no-stats", "do not sample CPU/memory")
    .action(async (o: { label: LabelSelector[]; autoheal?: boolean; autohealAll?: boolean; dryRun?: boolean; gracePeriod?: number; restartTimeout?: number; notifyUrl?: string; metricsHost: string; metricsPort?: number; stats: boolean }) => {
      const { settings, engine } = await resolve();
      const log = e.createLog(settings.logLevel);
      const enabled = o.autoheal === true || o.autohealAll === true || settings.autohealEnabled;
      if (enabled && !o.dryRun && !settings.autoheal.dryRun && settings.socketProxy) {
        log.warn({ endpoint: engine.endpoint }, "autoheal restarts containers (POST /containers/{id}/restart): the socket proxy must allow it (docker-socket-proxy: CONTAINERS=1 POST=1), or restarts fail with 403 and are counted as errors");
      }
      const policy = { ...settings.autoheal, ...(o.autohealAll ? { optIn: false } : {}), ...(o.dryRun ? { dryRun: true } : {}), ...(o.gracePeriod !== undefined ? { gracePeriodMs: o.gracePeriod * 1000 } : {}) };
      exitCode = await runWatch(
        engine,
        {
          labels: labelsOf(o.label, settings),
          reconcileIntervalMs: settings.reconcileIntervalMs,
          auditIntervalMs: settings.auditIntervalMs,
          ...(enabled ? { autoheal: policy } : {}),
          isSelf: e.isSelf,
          metricsHost: o.metricsHost,
          metricsPort: o.metricsPort ?? settings.metricsPort,
          stats: o.stats,
          waivers: settings.waivers,
          ...(o.notifyUrl ? { notifyUrl: o.notifyUrl } : {}),
          ...(o.restartTimeout !== undefined ? { restartTimeoutSeconds: Math.round(o.restartTimeout) } : {}),
        },
        log,
        e.shutdown,
      );
    });

  try {
    await program.parseAsync([...e.argv], { from: "user" });
    return exitCode;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("commander.")) {
      return code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help" ? 0 : 1;
    }
    if (isConfigError(err) || err instanceof DockerHostError) {
      e.io.err(`health-monitor: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
