/**
 * One model container → one Compose service mapping, keys in a fixed order. Field reference:
 * https://docs.docker.com/reference/compose-file/services/
 */
import path from "node:path";
import { effectiveWaivers, WAIVE_KEY } from "../lint/lint.js";
import { composeBytes } from "../model/bytes.js";
import type { ContainerSpec, MountSpec, ResourceAmounts } from "../model/types.js";

export { composeBytes };

/** `${NAME:?NAME must be set}`: Compose refuses to start when the variable is unset or empty. */
export function requiredVar(name: string): string {
  return `\${${name}:?${name} must be set}`;
}

/** A path written relative to the config file, re-expressed relative to `fromDir` (POSIX, `./`-prefixed). */
export function relativeFrom(fromDir: string, absolute: string): string {
  const rel = path.posix.relative(fromDir.split(path.sep).join("/"), absolute);
  return rel.startsWith("..") || rel.startsWith("/") ? rel : `./${rel}`;
}

const PROPAGATION = new Set(["rslave", "rshared", "rprivate", "slave", "shared", "private"]);

function mount(m: MountSpec, composeDir: string): Record<string, unknown> {
  const opts = m.options ?? [];
  const propagation = opts.find((o) => PROPAGATION.has(o));
  const selinux = opts.find((o) => o === "z" || o === "Z");
  const source = m.type === "bind" && m.source !== undefined && m.relative === true ? relativeFrom(composeDir, m.source) : m.source;
  return {
    type: m.type,
    ...(source !== undefined ? { source } : {}),
    target: m.target,
    ...(m.readOnly ? { read_only: true } : {}),
    ...(m.type === "bind" && (propagation || selinux) ? { bind: { ...(propagation ? { propagation } : {}), ...(selinux ? { selinux } : {}) } } : {}),
    ...(m.type === "volume" && opts.includes("nocopy") ? { volume: { nocopy: true } } : {}),
  };
}

function amounts(a: ResourceAmounts): Record<string, unknown> | undefined {
  const out = {
    ...(a.cpus !== undefined ? { cpus: a.cpus } : {}),
    ...(a.memoryBytes !== undefined ? { memory: composeBytes(a.memoryBytes) } : {}),
    ...(a.pids !== undefined ? { pids: a.pids } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

const nonEmpty = <T>(key: string, v: T[] | undefined): Record<string, T[]> => (v !== undefined && v.length ? { [key]: v } : {});
const defined = (key: string, v: unknown): Record<string, unknown> => (v !== undefined ? { [key]: v } : {});

/**
 * The Compose service for `c`. Relative host paths (binds, build contexts) are made relative to
 * `composeDir`, the folder the Compose file is written to.
 */
export function composeService(c: ContainerSpec, composeDir: string): Record<string, unknown> {
  const limits = amounts(c.resources.limits);
  const reservations = amounts(c.resources.reservations);
  const s = c.security;
  const build = c.build && {
    ...c.build,
    context: c.build.contextRelative ? relativeFrom(composeDir, c.build.context) : c.build.context,
    contextRelative: undefined,
  };
  return {
    ...defined("image", c.image),
    ...defined("build", build && Object.fromEntries(Object.entries(build).filter(([, v]) => v !== undefined))),
    ...defined("command", c.command),
    ...defined("entrypoint", c.entrypoint),
    ...defined("working_dir", c.workingDir),
    ...defined("user", s.user),
    ...defined("hostname", c.hostname),
    ...defined("container_name", c.containerName),
    ...defined("init", c.init),
    ...nonEmpty("profiles", c.profiles),
    restart: c.restart,
    ...(Object.keys(c.dependsOn).length
      ? { depends_on: Object.fromEntries(Object.entries(c.dependsOn).map(([n, d]) => [n, { condition: d.condition, ...(d.required ? {} : { required: false }), ...defined("restart", d.restart) }])) }
      : {}),
    ...(Object.keys(c.env).length
      ? { environment: Object.fromEntries(Object.entries(c.env).map(([k, v]) => [k, v.kind === "literal" ? v.value : requiredVar(v.name)])) }
      : {}),
    ...nonEmpty("ports", c.ports.map((p) => ({ target: p.target, ...defined("host_ip", p.hostIp), ...defined("published", p.published), protocol: p.protocol, ...defined("name", p.name) }))),
    ...nonEmpty("expose", c.expose),
    ...defined("network_mode", c.networkMode),
    ...nonEmpty("networks", c.networkMode === undefined ? c.networks : []),
    ...nonEmpty("volumes", c.mounts.map((m) => mount(m, composeDir))),
    ...nonEmpty("tmpfs", s.tmpfs),
    ...nonEmpty("configs", c.configs.map((x) => ({ source: x.source, target: x.target }))),
    ...nonEmpty("secrets", c.secrets),
    ...(c.healthcheck
      ? {
          healthcheck: {
            test: c.healthcheck.test,
            interval: c.healthcheck.interval,
            timeout: c.healthcheck.timeout,
            retries: c.healthcheck.retries,
            ...defined("start_period", c.healthcheck.startPeriod),
            ...defined("start_interval", c.healthcheck.startInterval),
          },
        }
      : {}),
    ...(limits || reservations ? { deploy: { resources: { ...defined("limits", limits), ...defined("reservations", reservations) } } } : {}),
    ...(s.readOnly ? { read_only: true } : {}),
    ...(s.privileged ? { privileged: true } : {}),
    ...nonEmpty("cap_drop", s.capDrop),
    ...nonEmpty("cap_add", s.capAdd),
    ...nonEmpty("security_opt", s.securityOpt),
    ...defined("pid", s.pid),
    ...defined("ipc", s.ipc),
    ...(Object.keys(s.ulimits).length ? { ulimits: s.ulimits } : {}),
    ...nonEmpty("devices", s.devices),
    ...nonEmpty("extra_hosts", c.extraHosts),
    ...defined("shm_size", c.shmSize),
    ...defined("stop_grace_period", c.stopGracePeriod),
    ...nonEmpty(WAIVE_KEY, effectiveWaivers(c).map((w) => ({ rule: w.rule, reason: w.reason }))),
    labels: c.labels,
  };
}
