/**
 * Which containers of the model can run on Kubernetes, and as what. A container that needs the host
 * (host network/PID/IPC namespace, privileged mode, host devices, the Docker socket, host paths) cannot move
 * between nodes or be isolated by the kubelet: it is reported with its reasons, never silently dropped.
 */
import type { ContainerSpec, MountSpec } from "../model/types.js";

/** A container left out of the Kubernetes output, and why. */
export interface UnsupportedContainer {
  name: string;
  /** Config path of the container (`services.suricata`). */
  origin: string[];
  reasons: string[];
}

/** How a supported container is deployed. */
export interface WorkloadPlan {
  container: ContainerSpec;
  /** DaemonSet: the edge agent (one per IDS node, reads the node's Suricata logs); Deployment otherwise. */
  kind: "Deployment" | "DaemonSet";
  /** Writes a named volume (PersistentVolumeClaim, ReadWriteOnce): one replica, `Recreate`, no HPA. */
  stateful: boolean;
}

/** Host paths that hold host configuration, credentials or kernel interfaces. */
export const SENSITIVE_HOST_PATHS = ["/", "/proc", "/sys", "/dev", "/etc", "/boot", "/root", "/run", "/var/run", "/var/lib/docker", "/var/lib/kubelet"];

/** True when `source` is one of {@link SENSITIVE_HOST_PATHS} or below one (other than `/` itself). */
export function isSensitiveHostPath(source: string): boolean {
  const p = source.replace(/\/+$/, "") || "/";
  return SENSITIVE_HOST_PATHS.some((s) => p === s || (s !== "/" && p.startsWith(`${s}/`)));
}

/** A bind mount of the Docker engine's API socket. */
export function isDockerSocket(m: MountSpec): boolean {
  return m.type === "bind" && m.source !== undefined && /(^|\/)docker\.sock$/.test(m.source);
}

const isApp = (c: ContainerSpec, key: string): boolean => c.kind === "app" && c.origin[0] === "apps" && c.origin[1] === key;

/** True for the edge agent app (deployed as a DaemonSet on IDS nodes). */
export const isEdgeAgent = (c: ContainerSpec): boolean => isApp(c, "edgeAgent");
/** True for the AIOps agent app (its host `/proc` mount is replaced on Kubernetes, see the README). */
export const isAiopsAgent = (c: ContainerSpec): boolean => isApp(c, "aiopsAgent");

/** Why `c` cannot run on Kubernetes; empty when it can. */
export function unsupportedReasons(c: ContainerSpec): string[] {
  const reasons: string[] = [];
  const s = c.security;
  if (c.networkMode === "host") reasons.push("uses the host network namespace (networkMode: host); run it on the node itself (packet capture needs the host's interfaces)");
  else if (c.networkMode !== undefined && c.networkMode !== "bridge") reasons.push(`shares another network namespace (networkMode: ${c.networkMode}); put both processes in one pod by hand`);
  if (s.privileged) reasons.push("runs privileged (every capability and all host devices)");
  if (s.pid === "host") reasons.push("shares the host PID namespace (pid: host)");
  if (s.ipc === "host") reasons.push("shares the host IPC namespace (ipc: host)");
  if (s.devices.length) reasons.push(`needs host devices (${s.devices.join(", ")})`);
  if (isApp(c, "healthMonitor")) reasons.push("watches the Docker engine's containers; on Kubernetes the kubelet restarts unhealthy containers from their liveness probes");
  for (const m of c.mounts) {
    if (m.type !== "bind" || m.source === undefined || m.relative === true) continue;
    if (isDockerSocket(m)) reasons.push(`mounts the Docker socket ${m.source} (root on the host; there is no Docker engine on a Kubernetes node)`);
    else if (isAiopsAgent(c) && m.source === "/proc") continue;
    else if (isEdgeAgent(c) && !isSensitiveHostPath(m.source)) continue;
    else if (isSensitiveHostPath(m.source)) reasons.push(`mounts the host path ${m.source} (privileged host mount)`);
    else reasons.push(`mounts the host path ${m.source} (a pod may run on any node; use a volume)`);
  }
  return reasons;
}

/** Splits the model's containers into workloads and unsupported containers (both sorted by name). */
export function planWorkloads(containers: ContainerSpec[]): { workloads: WorkloadPlan[]; unsupported: UnsupportedContainer[] } {
  const workloads: WorkloadPlan[] = [];
  const unsupported: UnsupportedContainer[] = [];
  for (const c of containers) {
    const reasons = unsupportedReasons(c);
    if (reasons.length) {
      unsupported.push({ name: c.name, origin: c.origin, reasons });
      continue;
    }
    const daemon = isEdgeAgent(c);
    workloads.push({
      container: c,
      kind: daemon ? "DaemonSet" : "Deployment",
      stateful: !daemon && c.mounts.some((m) => m.type === "volume" && m.source !== undefined && !m.readOnly),
    });
  }
  return { workloads, unsupported };
}
