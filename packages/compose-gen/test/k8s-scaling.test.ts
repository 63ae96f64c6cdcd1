/** HPA / replicas / PDB interplay, and which workloads become DaemonSets or single-replica stateful Deployments. */
import { describe, expect, it } from "vitest";
import { byKind, configOf, k8sOfConfig, objectsOf } from "./support/k8s.js";

const resources = { limits: { cpus: 0.5, memory: "256M" } };
const base = (kubernetes: unknown, services: unknown, apps: unknown = { edgeAgent: { enabled: false }, aiopsAgent: { enabled: false }, healthMonitor: { enabled: false } }) =>
  configOf({ version: 1, project: { name: "s" }, apps, services, volumes: { data: {}, "suricata-logs": {} }, kubernetes });
const services = {
  web: { image: "nginx:1.27", expose: [80], resources, healthcheck: { test: ["CMD", "curl", "-f", "http://localhost:80/"], interval: "10s", timeout: "2s", retries: 3 } },
  db: { image: "postgres:16.4", expose: [5432], volumes: ["data:/var/lib/postgresql/data"], resources },
};

describe("HPA and replicas", () => {
  it("an HPA owns every stateless Deployment: no spec.replicas, min ≥ 2, max > min, CPU utilisation target", () => {
    const objects = objectsOf(k8sOfConfig(base({ hpa: { minReplicas: 3, maxReplicas: 6, targetCpuUtilization: 60 } }, services)));
    const web = byKind(objects, "Deployment").get("web");
    expect(web?.spec.replicas).toBeUndefined();
    const hpa = byKind(objects, "HorizontalPodAutoscaler").get("web");
    expect(hpa?.apiVersion).toBe("autoscaling/v2");
    expect(hpa?.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 3,
      maxReplicas: 6,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } }],
    });
    expect(web?.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe("kubernetes.io/hostname");
  });

  it("raises an HPA minimum of 1 to 2 and keeps max above min", () => {
    const objects = objectsOf(k8sOfConfig(base({ hpa: { minReplicas: 1, maxReplicas: 2 } }, services)));
    const hpa = byKind(objects, "HorizontalPodAutoscaler").get("web");
    expect(hpa?.spec.minReplicas).toBe(2);
    expect(hpa?.spec.maxReplicas).toBe(3);
  });

  it("without an HPA a stateless Deployment sets replicas (at least 2)", () => {
    const objects = objectsOf(k8sOfConfig(base({ hpa: { enabled: false } }, services)));
    expect(byKind(objects, "HorizontalPodAutoscaler").size).toBe(0);
    expect(byKind(objects, "Deployment").get("web")?.spec.replicas).toBe(2);
  });

  it("a workload writing a named volume runs one replica with Recreate, no HPA, and a ReadWriteOnce claim", () => {
    const objects = objectsOf(k8sOfConfig(base({}, services)));
    const db = byKind(objects, "Deployment").get("db");
    expect(db?.spec.replicas).toBe(1);
    expect(db?.spec.strategy).toEqual({ type: "Recreate" });
    expect(byKind(objects, "HorizontalPodAutoscaler").has("db")).toBe(false);
    expect(byKind(objects, "PersistentVolumeClaim").get("data")?.spec.accessModes).toEqual(["ReadWriteOnce"]);
  });

  it("every Deployment has a PDB that still allows an eviction; pdb.enabled: false emits none", () => {
    const objects = objectsOf(k8sOfConfig(base({ pdb: { maxUnavailable: 2 } }, services)));
    const pdbs = byKind(objects, "PodDisruptionBudget");
    expect([...pdbs.keys()].sort()).toEqual(["db", "web"]);
    for (const p of pdbs.values()) {
      expect(p.apiVersion).toBe("policy/v1");
      expect(p.spec.maxUnavailable).toBe(2);
      expect(p.spec.minAvailable).toBeUndefined();
    }
    expect(byKind(objectsOf(k8sOfConfig(base({ pdb: { enabled: false } }, services))), "PodDisruptionBudget").size).toBe(0);
  });

  it("runs the edge agent as a DaemonSet on the IDS node label, reading the node's Suricata logs", () => {
    const objects = objectsOf(k8sOfConfig(base({ idsNodeLabel: "soc.example/ids=yes" }, {}, {
      edgeAgent: { volumes: ["suricata-logs:/var/log/suricata:ro"] }, aiopsAgent: { enabled: false }, healthMonitor: { enabled: false },
    })));
    const ds = byKind(objects, "DaemonSet").get("edge-agent");
    expect(ds?.spec.template.spec.nodeSelector).toEqual({ "soc.example/ids": "yes" });
    const vols = ds?.spec.template.spec.volumes;
    expect(vols).toContainEqual({ name: "suricata-logs", hostPath: { path: "/var/log/suricata", type: "Directory" } });
    expect(byKind(objects, "Deployment").size).toBe(0);
    expect(byKind(objects, "HorizontalPodAutoscaler").size).toBe(0);
  });
});

describe("apps' replicas", () => {
  it("reports a replicas setting that cannot apply instead of ignoring it silently", () => {
    const files = k8sOfConfig(configOf({
      version: 1, project: { name: "r" }, volumes: { "suricata-logs": {} },
      apps: { edgeAgent: { replicas: 3, volumes: ["suricata-logs:/var/log/suricata:ro"] }, aiopsAgent: { replicas: 2 }, healthMonitor: { enabled: false } },
    }));
    const md = files.get("k8s/UNSUPPORTED.md") as string;
    expect(md).toContain("**edge-agent**: replicas: 3 is not used (a DaemonSet runs one pod per IDS node).");
    expect(md).toContain("**aiops-agent**: replicas: 2 is not used (it writes a ReadWriteOnce volume, so it runs one replica).");
    expect(byKind(objectsOf(files), "Deployment").get("aiops-agent")?.spec.replicas).toBe(1);
  });
});
