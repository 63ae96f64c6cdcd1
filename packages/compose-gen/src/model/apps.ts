/**
 * Our own apps (edge-agent, aiops-agent, health-monitor) → hardened containers: image from `images`, the
 * resolved config mounted read-only, a Node-based healthcheck on the metrics port, a named state volume,
 * the secrets their config sections reference, and for health-monitor a read-only Docker socket proxy.
 */
import { APP_NAMES, type AppKey, type SocConfig } from "@soc/config";
import { baseContainer, declaredSecurity, hardenedSecurity, type BuildContext } from "./container.js";
import { ModelError } from "./normalize.js";
import type { Built } from "./services.js";
import type { HealthcheckSpec, MountSpec, NetworkSpec, VolumeSpec } from "./types.js";

/** In-container path of the resolved config (the apps' `--config`). */
export const APP_CONFIG_PATH = "/etc/soc/config.yaml";
/** Name of the top-level Compose config entry holding the resolved config. */
export const APP_CONFIG_NAME = "soc-config";
/** Name of the generated Docker API proxy service. */
export const SOCKET_PROXY_NAME = "docker-socket-proxy";
/** Name of the internal network shared only by the proxy and health-monitor. */
export const DOCKER_API_NETWORK = "docker-api";
/**
 * The socket proxy image: Tecnativa's HAProxy-based proxy, pinned to release v0.4.2 as published by the
 * project's GHCR workflow (multi-arch amd64/arm64). Source: https://github.com/Tecnativa/docker-socket-proxy
 */
export const SOCKET_PROXY_IMAGE = "ghcr.io/tecnativa/docker-socket-proxy:v0.4.2";

const STATE_DIRS: Partial<Record<AppKey, string>> = {
  edgeAgent: "/var/lib/soc/edge-agent",
  aiopsAgent: "/var/lib/soc/aiops-agent",
};

/** The apps' default healthcheck: Node's fetch against /healthz (the images have no curl or wget). */
export function appHealthcheck(metricsPort: number): HealthcheckSpec {
  return {
    test: ["CMD", "node", "-e", `fetch('http://127.0.0.1:${metricsPort}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`],
    interval: "15s",
    timeout: "5s",
    retries: 3,
    startPeriod: "20s",
  };
}

/** Config sections besides `apps.<key>` whose secret references an app resolves at run time. */
function sharedSections(config: SocConfig, key: AppKey): unknown[] {
  if (key === "edgeAgent") return [config.opensearch];
  if (key === "aiopsAgent") return config.apps.aiopsAgent.alerting.receivers.map((r) => config.monitoring.receivers[r]);
  return [];
}

/** What the apps add besides containers: generated networks and volumes, and how the app config is rewritten. */
export interface AppExtras {
  networks: NetworkSpec[];
  volumes: VolumeSpec[];
  /** DOCKER_HOST health-monitor uses, when compose-gen changed it (socket proxy). */
  dockerHost?: string;
}

/** Every enabled app, plus the generated socket proxy when health-monitor uses one. */
export function buildApps(ctx: BuildContext): { built: Built[]; extras: AppExtras } {
  const { config } = ctx;
  const built: Built[] = [];
  const extras: AppExtras = { networks: [], volumes: [] };
  for (const key of Object.keys(APP_NAMES) as AppKey[]) {
    const a = config.apps[key];
    if (!a.enabled) continue;
    const name = APP_NAMES[key];
    const origin = ["apps", key];
    const { spec, rawDependsOn } = baseContainer(name, "app", origin, a, hardenedSecurity(a), ctx);
    spec.image = a.image ?? `${config.images.registry}/${name}:${config.images.tag}`;
    spec.command = ["run", "--config", APP_CONFIG_PATH];
    spec.init = true;
    spec.configs = [{ source: APP_CONFIG_NAME, target: APP_CONFIG_PATH }];
    spec.healthcheck ??= appHealthcheck(a.metricsPort);
    spec.expose = [a.metricsPort];
    spec.scrape = { port: a.metricsPort, path: "/metrics" };
    const state = STATE_DIRS[key];
    if (state !== undefined) {
      const volume = `${name}-data`;
      spec.mounts.push({ type: "volume", source: volume, target: state, readOnly: false });
      extras.volumes.push({ name: volume, description: `state of ${name} (checkpoints, spool, outbox)` });
    }
    // The app's own `env` is its container environment (handled by baseContainer), not config it resolves.
    const needs = ctx.registry.needsOf([{ ...a, env: undefined }, ...sharedSections(config, key)], ctx.baseDir);
    spec.secrets = [...new Set([...spec.secrets, ...needs.mounts])].sort();
    for (const v of needs.envVars) if (!(v in spec.env)) spec.env[v] = { kind: "secretEnv", name: v };
    spec.env = Object.fromEntries(Object.entries(spec.env).sort(([x], [y]) => x.localeCompare(y)));
    let deps = rawDependsOn;
    if (key === "aiopsAgent") {
      // Host metrics: the agent reads the host's /proc (read-only) — a known, documented exception.
      spec.mounts.push({ type: "bind", source: "/proc", target: config.apps.aiopsAgent.collect.hostProc, readOnly: true });
    }
    if (key === "edgeAgent") warnUnmountedEve(ctx, spec.mounts);
    if (key === "healthMonitor") {
      const proxy = dockerAccess(ctx, spec);
      if (proxy !== undefined) {
        built.push(proxy.built);
        extras.networks.push(proxy.network);
        extras.dockerHost = spec.env.DOCKER_HOST?.kind === "literal" ? spec.env.DOCKER_HOST.value : undefined;
        deps = Array.isArray(deps) ? [...deps, SOCKET_PROXY_NAME] : { ...deps, [SOCKET_PROXY_NAME]: { condition: "service_healthy" } };
      }
    }
    built.push({ spec, rawDependsOn: deps });
  }
  return { built, extras };
}

