/**
 * Every example (examples/*.yaml, globbed) and every valid fixture: each emitted Kubernetes object validates
 * against the vendored Kubernetes 1.32.2 strict JSON Schemas (PersistentVolumeClaim, which has no vendored
 * schema, against kubernetes-models' validator), the kustomization lists exactly the object files, every
 * reference between objects resolves, and the output is byte-identical across runs and key orders.
 */
import path from "node:path";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { buildModel, generateK8s, K8S_DIR, k8sOf } from "../src/index.js";
import { allConfigFiles, load, loadShuffled } from "./support/configs.js";
import { byKind, hasSchema, k8sSchemaErrors, objectsOf, workloads, type Obj } from "./support/k8s.js";

const OUT = "/virtual/out";

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

describe.each(allConfigFiles().map((f) => [path.relative(path.resolve(import.meta.dirname, "../../.."), f), f]))("%s", (_label, file) => {
  it("emits objects that validate against the Kubernetes 1.32.2 strict schemas", async () => {
    const { config, baseDir } = await load(file);
    const { files } = generateK8s(config, { baseDir, outDir: OUT, configFile: file });
    const objects = objectsOf(files);
    expect(objects.length).toBeGreaterThan(3);
    for (const o of objects) {
      if (o.kind === "PersistentVolumeClaim") {
        expect(hasSchema(o.apiVersion, o.kind)).toBe(false);
        expect(() => new PersistentVolumeClaim(o as never).validate()).not.toThrow();
        continue;
      }
      expect(hasSchema(o.apiVersion, o.kind), `${o.kind} has a vendored schema`).toBe(true);
      expect(k8sSchemaErrors(o), `${o.kind} ${o.metadata.name}`).toEqual([]);
    }
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
  });

  it("lists exactly the object files in kustomization.yaml, and every reference resolves", async () => {
    const { config, baseDir } = await load(file);
    const { files } = generateK8s(config, { baseDir, outDir: OUT, configFile: file });
    const kustomization = parse(files.get(`${K8S_DIR}/kustomization.yaml`) as string) as { resources: string[]; namespace: string };
    const objectFiles = [...files.keys()].filter((f) => f.endsWith(".yaml") && f !== `${K8S_DIR}/kustomization.yaml`).map((f) => f.slice(K8S_DIR.length + 1));
    expect([...kustomization.resources].sort()).toEqual(objectFiles.sort());
    const objects = objectsOf(files);
    const ns = config.kubernetes.namespace;
    expect(kustomization.namespace).toBe(ns);
    for (const o of objects) if (o.kind !== "Namespace") expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(ns);

    const pods = workloads(objects);
    const accounts = byKind(objects, "ServiceAccount");
    const configMaps = byKind(objects, "ConfigMap");
    const claims = byKind(objects, "PersistentVolumeClaim");
    for (const w of pods) {
      expect(matches(w.spec.selector.matchLabels, w.spec.template.metadata.labels), `${w.metadata.name} selector`).toBe(true);
      expect(accounts.has(w.spec.template.spec.serviceAccountName)).toBe(true);
      for (const v of w.spec.template.spec.volumes as Obj["spec"][]) {
        if (v.persistentVolumeClaim) expect(claims.has(v.persistentVolumeClaim.claimName), `claim ${v.persistentVolumeClaim.claimName}`).toBe(true);
        if (v.configMap && v.name.startsWith("config-")) expect(configMaps.has(v.configMap.name)).toBe(true);
      }
    }
    for (const s of byKind(objects, "Service").values()) {
      const targets = pods.filter((w) => matches(s.spec.selector, w.spec.template.metadata.labels));
      expect(targets.map((t) => t.metadata.name), `Service ${s.metadata.name}`).toEqual([s.metadata.name]);
      const ports = targets[0]?.spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name);
      for (const p of s.spec.ports) expect(ports).toContain(p.targetPort);
    }
    for (const kind of ["HorizontalPodAutoscaler"]) {
      for (const h of byKind(objects, kind).values()) expect(byKind(objects, "Deployment").has(h.spec.scaleTargetRef.name)).toBe(true);
    }
    for (const p of byKind(objects, "PodDisruptionBudget").values()) {
      expect(pods.filter((w) => matches(p.spec.selector.matchLabels, w.spec.template.metadata.labels))).toHaveLength(1);
    }
    for (const np of byKind(objects, "NetworkPolicy").values()) {
      const sel = np.spec.podSelector.matchLabels ?? {};
      expect(pods.some((w) => matches(sel, w.spec.template.metadata.labels)), `NetworkPolicy ${np.metadata.name} selects a pod`).toBe(true);
    }
  });

  it("is byte-identical across runs and whatever the input's key order", async () => {
    const { config, baseDir } = await load(file);
    const first = generateK8s(config, { baseDir, outDir: OUT, configFile: file }).files;
    expect([...generateK8s(config, { baseDir, outDir: OUT, configFile: file }).files]).toEqual([...first]);
    for (const seed of [1, 2]) {
      const shuffled = loadShuffled(file, seed);
      const model = buildModel(shuffled, { baseDir, outDir: OUT, configFile: file });
      expect([...k8sOf(model, shuffled).files]).toEqual([...first]);
    }
  });
});
