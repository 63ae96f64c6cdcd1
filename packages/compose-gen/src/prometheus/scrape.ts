/**
 * Scrape jobs of the stack: one job per container of the model that has a scrape target — our enabled apps
 * (their `/metrics` on `apps.<app>.metricsPort`) and the `services` that declare `scrape:`. The job name and
 * target host are the container's Compose service name, which Compose's embedded DNS resolves on the
 * networks the service joins. Source: https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config
 */
import type { ContainerKind, DeploymentModel } from "../model/types.js";
import { durationMs, prometheusDuration } from "./settings.js";

/** Prometheus' default `scrape_timeout` (10s); lowered to the interval when the interval is shorter. */
export const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;

/** One scrape job (one static target). */
export interface ScrapeJob {
  /** `job_name`: the Compose service name (unique in the model). */
  job: string;
  /** `app` for our apps, `service` for third-party services, as in the model. */
  kind: ContainerKind;
  /** The app key path in the config (`["apps","edgeAgent"]`) or the service path, for messages. */
  origin: string[];
  /** `host:port` of the target (Compose service name : container port). */
  target: string;
  metricsPath: string;
  /** Per-job `scrape_interval` (Prometheus notation) when the config sets one, else the global one applies. */
  interval?: string;
  /** Compose profiles that start the container (empty = always started). */
  profiles: string[];
}

/** The scrape jobs of `model`, sorted by job name (the model's container order). */
export function scrapeJobs(model: DeploymentModel): ScrapeJob[] {
  const jobs: ScrapeJob[] = [];
  for (const c of model.containers) {
    if (c.scrape === undefined) continue;
    jobs.push({
      job: c.name,
      kind: c.kind,
      origin: c.origin,
      target: `${c.name}:${c.scrape.port}`,
      metricsPath: c.scrape.path,
      ...(c.scrape.interval !== undefined ? { interval: prometheusDuration(c.scrape.interval) } : {}),
      profiles: c.profiles,
    });
  }
  return jobs;
}

/** `min(interval, 10s)`: a `scrape_timeout` Prometheus accepts for `interval` (it rejects timeout > interval). */
export function scrapeTimeout(interval: string): string {
  return prometheusDuration(`${Math.min(durationMs(interval), DEFAULT_SCRAPE_TIMEOUT_MS)}ms`);
}

/** The `scrape_configs` entry of one job (plain object, keys in output order). */
export function scrapeConfig(job: ScrapeJob): Record<string, unknown> {
  return {
    job_name: job.job,
    ...(job.interval !== undefined ? { scrape_interval: job.interval, scrape_timeout: scrapeTimeout(job.interval) } : {}),
    metrics_path: job.metricsPath,
    static_configs: [{ targets: [job.target], labels: { kind: job.kind } }],
  };
}