function warnUnmountedEve(ctx: BuildContext, mounts: MountSpec[]): void {
  for (const p of ctx.config.apps.edgeAgent.eve.paths) {
    if (!mounts.some((m) => p === m.target || p.startsWith(`${m.target.replace(/\/$/, "")}/`))) {
      ctx.warnings.push({ path: ["apps", "edgeAgent", "eve", "paths"], message: `edge-agent reads ${p} but no volume is mounted there; mount Suricata's log folder (e.g. suricata-logs:/var/log/suricata:ro)` });
    }
  }
}

/**
 * Docker API access of health-monitor. With `socketProxy` (default) and a unix socket, a proxy service gets
 * the socket read-only and health-monitor reaches it over an internal network; otherwise the socket is
 * mounted directly (with a warning) or a tcp:// host is used as is.
 */
function dockerAccess(ctx: BuildContext, spec: Built["spec"]): { built: Built; network: NetworkSpec } | undefined {
  const hm = ctx.config.apps.healthMonitor;
  const origin = ["apps", "healthMonitor", "docker"];
  const socket = hm.docker.host.startsWith("unix://") ? hm.docker.host.slice("unix://".length) : undefined;
  if (socket === undefined) {
    spec.env.DOCKER_HOST = { kind: "literal", value: hm.docker.host };
    return undefined;
  }
  if (!hm.docker.socketProxy) {
    spec.mounts.push({ type: "bind", source: socket, target: socket, readOnly: true });
    ctx.warnings.push({ path: [...origin, "socketProxy"], message: `health-monitor mounts the Docker socket ${socket} directly: whoever controls the container controls the engine (":ro" does not restrict the API), and user ${spec.security.user ?? "root"} needs the socket's group; prefer socketProxy: true` });
    return undefined;
  }
  if (spec.networkMode !== undefined) throw new ModelError([...origin, "socketProxy"], `health-monitor has networkMode "${spec.networkMode}" and so cannot join the socket proxy's internal network; remove networkMode or set socketProxy: false`);
  if (ctx.config.services[SOCKET_PROXY_NAME] !== undefined) throw new ModelError(["services", SOCKET_PROXY_NAME], `the name "${SOCKET_PROXY_NAME}" is reserved for the generated Docker socket proxy (apps.healthMonitor.docker.socketProxy); rename the service or set socketProxy: false`);
  if (ctx.config.networks[DOCKER_API_NETWORK] !== undefined) throw new ModelError(["networks", DOCKER_API_NETWORK], `the network name "${DOCKER_API_NETWORK}" is reserved for the generated Docker socket proxy; rename it`);
  spec.env.DOCKER_HOST = { kind: "literal", value: `tcp://${SOCKET_PROXY_NAME}:2375` };
  spec.networks = [...new Set([...(spec.networks.length ? spec.networks : ["default"]), DOCKER_API_NETWORK])].sort();
  const env: Record<string, string> = { CONTAINERS: "1", EVENTS: "1", INFO: "1", PING: "1", VERSION: "1", ...(hm.autoheal.enabled ? { POST: "1" } : {}) };
  const fields = {
    readOnly: true,
    tmpfs: ["/run", "/tmp"],
    securityOpt: ["no-new-privileges:true"],
    networks: [DOCKER_API_NETWORK],
    volumes: [{ type: "bind" as const, source: socket, target: "/var/run/docker.sock", readOnly: true }],
    env,
    resources: { limits: { cpus: 0.1, memory: "64M", pids: 64 }, reservations: { cpus: 0.02, memory: "16M" } },
    healthcheck: { test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:2375/_ping || exit 1"], interval: "15s", timeout: "5s", retries: 3 },
  };
  const { spec: proxy } = baseContainer(SOCKET_PROXY_NAME, "generated", [...origin, "socketProxy"], fields, declaredSecurity(fields), ctx);
  proxy.profiles = spec.profiles;
  proxy.image = SOCKET_PROXY_IMAGE;
  proxy.description = "read-only Docker API for health-monitor (generated)";
  return {
    built: { spec: proxy, rawDependsOn: undefined },
    network: { name: DOCKER_API_NETWORK, description: "health-monitor <-> docker-socket-proxy only (generated)", driver: "bridge", internal: true },
  };
}
