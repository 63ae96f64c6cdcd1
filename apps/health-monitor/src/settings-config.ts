/**
 * `@soc/config` → {@link Settings}: the conversion of a validated `apps.healthMonitor` section and of the
 * config's `waive:` lists. This module imports `@soc/config` (zod schema, loader) and is therefore only
 * loaded when a config file is given (`loadSettings` imports it dynamically) or by library users; the
 * daemon without `--config` runs on {@link DEFAULT_SETTINGS} and never loads zod.
 */
import { resolve } from "node:path";
import { APP_NAMES, type AppKey, type AuditWaiver, type HealthMonitor, loadConfig, parseDurationSeconds, type SocConfig } from "@soc/config";
import type { LogLevel } from "./log.js";
import type { Settings } from "./settings.js";

/** `apps.healthMonitor` as validated by the schema. */
export type HealthMonitorConfig = ReturnType<typeof HealthMonitor.parse>;

const ms = (d: string) => parseDurationSeconds(d) * 1000;

/**
 * Converts the config section.
 * @param baseDir directory the config file is in (relative TLS paths resolve from it).
 * @param globalLogLevel `logging.level` of the config, used when the app sets none.
 */
export function settingsFromConfig(hm: HealthMonitorConfig, baseDir = ".", globalLogLevel: LogLevel = "info"): Settings {
  return {
    dockerHost: hm.docker.host,
    socketProxy: hm.docker.socketProxy,
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
    waivers: {},
  };
}

/**
 * The `waive:` lists of the config by the Compose service name they end up as (apps by their deployable
 * name, e.g. `edge-agent`; services by their key), so the runtime audit marks the same findings as waived
 * as `compose-gen lint` does.
 */
export function waiversFromConfig(config: SocConfig): Record<string, AuditWaiver[]> {
  const out: Record<string, AuditWaiver[]> = {};
  for (const key of Object.keys(APP_NAMES) as AppKey[]) {
    const w = config.apps[key].waive;
    if (w && w.length > 0) out[APP_NAMES[key]] = w.map((x) => ({ rule: x.rule, reason: x.reason }));
  }
  for (const [name, svc] of Object.entries(config.services)) {
    if (svc.waive && svc.waive.length > 0) out[name] = svc.waive.map((x) => ({ rule: x.rule, reason: x.reason }));
  }
  return out;
}

/**
 * Loads a config file (with `SOC__…` overrides from `env`) and returns its health-monitor settings.
 * @throws {ConfigError} (from @soc/config) for an unreadable or invalid file.
 */
export async function loadSettingsFromFile(file: string, env: Record<string, string | undefined>): Promise<Settings> {
  const { config, baseDir } = await loadConfig(file, { env });
  return { ...settingsFromConfig(config.apps.healthMonitor, baseDir, config.logging.level as LogLevel), waivers: waiversFromConfig(config) };
}
