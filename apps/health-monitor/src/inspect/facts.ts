/**
 * `docker inspect` JSON → {@link ContainerFacts}, the input of the shared security audit in `@soc/config`
 * (the same rules compose-gen's lint applies to Compose files). Pure.
 * Field meanings: https://docs.docker.com/reference/api/engine/version/v1.47/#tag/Container/operation/ContainerInspect
 */
import type { ContainerFacts, MountFact, PortFact } from "@soc/config/security";
import type { InspectJson } from "./types.js";

/** The container's name without the leading `/` the API adds (falls back to the short id). */
export function containerName(i: InspectJson): string {
  const n = i.Name?.replace(/^\//, "");
  return n !== undefined && n !== "" ? n : i.Id.slice(0, 12);
}

const MOUNT_TYPES = new Set<MountFact["type"]>(["bind", "volume", "tmpfs", "npipe"]);
const mountType = (t: string | undefined): MountFact["type"] => (MOUNT_TYPES.has(t as MountFact["type"]) ? (t as MountFact["type"]) : "unknown");

/**
 * Parses a `HostConfig.Binds` entry (`src:dst[:opts]`, where `src` is a host path or a volume name).
 * Source: https://docs.docker.com/engine/storage/bind-mounts/#options-for---volume
 */
export function parseBind(bind: string): MountFact {
  const parts = bind.split(":");
  const source = parts[0] ?? "";
  const target = parts[1] ?? source;
  const opts = (parts[2] ?? "").split(",");
  return { type: source.startsWith("/") ? "bind" : "volume", source, target, readOnly: opts.includes("ro") };
}

/**
 * Mounts of a container. `Mounts` (the resolved list, present for created and running containers) is
 * authoritative; `HostConfig.Binds` and `HostConfig.Mounts` fill in when it is absent.
 */
export function mountsOf(i: InspectJson): MountFact[] {
  if (Array.isArray(i.Mounts)) {
    return i.Mounts.map((m) => ({
      type: mountType(m.Type),
      source: m.Type === "volume" ? (m.Name ?? m.Source ?? "") : (m.Source ?? ""),
      target: m.Destination ?? "",
      readOnly: m.RW === false,
    }));
  }
  const out = (i.HostConfig?.Binds ?? []).map(parseBind);
  for (const m of i.HostConfig?.Mounts ?? []) {
    out.push({ type: mountType(m.Type), source: m.Source ?? "", target: m.Target ?? "", readOnly: m.ReadOnly === true });
  }
  return out;
}

/**
 * CPU limit in CPUs: `NanoCpus / 1e9` (`--cpus`), else `CpuQuota / CpuPeriod` (`--cpu-quota`, period
 * default 100 ms). Undefined when neither is set.
 */
export function cpuLimitOf(i: InspectJson): number | undefined {
  const h = i.HostConfig;
  if (h?.NanoCpus !== undefined && h.NanoCpus > 0) return h.NanoCpus / 1e9;
  if (h?.CpuQuota !== undefined && h.CpuQuota > 0) return h.CpuQuota / (h.CpuPeriod !== undefined && h.CpuPeriod > 0 ? h.CpuPeriod : 100_000);
  return undefined;
}

/** True when the container has a healthcheck that is not disabled (`Test: ["NONE"]`). Image healthchecks are merged into `Config.Healthcheck` by the engine. */
export function hasHealthcheck(i: InspectJson): boolean {
  const test = i.Config?.Healthcheck?.Test;
  return Array.isArray(test) && test.length > 0 && test[0] !== "NONE";
}

/** Published ports from `HostConfig.PortBindings` (`"80/tcp": [{HostIp, HostPort}]`). */
export function portsOf(i: InspectJson): PortFact[] {
  const out: PortFact[] = [];
  for (const [target, bindings] of Object.entries(i.HostConfig?.PortBindings ?? {})) {
    for (const b of bindings ?? []) {
      out.push({ target, ...(b.HostIp ? { hostIp: b.HostIp } : {}), published: b.HostPort === undefined || b.HostPort === "" ? "(random)" : b.HostPort });
    }
  }
  return out;
}

/**
 * Maps one container's inspect JSON to the audit's facts. Every environment variable is a literal at
 * runtime (the engine stores resolved values), so `secret-in-env` sees them all.
 */
export function inspectToFacts(i: InspectJson): ContainerFacts {
  const h = i.HostConfig ?? {};
  const c = i.Config ?? {};
  const user = c.User !== undefined && c.User !== "" ? c.User : undefined;
  const memory = h.Memory !== undefined && h.Memory > 0 ? h.Memory : undefined;
  const pids = h.PidsLimit !== undefined && h.PidsLimit !== null && h.PidsLimit > 0 ? h.PidsLimit : undefined;
  const cpu = cpuLimitOf(i);
  return {
    name: containerName(i),
    ...(c.Image !== undefined && c.Image !== "" ? { image: c.Image } : {}),
    privileged: h.Privileged === true,
    ...(h.PidMode ? { pidMode: h.PidMode } : {}),
    ...(h.IpcMode ? { ipcMode: h.IpcMode } : {}),
    ...(h.NetworkMode ? { networkMode: h.NetworkMode } : {}),
    ...(user !== undefined ? { user } : {}),
    capAdd: [...(h.CapAdd ?? [])],
    capDrop: [...(h.CapDrop ?? [])],
    mounts: mountsOf(i),
    devices: (h.Devices ?? []).map((d) => d.PathOnHost ?? d.PathInContainer ?? "?"),
    ...(memory !== undefined ? { memoryLimitBytes: memory } : {}),
    ...(cpu !== undefined ? { cpuLimit: cpu } : {}),
    ...(pids !== undefined ? { pidsLimit: pids } : {}),
    hasHealthcheck: hasHealthcheck(i),
    readOnlyRootfs: h.ReadonlyRootfs === true,
    securityOpt: [...(h.SecurityOpt ?? [])],
    env: (c.Env ?? []).map((e) => {
      const eq = e.indexOf("=");
      return eq < 0 ? { name: e } : { name: e.slice(0, eq), literal: e.slice(eq + 1) };
    }),
    ports: portsOf(i),
  };
}
