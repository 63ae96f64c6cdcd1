/**
 * Effective settings of the monitor: `apps.healthMonitor` of a `@soc/config` file (or the schema defaults
 * when no file is given), durations converted to milliseconds.
 *
 * Memory: this module does not load `@soc/config` (zod, the whole schema: ~24 MB RSS). Without a file the
 * defaults come from {@link DEFAULT_SETTINGS}, a constant that `test/settings.test.ts` compares with
 * `settingsFromConfig(HealthMonitor.parse({}))`, so it fails when the schema's defaults change. With a
 * file, {@link loadSettings} imports `./settings-config.js` (and with it `@soc/config`) on demand.
 */
import type { AutohealPolicy } from "./autoheal/machine.js";
import type { TlsFiles } from "./docker/endpoint.js";
import type { LogLevel } from "./log.js";
import type { AuditWaiver } from "@soc/config/security";

/** What the commands need, in base units. */
export interface Settings {
  dockerHost: string;
  tls?: TlsFiles;
  /** The engine is reached through a (read-only by default) socket proxy: autoheal restarts need it to allow POST. */
  socketProxy: boolean;
  labelSelector: string[];
  reconcileIntervalMs: number;
  auditIntervalMs: number;
  metricsPort: number;
  logLevel: LogLevel;
  autohealEnabled: boolean;
  autoheal: AutohealPolicy;
  /** Audit waivers by Compose service name (`waive:` of each app and service in the config). */
  waivers: Record<string, AuditWaiver[]>;
}

/**
 * The schema defaults of `apps.healthMonitor` (`@soc/config`, `HealthMonitor.parse({})`) as settings, with
 * `logging.level`'s default `info`. Kept in sync with the schema by a test, not by importing it.
 */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  dockerHost: "unix:///var/run/docker.sock",
  socketProxy: true,
  labelSelector: [],
  reconcileIntervalMs: 60_000,
  auditIntervalMs: 300_000,
  metricsPort: 9102,
  logLevel: "info",
  autohealEnabled: false,
  autoheal: {
    label: "soc.autoheal",
    optIn: true,
    gracePeriodMs: 30_000,
    initialBackoffMs: 10_000,
    maxBackoffMs: 300_000,
    maxRestarts: 3,
    windowMs: 600_000,
    dryRun: false,
  },
  waivers: {},
});

/** The settings with every schema default (no config file): a fresh, mutable copy of {@link DEFAULT_SETTINGS}. */
export function defaultSettings(): Settings {
  return structuredClone(DEFAULT_SETTINGS) as Settings;
}

let configErrorClass: (new (...args: never[]) => Error) | undefined;

/**
 * Loads a config file (with `SOC__…` overrides from `env`) and returns its health-monitor settings.
 * Imports `@soc/config` on first use.
 * @throws {ConfigError} (from @soc/config) for an unreadable or invalid file.
 */
export async function loadSettings(file: string, env: Record<string, string | undefined>): Promise<Settings> {
  const [{ loadSettingsFromFile }, { ConfigError }] = await Promise.all([import("./settings-config.js"), import("@soc/config")]);
  configErrorClass = ConfigError;
  return loadSettingsFromFile(file, env);
}

/**
 * Whether `err` is a `ConfigError` of `@soc/config`, without loading that package: only
 * {@link loadSettings} throws one, and it loads the class first.
 */
export function isConfigError(err: unknown): err is Error {
  return configErrorClass !== undefined && err instanceof configErrorClass;
}
