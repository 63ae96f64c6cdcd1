/**
 * The Prometheus-only settings of a config (`monitoring.prometheus` intervals, Alertmanager receivers), read
 * once so the Prometheus emitters stay pure functions of the deployment model plus these values.
 * Configuration format: https://prometheus.io/docs/prometheus/latest/configuration/configuration/
 */
import { parseDurationSeconds, type SocConfig } from "@soc/config";

/** Thrown when a config value cannot be expressed in prometheus.yml (e.g. a zero scrape interval). */
export class PrometheusSettingsError extends Error {
  override readonly name = "PrometheusSettingsError";
  /**
   * @param path config path of the offending value (`["monitoring","prometheus","scrapeInterval"]`)
   * @param value the value as the config wrote it
   */
  constructor(readonly path: string[], readonly value: string, reason: string) {
    super(`${path.join(".")}: ${reason} (got ${JSON.stringify(value)})`);
  }
}

/** One Alertmanager Prometheus sends alerts to (an `alertmanager_config` with one static target). */
export interface AlertmanagerTarget {
  /** Receiver name in `monitoring.receivers`. */
  receiver: string;
  scheme: "http" | "https";
  /** `host:port` (port defaulted from the scheme: 80 / 443). */
  target: string;
  /** Path prefix of the Alertmanager API (`/` for none); a trailing `/api/v2/alerts` is stripped. */
  pathPrefix: string;
}

/** Settings the Prometheus emitters need besides the deployment model. */
export interface PrometheusSettings {
  /** `global.scrape_interval` in Prometheus duration notation (`monitoring.prometheus.scrapeInterval`). */
  scrapeInterval: string;
  /** `global.evaluation_interval` (`monitoring.prometheus.evaluationInterval`). */
  evaluationInterval: string;
  /** Alertmanagers from `monitoring.receivers` of `type: alertmanager`, sorted by receiver name. */
  alertmanagers: AlertmanagerTarget[];
}

const UNITS: [string, number][] = [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000], ["ms", 1]];

/**
 * A Go-notation duration (`90s`, `1.5m`, `500ms`; as the config's `Duration` allows) → Prometheus duration
 * notation, which has no fractions and wants units largest first (`1m30s`); rounded to milliseconds.
 * Source: https://prometheus.io/docs/prometheus/latest/configuration/configuration/#duration
 * @throws {RangeError} for a string that is not a duration
 */
export function prometheusDuration(d: string): string {
  let ms = durationMs(d);
  if (ms === 0) return "0s";
  let out = "";
  for (const [unit, size] of UNITS) {
    const n = Math.floor(ms / size);
    if (n > 0) out += `${n}${unit}`;
    ms -= n * size;
  }
  return out;
}

/** Milliseconds of a Prometheus/Go duration. @throws {RangeError} for a string that is not a duration */
export function durationMs(d: string): number {
  return Math.round(parseDurationSeconds(d) * 1000);
}

function interval(value: string, path: string[]): string {
  const out = prometheusDuration(value);
  if (out === "0s") throw new PrometheusSettingsError(path, value, "Prometheus needs an interval of at least 1ms");
  return out;
}

/** An Alertmanager base URL (`http://alertmanager:9093`, optionally with a path) → an {@link AlertmanagerTarget}. */
export function alertmanagerTarget(receiver: string, url: string): AlertmanagerTarget {
  const u = new URL(url);
  const scheme = u.protocol === "https:" ? "https" : "http";
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new PrometheusSettingsError(["monitoring", "receivers", receiver, "url"], url, "an Alertmanager URL must be http:// or https://");
  }
  const port = u.port !== "" ? u.port : scheme === "https" ? "443" : "80";
  const pathPrefix = u.pathname.replace(/\/+$/, "").replace(/\/api\/v2\/alerts$/, "") || "/";
  return { receiver, scheme, target: `${u.hostname}:${port}`, pathPrefix };
}

/**
 * Reads the {@link PrometheusSettings} of a parsed config (defaults already applied by the schema).
 * @throws {PrometheusSettingsError} for a zero interval or a non-HTTP Alertmanager URL
 */
export function prometheusSettings(config: SocConfig): PrometheusSettings {
  const p = config.monitoring.prometheus;
  const alertmanagers: AlertmanagerTarget[] = [];
  for (const name of Object.keys(config.monitoring.receivers).sort()) {
    const r = config.monitoring.receivers[name];
    if (r?.type === "alertmanager") alertmanagers.push(alertmanagerTarget(name, r.url));
  }
  return {
    scrapeInterval: interval(p.scrapeInterval, ["monitoring", "prometheus", "scrapeInterval"]),
    evaluationInterval: interval(p.evaluationInterval, ["monitoring", "prometheus", "evaluationInterval"]),
    alertmanagers,
  };
}
