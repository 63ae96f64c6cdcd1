/**
 * One workload plan → its pod template: the container (image, command, env, ports, resources, probes,
 * security context) and its volumes. Pure; everything it needs to reference (ConfigMaps, Secrets, claims) is
 * reported back so the caller can emit or document it.
 */
import path from "node:path";
import type { IIoK8sApiCoreV1Container } from "kubernetes-models/v1/Container";
import type { IIoK8sApiCoreV1EnvVar } from "kubernetes-models/v1/EnvVar";
import type { IIoK8sApiCoreV1PodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IIoK8sApiCoreV1Volume } from "kubernetes-models/v1/Volume";
import type { IIoK8sApiCoreV1VolumeMount } from "kubernetes-models/v1/VolumeMount";
import { SECRETS_DIR } from "../model/secrets.js";
import type { ConfigFileSpec, ContainerSpec, ProfileSpec } from "../model/types.js";
import { componentOf, networkLabels, recommendedLabels, selectorLabels } from "./labels.js";
import { httpCheckOf, probesOf } from "./probes.js";
import { securityOf } from "./security.js";
import type { K8sSettings } from "./settings.js";
import { isAiopsAgent, type WorkloadPlan } from "./support.js";
import { cpuQuantity, durationSeconds, memoryQuantity, splitCommand, unescapeDollars } from "./units.js";

/** ephemeral-storage request and limit of every container (the config has no such field). */
export const EPHEMERAL_STORAGE = { request: "64Mi", limit: "1Gi" } as const;
/** CPU and memory used when the config sets no limit (the lint reports the missing limit). */
export const FALLBACK_RESOURCES = { cpus: 0.5, memoryBytes: 512 * 1024 ** 2 } as const;
/** Size limit of memory-backed emptyDirs replacing a Compose tmpfs without `size=`. */
export const TMPFS_SIZE = "64Mi";

/** A ConfigMap the user creates from a file or folder the Compose file bind-mounts. */
export interface UserConfigMap {
  name: string;
  /** Absolute host path the config named (relative to the config's folder). */
  source: string;
  /** A single file (mounted with subPath) rather than a folder. */
  file: boolean;
  usedBy: string;
}

/** What a pod references besides itself. */
export interface PodRefs {
  /** Deploy-time environment variables read from the `<project>-env` Secret (sorted). */
  envSecretKeys: string[];
  /** Secrets mounted under /run/secrets (sorted). */
  secrets: string[];
  /** Named volumes claimed (PersistentVolumeClaims). */
  claims: { name: string; readOnly: boolean }[];
  userConfigMaps: UserConfigMap[];
}

