/**
 * Model → one {@link AppImage} per enabled app: everything the Dockerfile and bake emitters need, read from
 * the same container specs the Compose and Kubernetes emitters render, so the image's port, user, command,
 * healthcheck and name agree with how the stack runs it.
 */
import { APP_NAMES, type AppKey } from "@soc/config";
import type { ContainerSpec, DeploymentModel, HealthcheckSpec } from "../model/types.js";
import { DEFAULT_IMAGE_USER, type ImageSettings } from "./settings.js";

/** Short descriptions of the apps, for the `org.opencontainers.image.description` label. */
export const APP_DESCRIPTIONS: Record<AppKey, string> = {
  edgeAgent: "Edge IDS agent: ships Suricata EVE events to OpenSearch",
  aiopsAgent: "AIOps agent: host metrics, streaming anomaly detection and alerting",
  healthMonitor: "Docker health monitor: container health, runtime security audit and autoheal",
};

/** Error for an app container the image emitter cannot describe (a compose-gen bug: the model always sets these). */
export class ImagePlanError extends Error {
  override readonly name = "ImagePlanError";
  /** @param app the app container name @param reason what is missing */
  constructor(readonly app: string, reason: string) {
    super(`cannot plan the image of ${app}: ${reason}`);
  }
}

/** One app's image, as the emitters render it. */
export interface AppImage {
  /** App / Compose service / bake target name (`edge-agent`). */
  name: string;
  /** Config key (`edgeAgent`). */
  key: AppKey;
  /** pnpm workspace package name of the app (its `--filter`). */
  pkg: string;
  /** Full image reference the Compose/K8s output uses (`ghcr.io/soc-stack/edge-agent:0.1.0` or `apps.<key>.image`). */
  image: string;
  /** true when `image` is the default `<images.registry>/<name>:<images.tag>` (the bake file then builds it from its REGISTRY/TAG variables). */
  defaultName: boolean;
  /** The metrics/health port (`apps.<key>.metricsPort`), TCP. */
  port: number;
  /** Numeric `uid:gid` of the runtime stage (`apps.<key>.user` when numeric, else {@link DEFAULT_IMAGE_USER}). */
  user: string;
  /** Set when the config's user is a name the image cannot create: the image runs as the default and Compose/K8s still set the name. */
  userNote?: string;
  /** Default arguments (Dockerfile `CMD`): the same as the Compose `command`. */
  cmd: string[];
  /** The container healthcheck (the app default: Node's fetch on `/healthz`), or undefined for none. */
  healthcheck?: HealthcheckSpec;
  /** Writable named-volume mount points, created in the image owned by `user` so new volumes inherit that owner. */
  stateDirs: string[];
  description: string;
}

const NUMERIC_USER = /^\d+(:\d+)?$/;

function appKey(c: ContainerSpec): AppKey | undefined {
  const key = c.origin[1];
  return c.kind === "app" && c.origin[0] === "apps" && key !== undefined && key in APP_NAMES ? (key as AppKey) : undefined;
}

/**
 * The images of the enabled apps of `model`, sorted by name (the model's order).
 * @throws {ImagePlanError} when an app container has no image, no string-array command or no scrape port
 */
export function appImages(model: DeploymentModel, settings: Pick<ImageSettings, "registry" | "tag">): AppImage[] {
  const out: AppImage[] = [];
  for (const c of model.containers) {
    const key = appKey(c);
    if (key === undefined) continue;
    if (c.image === undefined) throw new ImagePlanError(c.name, "no image");
    if (!Array.isArray(c.command)) throw new ImagePlanError(c.name, "no exec-form command");
    const port = c.scrape?.port ?? c.expose[0];
    if (port === undefined) throw new ImagePlanError(c.name, "no metrics port");
    const configured = c.security.user;
    const numeric = configured !== undefined && NUMERIC_USER.test(configured);
    const user = numeric ? (configured.includes(":") ? configured : `${configured}:${configured}`) : DEFAULT_IMAGE_USER;
    out.push({
      name: c.name,
      key,
      pkg: APP_NAMES[key],
      image: c.image,
      defaultName: c.image === `${settings.registry}/${c.name}:${settings.tag}`,
      port,
      user,
      ...(configured !== undefined && !numeric ? { userNote: `the config runs ${c.name} as "${configured}"; the image cannot create that account, so it defaults to ${DEFAULT_IMAGE_USER}` } : {}),
      cmd: [...c.command],
      ...(c.healthcheck !== undefined ? { healthcheck: c.healthcheck } : {}),
      stateDirs: c.mounts.filter((m) => m.type === "volume" && !m.readOnly).map((m) => m.target).sort(),
      description: APP_DESCRIPTIONS[key],
    });
  }
  return out;
}
