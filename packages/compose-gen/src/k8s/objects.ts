/**
 * Deployment model → Kubernetes objects, built with the typed `kubernetes-models` classes and validated
 * against their OpenAPI-derived schemas as they are built. One object per workload and concern:
 * Namespace, ServiceAccount (no API token), ConfigMap (the apps' resolved config), PersistentVolumeClaim
 * (named volumes), Service, Deployment or DaemonSet, HorizontalPodAutoscaler (`autoscaling/v2`),
 * PodDisruptionBudget (`policy/v1`) and NetworkPolicy. No Role/RoleBinding: none of the workloads calls the
 * Kubernetes API, so their ServiceAccounts get no permissions at all. No Secret objects: secrets are
 * referenced by name and created by the user (see `emit/k8s-docs.ts`).
 */
import { createHash } from "node:crypto";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { DeploymentModel, SecretSpec } from "../model/types.js";
import { SECRETS_DIR } from "../model/secrets.js";
import { K8sObjectError } from "./errors.js";
import { componentOf, recommendedLabels, selectorLabels } from "./labels.js";
import { networkPolicies } from "./network-policy.js";
import { podTemplate, portName, servedPorts, type PodContext, type UserConfigMap } from "./pod.js";
import type { K8sSettings } from "./settings.js";
import { isAiopsAgent, planWorkloads, type UnsupportedContainer } from "./support.js";

/** Storage requested by each PersistentVolumeClaim (the config has no size; patch it with kustomize). */
export const CLAIM_SIZE = "1Gi";

/** A Kubernetes object as emitted (a `kubernetes-models` instance). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  /** Validates against the `kubernetes-models` schema; throws an Error listing the violations. */
  validate(): void;
  /** The plain object (undefined fields removed). */
  toJSON(): unknown;
}

export { K8sObjectError };

/** Something the user should know about one container's Kubernetes form. */
export interface K8sNote {
  container: string;
  message: string;
}

/** Everything the Kubernetes emitter writes, before serialisation. */
export interface K8sOutput {
  namespace: string;
  /** Sorted by kind (apply order) then name. */
  objects: K8sObject[];
  unsupported: UnsupportedContainer[];
  notes: K8sNote[];
  /** Secret holding deploy-time environment variables, and the keys the pods read from it. */
  envSecret: { name: string; keys: string[] };
  /** Secrets mounted under /run/secrets by at least one pod. */
  secrets: SecretSpec[];
  /** ConfigMaps the user creates from bind-mounted files and folders. */
  userConfigMaps: UserConfigMap[];
}

/** Apply order of kinds (the order `kubectl apply -k` would use anyway). */
export const KIND_ORDER = ["Namespace", "ServiceAccount", "ConfigMap", "PersistentVolumeClaim", "Service", "Deployment", "DaemonSet", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"];

function checked<T extends K8sObject>(obj: T): T {
  try {
    obj.validate();
  } catch (err) {
    throw new K8sObjectError(obj.kind, obj.metadata?.name ?? "?", err);
  }
  return obj;
}

function setPath(doc: unknown, keys: string[], value: unknown): unknown {
  if (keys.length === 0) return value;
  const [k, ...rest] = keys as [string, ...string[]];
  const obj = (doc !== null && typeof doc === "object" ? doc : {}) as Record<string, unknown>;
  return { ...obj, [k]: setPath(obj[k], rest, value) };
}

/**
 * Deep copy of a config document with every `{ secretRef: { env: NAME } }` turned into
 * `{ secretRef: { file: "/run/secrets/NAME" } }`: on Kubernetes the apps read those secrets from files mounted
 * from the `<project>-env` Secret rather than from their environment.
 */
export function envRefsToFiles(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(envRefsToFiles);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  const ref = obj.secretRef as { env?: unknown } | undefined;
  if (Object.keys(obj).length === 1 && ref !== undefined && typeof ref.env === "string") return { secretRef: { file: `${SECRETS_DIR}/${ref.env}` } };
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, envRefsToFiles(v)]));
}

