/**
 * The security and reliability properties kube-score and Polaris check, asserted object by object on every
 * example and fixture (neither tool is installable here), plus the waivers that relax them.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DANGEROUS_CAPABILITIES, generateK8s, MIN_PROBE_TIMEOUT } from "../src/index.js";
import { allConfigFiles, load } from "./support/configs.js";
import { byKind, configOf, k8sOfConfig, k8sSchemaErrors, objectsOf, workloads, type Obj } from "./support/k8s.js";

const OUT = "/virtual/out";
const RECOMMENDED = ["app.kubernetes.io/component", "app.kubernetes.io/instance", "app.kubernetes.io/managed-by", "app.kubernetes.io/name", "app.kubernetes.io/part-of"];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const handler = (p: Any): string => JSON.stringify({ exec: p.exec, httpGet: p.httpGet, tcpSocket: p.tcpSocket, grpc: p.grpc });
const bytes = (q: string): number => {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m) throw new Error(`quantity ${q}`);
  const mult: Record<string, number> = { "": 1, m: 0.001, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return Number(m[1]) * (mult[m[2] ?? ""] as number);
};

describe.each(allConfigFiles().map((f) => [path.relative(path.resolve(import.meta.dirname, "../../.."), f), f]))("%s", (_label, file) => {
  it("every pod is hardened: non-root numeric IDs above 10000, read-only root, no escalation, no capabilities, RuntimeDefault seccomp, no API token", async () => {
    const { config, baseDir } = await load(file);
    const { files, model } = generateK8s(config, { baseDir, outDir: OUT, configFile: file });
    const objects = objectsOf(files);
    const accounts = byKind(objects, "ServiceAccount");
    for (const w of workloads(objects)) {
      const name = w.metadata.name;
      const waived = new Set(model.containers.find((c) => c.name === name)?.waivers.map((x) => x.rule));
      const pod = w.spec.template.spec;
      expect(pod.automountServiceAccountToken, name).toBe(false);
      expect(accounts.get(pod.serviceAccountName)?.automountServiceAccountToken, name).toBe(false);
      expect(pod.hostNetwork ?? false).toBe(false);
      expect(pod.hostPID ?? false).toBe(false);
      expect(pod.hostIPC ?? false).toBe(false);
      expect(pod.containers).toHaveLength(1);
      const c = pod.containers[0];
      const sc = c.securityContext;
      if (!waived.has("root-user")) {
        for (const ctx of [pod.securityContext, sc]) {
          expect(ctx.runAsNonRoot, name).toBe(true);
          expect(ctx.runAsUser, name).toBeGreaterThan(10000);
          expect(ctx.runAsGroup, name).toBeGreaterThan(10000);
        }
        expect(pod.securityContext.fsGroup, name).toBeGreaterThan(10000);
      }
      expect(sc.privileged, name).toBe(false);
      expect(sc.allowPrivilegeEscalation, name).toBe(waived.has("no-new-privileges"));
      expect(sc.readOnlyRootFilesystem, name).toBe(!waived.has("writable-rootfs"));
      expect(sc.capabilities.drop, name).toEqual(["ALL"]);
      if (!waived.has("cap-dangerous")) for (const cap of sc.capabilities.add ?? []) expect(DANGEROUS_CAPABILITIES, `${name} adds ${cap}`).not.toContain(cap);
      if (!waived.has("seccomp-unconfined")) {
        expect(pod.securityContext.seccompProfile, name).toEqual({ type: "RuntimeDefault" });
        expect(sc.seccompProfile, name).toEqual({ type: "RuntimeDefault" });
      }
      for (const p of c.ports ?? []) {
        expect(p.hostPort, name).toBeUndefined();
        expect(p.name.length).toBeLessThanOrEqual(15);
      }
    }
  });

  it("every container has CPU, memory and ephemeral-storage requests and limits (requests ≤ limits), a pinned image and the configured pull policy", async () => {
    const { config, baseDir } = await load(file);
    const objects = objectsOf(generateK8s(config, { baseDir, outDir: OUT, configFile: file }).files);
    for (const w of workloads(objects)) {
      const c = w.spec.template.spec.containers[0];
      for (const r of ["cpu", "memory", "ephemeral-storage"]) {
        expect(c.resources.requests[r], `${w.metadata.name} requests.${r}`).toBeDefined();
        expect(c.resources.limits[r], `${w.metadata.name} limits.${r}`).toBeDefined();
        expect(bytes(c.resources.requests[r])).toBeLessThanOrEqual(bytes(c.resources.limits[r]));
      }
      expect(c.image).toMatch(/:[^/:]+$|@sha256:/);
      expect(c.image).not.toMatch(/:latest$/);
      expect(c.imagePullPolicy).toBe(config.kubernetes.imagePullPolicy);
    }
  });

  it("readiness on every pod a Service targets, a liveness probe that is not a copy of readiness, probe timeouts of at least 3 s", async () => {
    const { config, baseDir } = await load(file);
    const { files, model } = generateK8s(config, { baseDir, outDir: OUT, configFile: file });
    const objects = objectsOf(files);
    const services = byKind(objects, "Service");
    for (const w of workloads(objects)) {
      const name = w.metadata.name;
      const c = w.spec.template.spec.containers[0];
      const spec = model.containers.find((x) => x.name === name);
      if (services.has(name)) expect(c.readinessProbe, `${name} readiness`).toBeDefined();
      if (c.livenessProbe && c.readinessProbe) {
        expect(JSON.stringify(c.livenessProbe), `${name} liveness ≠ readiness`).not.toBe(JSON.stringify(c.readinessProbe));
        // Same check (an exec healthcheck on a container with no port): liveness must be far more tolerant.
        const window = (p: Any) => p.periodSeconds * p.failureThreshold;
        if (handler(c.livenessProbe) === handler(c.readinessProbe)) expect(window(c.livenessProbe), name).toBeGreaterThanOrEqual(4 * window(c.readinessProbe));
      }
      for (const p of [c.readinessProbe, c.livenessProbe, c.startupProbe].filter(Boolean)) expect(p.timeoutSeconds).toBeGreaterThanOrEqual(MIN_PROBE_TIMEOUT);
      if (spec?.healthcheck?.startPeriod !== undefined) expect(c.startupProbe, `${name} startup from start_period`).toBeDefined();
      if (spec?.kind === "app") {
        expect(c.readinessProbe.httpGet.path).toBe("/readyz");
        expect(c.livenessProbe.httpGet.path).toBe("/healthz");
      }
    }
  });

  it("secrets are references only: env from secretKeyRef, files under /run/secrets, no Secret object, no secret value", async () => {
    const { config, baseDir } = await load(file);
    const { files, model } = generateK8s(config, { baseDir, outDir: OUT, configFile: file });
    const objects = objectsOf(files);
    expect(objects.some((o) => o.kind === "Secret")).toBe(false);
    for (const w of workloads(objects)) {
      const spec = model.containers.find((x) => x.name === w.metadata.name);
      const c = w.spec.template.spec.containers[0];
      for (const e of c.env ?? []) {
        const declared = spec?.env[e.name];
        if (declared?.kind === "secretEnv") {
          expect(e.value, `${w.metadata.name} ${e.name}`).toBeUndefined();
          expect(e.valueFrom.secretKeyRef).toEqual({ name: `${model.project.name}-env`, key: declared.name });
        }
      }
      if (spec?.secrets.length) {
        const mount = c.volumeMounts.find((m: Any) => m.mountPath === "/run/secrets");
        expect(mount?.readOnly).toBe(true);
        const vol = w.spec.template.spec.volumes.find((v: Any) => v.name === mount.name);
        expect(vol.projected.sources.map((s: Any) => s.secret.name)).toEqual(spec.secrets);
      }
    }
    const example = files.get("k8s/secrets.example.env");
    if (example !== undefined) for (const line of example.split("\n").filter((l) => !l.startsWith("#") && l.includes("="))) expect(line).toMatch(/^[A-Za-z_][A-Za-z0-9_]*=$/);
  });

  it("every object carries the five recommended labels, instance = name, and every pod is covered by ingress and egress policies with DNS egress", async () => {
    const { config, baseDir } = await load(file);
    const objects = objectsOf(generateK8s(config, { baseDir, outDir: OUT, configFile: file }).files);
    for (const o of objects) {
      expect(Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith("app.kubernetes.io/")).sort(), `${o.kind} ${o.metadata.name}`).toEqual(RECOMMENDED);
      expect(o.metadata.labels?.["app.kubernetes.io/instance"]).toBe(o.metadata.name);
      expect(o.metadata.labels?.["app.kubernetes.io/managed-by"]).toBe("compose-gen");
      expect(o.metadata.labels?.["app.kubernetes.io/part-of"]).toBe(config.project.name);
    }
    const policies = [...byKind(objects, "NetworkPolicy").values()];
    const selects = (p: Obj, labels: Record<string, string>) => Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    for (const w of workloads(objects)) {
      const labels = w.spec.template.metadata.labels;
      for (const type of ["Ingress", "Egress"]) expect(policies.some((p) => selects(p, labels) && p.spec.policyTypes.includes(type)), `${w.metadata.name} ${type}`).toBe(true);
      const dns = policies.filter((p) => selects(p, labels) && (p.spec.egress ?? []).some((e: Any) => (e.ports ?? []).some((x: Any) => x.port === 53 && x.protocol === "UDP")));
      expect(dns.length, `${w.metadata.name} DNS egress`).toBeGreaterThan(0);
    }
  });
});

describe("waivers and adjustments", () => {
  const base = { version: 1, project: { name: "w" }, apps: { edgeAgent: { enabled: false }, aiopsAgent: { enabled: false }, healthMonitor: { enabled: false } } };
  const resources = { limits: { cpus: 0.5, memory: "256M" } };

  it("a root-user + writable-rootfs + cap-dangerous waiver relaxes exactly those settings; without waivers IDs are raised above 10000 and dangerous caps dropped", () => {
    const files = k8sOfConfig(configOf({
      ...base,
      services: {
        legacy: {
          image: "legacy:1.0", user: "0:0", capAdd: ["NET_ADMIN"], resources,
          waive: [
            { rule: "root-user", reason: "the vendor image must start as root to chown its data" },
            { rule: "writable-rootfs", reason: "the vendor image writes all over its filesystem" },
            { rule: "cap-dangerous", reason: "it configures a tunnel interface inside the pod" },
          ],
        },
        grafana: { image: "grafana/grafana:11.3.0", user: "472:0", capAdd: ["NET_ADMIN", "CHOWN"], resources },
      },
    }));
    const deployments = byKind(objectsOf(files), "Deployment");
    const legacy = deployments.get("legacy")?.spec.template.spec;
    expect(legacy.securityContext).toMatchObject({ runAsUser: 0, runAsGroup: 0, runAsNonRoot: false });
    expect(legacy.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: false, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } });
    const grafana = deployments.get("grafana")?.spec.template.spec;
    expect(grafana.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, runAsNonRoot: true });
    expect(grafana.containers[0].securityContext.capabilities).toEqual({ drop: ["ALL"], add: ["CHOWN"] });
    const notes = files.get("k8s/UNSUPPORTED.md") as string;
    expect(notes).toContain('**grafana**: runs as 10001:10001 instead of user "472:0"');
    expect(notes).toContain("**grafana**: capability NET_ADMIN not added (dangerous; waive cap-dangerous to keep it)");
    expect(notes).not.toContain("**legacy**: runs as");
  });

  it("the strict schemas reject what kubernetes-models lets through (unknown fields, wrong types)", () => {
    const d = byKind(objectsOf(k8sOfConfig(configOf({ ...base, services: { web: { image: "nginx:1.27", resources } } }))), "Deployment").get("web") as Obj;
    expect(k8sSchemaErrors(d)).toEqual([]);
    const typo = structuredClone(d);
    typo.spec.template.spec.containers[0].imagePullPolicyy = "Always";
    expect(k8sSchemaErrors(typo).join("\n")).toContain("imagePullPolicyy");
    const wrongType = structuredClone(d);
    wrongType.spec.revisionHistoryLimit = "3";
    expect(k8sSchemaErrors(wrongType).length).toBeGreaterThan(0);
  });
});
