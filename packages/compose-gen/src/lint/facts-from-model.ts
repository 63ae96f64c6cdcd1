/**
 * A model container (what compose-gen is about to emit) → {@link ContainerFacts}, and a finding's fact
 * `field` → the config path that sets it (`mounts.2` → `services.cadvisor.volumes.2`), so a finding on
 * generated output points at the line of the config to change.
 */
import type { ContainerFacts } from "@soc/config";
import type { ContainerSpec } from "../model/types.js";

/** The facts of a model container, exactly as the Compose emitter will write it. */
export function modelContainerFacts(c: ContainerSpec): ContainerFacts {
  const s = c.security;
  const limits = c.resources.limits;
  return {
    name: c.name,
    ...(c.image !== undefined ? { image: c.image } : {}),
    privileged: s.privileged,
    ...(s.pid !== undefined ? { pidMode: s.pid } : {}),
    ...(s.ipc !== undefined ? { ipcMode: s.ipc } : {}),
    ...(c.networkMode !== undefined ? { networkMode: c.networkMode } : {}),
    ...(s.user !== undefined ? { user: s.user } : {}),
    capAdd: [...s.capAdd],
    capDrop: [...s.capDrop],
    mounts: c.mounts.map((m) => ({ type: m.type, source: m.source ?? "", target: m.target, readOnly: m.readOnly })),
    devices: [...s.devices],
    ...(limits.memoryBytes !== undefined ? { memoryLimitBytes: limits.memoryBytes } : {}),
    ...(limits.cpus !== undefined ? { cpuLimit: limits.cpus } : {}),
    ...(limits.pids !== undefined ? { pidsLimit: limits.pids } : {}),
    hasHealthcheck: c.healthcheck !== undefined && c.healthcheck.test[0] !== "NONE",
    readOnlyRootfs: s.readOnly,
    securityOpt: [...s.securityOpt],
    env: Object.entries(c.env).map(([name, v]) => (v.kind === "literal" ? { name, literal: v.value } : { name })),
    ports: c.ports.map((p) => ({
      target: p.target,
      ...(p.published !== undefined ? { published: String(p.published) } : { published: "ephemeral" }),
      ...(p.hostIp !== undefined ? { hostIp: p.hostIp } : {}),
    })),
  };
}

/** Config key (camelCase) of each fact field that has a direct counterpart. */
const CONFIG_KEY: Record<string, string> = {
  privileged: "privileged", pidMode: "pid", ipcMode: "ipc", networkMode: "networkMode", user: "user", image: "image",
  readOnlyRootfs: "readOnly", hasHealthcheck: "healthcheck", securityOpt: "securityOpt",
  memoryLimitBytes: "resources.limits.memory", cpuLimit: "resources.limits.cpus", pidsLimit: "resources.limits.pids",
};

const at = (root: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), root);

/**
 * The config path of a finding on container `c`.
 * @param c the container (its `origin` is its place in the config)
 * @param field the finding's fact field (`mounts.2`, `env.DB_PASSWORD`, `user`...)
 * @param config the parsed config, to tell entries the config wrote from ones compose-gen added (a mount
 *   index past the config's `volumes` list points at the container itself)
 * @returns dotted segments, e.g. `["services", "cadvisor", "volumes", "2"]`
 */
export function modelFieldPath(c: ContainerSpec, field: string, config?: unknown): string[] {
  const [head = "", ...rest] = field.split(".");
  const origin = c.origin;
  const indexed = (key: string): string[] => {
    const idx = Number(rest[0]);
    const written = at(config, [...origin, key]);
    if (config !== undefined && !(Array.isArray(written) && idx < written.length)) return [...origin];
    return [...origin, key, ...rest];
  };
  switch (head) {
    case "mounts": return indexed("volumes");
    case "ports": return indexed("ports");
    case "devices": return indexed("devices");
    case "capAdd": return indexed("capAdd");
    case "env": return [...origin, "env", rest.join(".")];
    default: {
      const key = CONFIG_KEY[head];
      return key === undefined ? [...origin] : [...origin, ...key.split(".")];
    }
  }
}