/**
 * Builds every object of the Kubernetes output.
 * @param configYaml serialises a generated config document (the same bytes Compose writes as `soc-config.yaml`)
 * @throws {K8sObjectError} when a built object fails schema validation
 */
export function buildK8sObjects(model: DeploymentModel, settings: K8sSettings, configYaml: (document: unknown) => string): K8sOutput {
  const project = model.project.name;
  const ns = settings.namespace;
  const { workloads, unsupported } = planWorkloads(model.containers);
  const objects: K8sObject[] = [];
  const notes: K8sNote[] = [];
  const labels = (name: string, component: string) => recommendedLabels(project, name, component);
  const meta = (name: string, component: string) => ({ name, namespace: ns, labels: labels(name, component) });

  const mounted = new Set(workloads.flatMap((w) => w.container.configs.map((c) => c.source)));
  const configFiles = model.configFiles.filter((f) => mounted.has(f.name));
  const aiops = workloads.some((w) => isAiopsAgent(w.container));
  const configData: Record<string, string> = {};
  for (const f of configFiles) {
    const doc = envRefsToFiles(aiops ? setPath(f.document, ["apps", "aiopsAgent", "collect", "hostProc"], "/proc") : f.document);
    configData[f.name] = configYaml(doc);
    objects.push(checked(new ConfigMap({ metadata: meta(f.name, "config"), data: { [f.fileName]: configData[f.name] as string } })));
  }
  const checksums = Object.fromEntries(Object.entries(configData).map(([k, v]) => [k, createHash("sha256").update(v).digest("hex")]));
  const appUserEnv: Record<string, string[]> = {};
  for (const w of workloads) {
    const c = w.container;
    const section = c.kind === "app" && c.configs.length ? c.origin[1] : undefined;
    const apps = (configFiles[0]?.document as { apps?: Record<string, { env?: Record<string, unknown> }> } | undefined)?.apps;
    if (section !== undefined && apps?.[section] !== undefined) appUserEnv[c.name] = Object.keys(apps[section].env ?? {});
  }
  const ctx: PodContext = { project, settings, envSecretName: `${project}-env`, configFiles, configChecksums: checksums, profiles: model.profiles, appUserEnv };

  const envKeys = new Set<string>();
  const secretNames = new Set<string>();
  const claims = new Map<string, string[]>();
  const userConfigMaps: UserConfigMap[] = [];
  let restricted = true;
  for (const w of workloads) {
    const c = w.container;
    const name = c.name;
    const component = componentOf(c, model.profiles);
    const { template, notes: podNotes, refs } = podTemplate(w, ctx);
    for (const m of podNotes) notes.push({ container: name, message: m });
    for (const k of refs.envSecretKeys) envKeys.add(k);
    for (const s of refs.secrets) secretNames.add(s);
    for (const cl of refs.claims) claims.set(cl.name, [...(claims.get(cl.name) ?? []), name]);
    userConfigMaps.push(...refs.userConfigMaps);
    const ctr = template.spec?.containers[0];
    const add = ctr?.securityContext?.capabilities?.add ?? [];
    if ((template.spec?.volumes ?? []).some((v) => v.hostPath !== undefined) || add.some((a) => a !== "NET_BIND_SERVICE")
      || ctr?.securityContext?.runAsNonRoot !== true || ctr.securityContext.allowPrivilegeEscalation !== false
      || ctr.securityContext.seccompProfile?.type !== "RuntimeDefault") restricted = false;

    objects.push(checked(new ServiceAccount({ metadata: meta(name, component), automountServiceAccountToken: false })));
    const ports = servedPorts(c);
    if (ports.length) {
      objects.push(checked(new Service({
        metadata: meta(name, component),
        spec: { type: "ClusterIP", selector: selectorLabels(name), ports: ports.map((p) => ({ name: portName(p), port: p.port, targetPort: portName(p), protocol: p.protocol })) },
      })));
    }
    const selector = { matchLabels: selectorLabels(name) };
    const asked = settings.replicas[name];
    if (asked !== undefined && (w.kind === "DaemonSet" || w.stateful || settings.hpa.enabled)) {
      const why = w.kind === "DaemonSet" ? "a DaemonSet runs one pod per IDS node" : w.stateful ? "it writes a ReadWriteOnce volume, so it runs one replica" : "the HorizontalPodAutoscaler owns the replica count";
      notes.push({ container: name, message: `replicas: ${asked} is not used (${why})` });
    }
    if (w.kind === "DaemonSet") {
      objects.push(checked(new DaemonSet({
        metadata: meta(name, component),
        spec: { selector, revisionHistoryLimit: 3, updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } }, template },
      })));
      continue;
    }
    const hpa = settings.hpa.enabled && !w.stateful;
    const replicas = w.stateful ? 1 : (settings.replicas[name] ?? Math.max(2, settings.hpa.minReplicas));
    if (w.stateful) notes.push({ container: name, message: `writes a named volume: one replica with the Recreate strategy and no autoscaler (a ReadWriteOnce claim has one writer)` });
    if (template.spec) {
      template.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: selector }];
      if (!w.stateful) {
        template.spec.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: selector } }] } };
      }
    }
    objects.push(checked(new Deployment({
      metadata: meta(name, component),
      spec: {
        ...(hpa ? {} : { replicas }),
        selector,
        revisionHistoryLimit: 3,
        strategy: w.stateful ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template,
      },
    })));
    if (hpa) {
      const min = Math.max(2, settings.hpa.minReplicas);
      objects.push(checked(new HorizontalPodAutoscaler({
        metadata: meta(name, component),
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
          minReplicas: min,
          maxReplicas: Math.max(settings.hpa.maxReplicas, min + 1),
          metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: settings.hpa.targetCpuUtilization } } }],
        },
      })));
    }
    if (settings.pdb.enabled) {
      objects.push(checked(new PodDisruptionBudget({ metadata: meta(name, component), spec: { maxUnavailable: settings.pdb.maxUnavailable, selector } })));
    }
  }

  for (const [claim, users] of [...claims].sort(([a], [b]) => a.localeCompare(b))) {
    const vol = model.volumes.find((v) => v.name === claim);
    const shared = new Set(users).size > 1;
    if (vol?.external === true) {
      notes.push({ container: users[0] as string, message: `volume ${claim} is external: create the PersistentVolumeClaim ${claim} yourself` });
      continue;
    }
    if (shared) notes.push({ container: users.join(", "), message: `volume ${claim} is shared by several pods: its claim is ReadWriteMany and needs a storage class that supports it` });
    objects.push(checked(new PersistentVolumeClaim({
      metadata: meta(claim, "storage"),
      spec: { accessModes: [shared ? "ReadWriteMany" : "ReadWriteOnce"], resources: { requests: { storage: CLAIM_SIZE } } },
    })));
  }

  const policyContainers = workloads.map((w) => w.container);
  for (const p of networkPolicies(project, ns, policyContainers, model.networks)) objects.push(checked(new NetworkPolicy(p)));
  const nsLabels: Record<string, string> = {
    ...labels(ns, "namespace"),
    ...(restricted ? { "pod-security.kubernetes.io/enforce": "restricted" } : { "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/warn": "restricted" }),
  };
  objects.push(checked(new Namespace({ metadata: { name: ns, labels: nsLabels } })));

  const order = (o: K8sObject) => KIND_ORDER.indexOf(o.kind);
  objects.sort((a, b) => order(a) - order(b) || (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
  return {
    namespace: ns,
    objects,
    unsupported,
    notes,
    envSecret: { name: ctx.envSecretName, keys: [...envKeys].sort() },
    secrets: model.secrets.filter((s) => secretNames.has(s.name)),
    userConfigMaps: userConfigMaps.sort((a, b) => a.name.localeCompare(b.name)),
  };
}