/** Inputs shared by every pod of a stack. */
export interface PodContext {
  project: string;
  settings: K8sSettings;
  /** Name of the Secret holding deploy-time environment variables. */
  envSecretName: string;
  /** Generated config files (ConfigMaps of the same name) and a checksum of each ConfigMap's contents. */
  configFiles: ConfigFileSpec[];
  configChecksums: Record<string, string>;
  /** The stack's profiles with their closures (for the component label). */
  profiles: ProfileSpec[];
  /**
   * For each app reading the ConfigMap: the names of its own container `env` entries. Its other secret
   * variables are only resolved through the config, whose env references the ConfigMap turns into files.
   */
  appUserEnv: Record<string, string[]>;
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "root";

/** Compose `command`/`entrypoint` → argv (strings split like Compose does, `$$` unescaped). */
function argv(v: string[] | string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return typeof v === "string" ? splitCommand(v) : v.map(unescapeDollars);
}

/** Numeric ports a container serves (expose, published targets, its scrape port, the port of an HTTP healthcheck), sorted, de-duplicated. */
export function servedPorts(c: ContainerSpec): { port: number; protocol: "TCP" | "UDP" | "SCTP" }[] {
  const seen = new Map<string, { port: number; protocol: "TCP" | "UDP" | "SCTP" }>();
  const add = (port: number, protocol: "TCP" | "UDP" | "SCTP") => seen.set(`${protocol}/${port}`, { port, protocol });
  for (const p of c.expose) add(p, "TCP");
  for (const p of c.ports) if (typeof p.target === "number") add(p.target, p.protocol.toUpperCase() as "TCP" | "UDP" | "SCTP");
  if (c.scrape !== undefined) add(c.scrape.port, "TCP");
  const http = c.healthcheck ? httpCheckOf(c.healthcheck.test) : undefined;
  if (http !== undefined) add(http.port, "TCP");
  return [...seen.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

/** Port name (IANA_SVC_NAME, at most 15 characters). */
export const portName = (p: { port: number; protocol: string }): string => `${p.protocol.toLowerCase()}-${p.port}`;

class Volumes {
  readonly volumes: IIoK8sApiCoreV1Volume[] = [];
  readonly mounts: IIoK8sApiCoreV1VolumeMount[] = [];
  private readonly names = new Set<string>();
  add(base: string, volume: Omit<IIoK8sApiCoreV1Volume, "name">, mount: Omit<IIoK8sApiCoreV1VolumeMount, "name">): void {
    let name = slug(base).slice(0, 60);
    for (let i = 2; this.names.has(name); i += 1) name = `${slug(base).slice(0, 56)}-${i}`;
    this.names.add(name);
    this.volumes.push({ name, ...volume });
    this.mounts.push({ name, ...mount });
  }
  has(target: string): boolean {
    return this.mounts.some((m) => m.mountPath === target);
  }
}

function tmpfsVolume(spec: string): { target: string; sizeLimit: string } {
  const [target, opts] = spec.split(":", 2) as [string, string | undefined];
  const size = /(?:^|,)size=(\d+)([kmg]?)/i.exec(opts ?? "");
  const unit = { "": "", k: "Ki", m: "Mi", g: "Gi" }[(size?.[2] ?? "").toLowerCase()] ?? "";
  return { target, sizeLimit: size ? `${size[1]}${unit}` : TMPFS_SIZE };
}

/**
 * The `prometheus.io/*` pod annotations of a scrape target (the convention of Prometheus' example
 * Kubernetes configuration: https://github.com/prometheus/prometheus/blob/main/documentation/examples/prometheus-kubernetes.yml).
 */
export function scrapeAnnotations(c: ContainerSpec): Record<string, string> {
  if (c.scrape === undefined) return {};
  return { "prometheus.io/path": c.scrape.path, "prometheus.io/port": String(c.scrape.port), "prometheus.io/scrape": "true" };
}

/** The pod template of a workload, the notes for the user and what it references. */
export function podTemplate(plan: WorkloadPlan, ctx: PodContext): { template: IIoK8sApiCoreV1PodTemplateSpec; notes: string[]; refs: PodRefs } {
  const c = plan.container;
  const notes: string[] = [];
  const refs: PodRefs = { envSecretKeys: [], secrets: [...c.secrets], claims: [], userConfigMaps: [] };
  const vols = new Volumes();
  const checksums: Record<string, string> = {};

  // Secret variables an app only resolves through its config (the ConfigMap points them at files): mounted as
  // files from the env Secret instead of being passed as environment variables.
  const userEnv = ctx.appUserEnv[c.name];
  const envFiles: string[] = [];
  const env: IIoK8sApiCoreV1EnvVar[] = [];
  for (const [name, v] of Object.entries(c.env)) {
    if (v.kind === "secretEnv") {
      refs.envSecretKeys.push(v.name);
      if (userEnv !== undefined && v.name === name && !userEnv.includes(name)) envFiles.push(name);
      else env.push({ name, valueFrom: { secretKeyRef: { name: ctx.envSecretName, key: v.name } } });
    } else {
      if (/\$\{[^}]+\}/.test(v.value.replaceAll("$$", ""))) notes.push(`env ${name} holds a Compose interpolation (${v.value}) that Kubernetes does not expand`);
      env.push({ name, value: unescapeDollars(v.value) });
    }
  }
  refs.envSecretKeys = [...new Set(refs.envSecretKeys)].sort();

  for (const cm of c.configs) {
    const file = ctx.configFiles.find((f) => f.name === cm.source);
    if (file === undefined) continue;
    vols.add(`config-${cm.source}`, { configMap: { name: cm.source, items: [{ key: file.fileName, path: path.posix.basename(cm.target) }] } }, { mountPath: path.posix.dirname(cm.target), readOnly: true });
    const sum = ctx.configChecksums[cm.source];
    if (sum !== undefined) checksums[`checksum.soc-stack.org/${cm.source}`] = sum;
  }
  if (c.secrets.length || envFiles.length) {
    const sources = [
      ...c.secrets.map((s) => ({ secret: { name: s, items: [{ key: s, path: s }] } })),
      ...(envFiles.length ? [{ secret: { name: ctx.envSecretName, items: envFiles.map((k) => ({ key: k, path: k })) } }] : []),
    ];
    vols.add("secrets", { projected: { defaultMode: 0o440, sources } }, { mountPath: SECRETS_DIR, readOnly: true });
  }
  for (const m of c.mounts) {
    if (m.type === "tmpfs") {
      vols.add(m.target, { emptyDir: { medium: "Memory", sizeLimit: TMPFS_SIZE } }, { mountPath: m.target });
    } else if (m.type === "volume" && m.source === undefined) {
      vols.add(m.target, { emptyDir: {} }, { mountPath: m.target });
    } else if (m.type === "volume" && m.source !== undefined) {
      if (plan.kind === "DaemonSet") {
        vols.add(m.source, { hostPath: { path: m.target, type: m.readOnly ? "Directory" : "DirectoryOrCreate" } }, { mountPath: m.target, ...(m.readOnly ? { readOnly: true } : {}) });
        notes.push(`volume ${m.source} is the node's ${m.target} (hostPath: one agent per node)`);
      } else {
        vols.add(m.source, { persistentVolumeClaim: { claimName: m.source, ...(m.readOnly ? { readOnly: true } : {}) } }, { mountPath: m.target, ...(m.readOnly ? { readOnly: true } : {}) });
        refs.claims.push({ name: m.source, readOnly: m.readOnly });
      }
    } else if (m.type === "bind" && m.source !== undefined && m.relative === true) {
      const base = path.posix.basename(m.source);
      const file = /\.[A-Za-z0-9]+$/.test(base);
      const name = `${c.name}-${slug(base)}`.slice(0, 63).replace(/-+$/, "");
      refs.userConfigMaps.push({ name, source: m.source, file, usedBy: c.name });
      vols.add(`files-${slug(base)}`, { configMap: { name } }, { mountPath: m.target, readOnly: true, ...(file ? { subPath: base } : {}) });
      if (!m.readOnly) notes.push(`${m.target} comes from ConfigMap ${name} and is read-only on Kubernetes`);
    } else if (m.type === "bind" && m.source !== undefined) {
      if (isAiopsAgent(c) && m.source === "/proc") {
        notes.push(`the host's /proc is not mounted: on Kubernetes the agent reads its pod's /proc (collect.hostProc is set to /proc in its ConfigMap); node-level metrics come from the kubelet`);
        continue;
      }
      vols.add(m.source, { hostPath: { path: m.source, type: "" } }, { mountPath: m.target, ...(m.readOnly ? { readOnly: true } : {}) });
    }
  }
  for (const t of c.security.tmpfs) {
    const { target, sizeLimit } = tmpfsVolume(t);
    if (!vols.has(target)) vols.add(target, { emptyDir: { medium: "Memory", sizeLimit } }, { mountPath: target });
  }
  if (!vols.has("/tmp")) vols.add("/tmp", { emptyDir: { medium: "Memory", sizeLimit: TMPFS_SIZE } }, { mountPath: "/tmp" });
  if (c.shmSize !== undefined) {
    const shm = typeof c.shmSize === "number" ? memoryQuantity(c.shmSize) : tmpfsVolume(`/dev/shm:size=${c.shmSize}`).sizeLimit;
    vols.add("/dev/shm", { emptyDir: { medium: "Memory", sizeLimit: shm } }, { mountPath: "/dev/shm" });
  }


  if (c.restart === "no" || c.restart === "on-failure") notes.push(`restart: ${c.restart} has no Deployment equivalent (pods always restart); run a one-shot task as a Job`);
  const ports = servedPorts(c);
  if (!ports.length) notes.push("declares no port (expose/ports): no Service is created, so other pods cannot reach it by name; add `expose: [<port>]` if they should");
  for (const p of c.ports) if (typeof p.target !== "number") notes.push(`port range ${p.target} not mapped (Kubernetes has no port ranges)`);
  const appPort = c.kind === "app" ? c.scrape?.port : undefined;
  const probes = probesOf(c, appPort, ports.find((p) => p.protocol === "TCP")?.port);
  notes.push(...probes.notes);
  const sec = securityOf(c);
  notes.push(...sec.notes);

  const lim = c.resources.limits;
  const res = c.resources.reservations;
  if (lim.cpus === undefined) notes.push(`no CPU limit in the config: ${cpuQuantity(FALLBACK_RESOURCES.cpus)} used`);
  if (lim.memoryBytes === undefined) notes.push(`no memory limit in the config: ${memoryQuantity(FALLBACK_RESOURCES.memoryBytes)} used`);
  const cpuLimit = lim.cpus ?? FALLBACK_RESOURCES.cpus;
  const memLimit = lim.memoryBytes ?? FALLBACK_RESOURCES.memoryBytes;
  if (Object.keys(c.security.ulimits).length) notes.push(`ulimits (${Object.keys(c.security.ulimits).join(", ")}) have no pod-level equivalent: set them in the node's container runtime`);

  const container: IIoK8sApiCoreV1Container = {
    name: c.name,
    image: c.image ?? `${ctx.settings.images.registry}/${c.name}:${ctx.settings.images.tag}`,
    imagePullPolicy: ctx.settings.imagePullPolicy,
    ...(argv(c.entrypoint) ? { command: argv(c.entrypoint) } : {}),
    ...(argv(c.command) ? { args: argv(c.command) } : {}),
    ...(c.workingDir !== undefined ? { workingDir: c.workingDir } : {}),
    ...(env.length ? { env } : {}),
    ...(ports.length ? { ports: ports.map((p) => ({ name: portName(p), containerPort: p.port, protocol: p.protocol })) } : {}),
    resources: {
      requests: { cpu: cpuQuantity(Math.min(res.cpus ?? cpuLimit, cpuLimit)), memory: memoryQuantity(Math.min(res.memoryBytes ?? memLimit, memLimit)), "ephemeral-storage": EPHEMERAL_STORAGE.request },
      limits: { cpu: cpuQuantity(cpuLimit), memory: memoryQuantity(memLimit), "ephemeral-storage": EPHEMERAL_STORAGE.limit },
    },
    ...(probes.startup ? { startupProbe: probes.startup } : {}),
    ...(probes.readiness ? { readinessProbe: probes.readiness } : {}),
    ...(probes.liveness ? { livenessProbe: probes.liveness } : {}),
    securityContext: sec.container,
    volumeMounts: vols.mounts,
  };
  const daemonNode = plan.kind === "DaemonSet" ? ctx.settings.idsNodeLabel.split("=", 2) : undefined;
  const template: IIoK8sApiCoreV1PodTemplateSpec = {
    metadata: {
      labels: { ...recommendedLabels(ctx.project, c.name, componentOf(c, ctx.profiles)), ...networkLabels(c), ...selectorLabels(c.name) },
      ...(Object.keys(checksums).length || c.scrape ? { annotations: { ...checksums, ...scrapeAnnotations(c) } } : {}),
    },
    spec: {
      serviceAccountName: c.name,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      // Compose `init: true`: the pod's pause process becomes PID 1 and reaps zombies; the app gets ordinary signal handling.
      ...(c.init === true ? { shareProcessNamespace: true } : {}),
      securityContext: sec.pod,
      ...(c.stopGracePeriod !== undefined ? { terminationGracePeriodSeconds: durationSeconds(c.stopGracePeriod) } : {}),
      ...(daemonNode ? { nodeSelector: { [daemonNode[0] as string]: daemonNode[1] ?? "" } } : {}),
      containers: [container],
      volumes: vols.volumes,
    },
  };
  return { template, notes, refs };
}
