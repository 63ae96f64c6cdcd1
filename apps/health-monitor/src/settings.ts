/**
 * Effective settings of the monitor: `apps.healthMonitor` of a `@soc/config` file (or the schema defaults
 * when no file is given), durations converted to milliseconds. Pure apart from {@link loadSettings},
 * which reads the config file.
 */
import { resolve } from "node:path";
import { HealthMonitor, loadConfig, parseDurationSeconds } from "@soc/config";
import type { AutohealPolicy } from "./autoheal/machine.js";
import type { TlsFiles } from "./docker/endpoint.js";
import type { LogLevel } from "./log.js";

/** `apps.healthMonitor` as validated by the schema. */
export type HealthMonitorConfig = ReturnType<typeof HealthMonitor.parse>;

/** What the commands need, in base units. */
export interface Settings {
  dockerHost: string;
  tls?: TlsFiles;
  labelSelector: string[];
  reconcileIntervalMs: number;
  auditIntervalMs: number;
  metricsPort: number;
  logLevel: LogLevel;
  autohealEnabled: boolean;
  autoheal: AutohealPolicy;
}

const ms = (d: string) => parseDurationSeconds(d) * 1000;

/**
 * Converts the config section.
 * @param baseDir directory the config file is in (relative TLS paths resolve from it).
 * @param globalLogLevel `logging.level` of the config, used when the app sets none.
 */
export function settingsFromConfig(hm: HealthMonitorConfig, baseDir = ".", globalLogLevel: LogLevel = "info"): Settings {
  return {
    dockerHost: hm.docker.host,
    ...(hm.docker.tls ? { tls: { ca: resolve(baseDir, hm.docker.tls.ca), cert: resolve(baseDir, hm.docker.tls.cert), key: resolve(baseDir, hm.docker.tls.key) } } : {}),
    labelSelector: [...hm.labelSelector],
    reconcileIntervalMs: ms(hm.reconcileInterval),
    auditIntervalMs: ms(hm.auditInterval),
    metricsPort: hm.metricsPort,
    logLevel: (hm.logLevel ?? globalLogLevel) as LogLevel,
    autohealEnabled: hm.autoheal.enabled,
    autoheal: {
      label: hm.autoheal.label,
      optIn: true,
      gracePeriodMs: ms(hm.autoheal.gracePeriod),
      initialBackoffMs: ms(hm.autoheal.initialBackoff),
      maxBackoffMs: ms(hm.autoheal.maxBackoff),
      maxRestarts: hm.autoheal.maxRestarts,
      windowMs: ms(hm.autoheal.window),
      dryRun: hm.autoheal.dryRun,
    },
  };
}

/** The settings with every schema default (no config file). */
export function defaultSettings(): Settings {
  return settingsFromConfig(HealthMonitor.parse({}));
}

/**
 * Loads a config file (with `SOC__…` overrides from `env`) and returns its health-monitor settings.
 * @throws {ConfigError} (from @soc/config) for an unreadable or invalid file.
 */
export async function loadSettings(file: string, env: Record<string, string | undefined>): Promise<Settings> {
  const { config, baseDir } = await loadConfig(file, { env });
  return settingsFromConfig(config.apps.healthMonitor, baseDir, config.logging.level as LogLevel);
}
