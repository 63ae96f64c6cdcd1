/**
 * Can the stack's Prometheus reach each scrape target by its Compose service name? Compose's embedded DNS
 * answers service names only on networks the two containers share, and not at all for a container in
 * another network namespace (`network_mode: host`, `service:x`, `container:x`).
 * Source: https://docs.docker.com/compose/how-tos/networking/
 */
import type { ContainerSpec, DeploymentModel } from "../model/types.js";
import type { ScrapeJob } from "./scrape.js";

/** A scrape job Prometheus will probably fail to reach, and why. */
export interface ReachNote {
  job: string;
  reason: string;
}

/** Image repositories recognised as the Prometheus server (`prom/prometheus`, `quay.io/prometheus/prometheus`, …). */
export const PROMETHEUS_IMAGE = /(^|\/)prometheus$/;

/** Repository of an image reference, without tag or digest (`registry:5000/prom/prometheus:v2` → `registry:5000/prom/prometheus`). */
export const imageRepository = (image: string): string => image.replace(/@.*$/, "").replace(/:[^/]*$/, "");

/** Networks a container joins, `default` standing for the project network when it names none. */
const networksOf = (c: ContainerSpec): string[] => (c.networks.length ? c.networks : ["default"]);

/** The Prometheus server containers of the model (by image). */
export function prometheusServers(model: DeploymentModel): ContainerSpec[] {
  return model.containers.filter((c) => c.image !== undefined && PROMETHEUS_IMAGE.test(imageRepository(c.image)));
}

/**
 * Notes for jobs whose target is in another network namespace, or (when the model runs a Prometheus server)
 * shares no network with any Prometheus server. Pure; an empty list when everything is reachable.
 */
export function reachNotes(model: DeploymentModel, jobs: ScrapeJob[]): ReachNote[] {
  const byName = new Map(model.containers.map((c) => [c.name, c]));
  const servers = prometheusServers(model);
  const notes: ReachNote[] = [];
  for (const job of jobs) {
    const c = byName.get(job.job);
    if (c === undefined) continue;
    if (c.networkMode !== undefined) {
      notes.push({ job: job.job, reason: `runs with network_mode "${c.networkMode}": its service name does not resolve; scrape it by a host address instead` });
      continue;
    }
    if (!servers.length || servers.some((s) => s.name === c.name)) continue;
    const mine = new Set(networksOf(c));
    if (!servers.some((s) => s.networkMode === undefined && networksOf(s).some((n) => mine.has(n)))) {
      notes.push({ job: job.job, reason: `shares no network with ${servers.map((s) => s.name).join(", ")} (${job.job}: ${[...mine].join(", ")})` });
    }
  }
  return notes;
}
