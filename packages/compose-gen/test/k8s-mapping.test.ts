/**
 * Mapping rules of the Kubernetes output: unsupported services reported with their reasons (the AI-SOC
 * example's host-network IDS sensors, privileged cAdvisor, host-PID node-exporter, Docker socket users),
 * probe mapping, and the unit conversions.
 */
import path from "node:path";
import { parseConfig } from "@soc/config";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { cpuQuantity, durationSeconds, generateK8s, httpCheckOf, memoryQuantity, splitCommand } from "../src/index.js";
import { EXAMPLES, load } from "./support/configs.js";
import { byKind, configOf, k8sOfConfig, objectsOf } from "./support/k8s.js";

describe("unsupported services (examples/ai-soc.yaml)", () => {
  it("reports every container that needs the host, with the reason, in the output and UNSUPPORTED.md", async () => {
    const file = path.join(EXAMPLES, "ai-soc.yaml");
    const { config, baseDir } = await load(file);
    const { k8s, files } = generateK8s(config, { baseDir, outDir: "/virtual/out", configFile: file });
    const reasons = new Map(k8s.unsupported.map((u) => [u.name, u.reasons.join("; ")]));
    expect(reasons.get("suricata")).toMatch(/host network namespace/);
    expect(reasons.get("zeek")).toMatch(/host network namespace/);
    expect(reasons.get("cadvisor")).toMatch(/runs privileged/);
    expect(reasons.get("node-exporter")).toMatch(/host PID namespace/);
    for (const n of ["filebeat", "promtail", "shuffle-orborus", "docker-socket-proxy"]) expect(reasons.get(n), n).toMatch(/Docker socket/);
    expect(reasons.get("health-monitor")).toMatch(/Docker engine/);
    const md = files.get("k8s/UNSUPPORTED.md") as string;
    for (const n of reasons.keys()) expect(md).toContain(`- **${n}** (`);
    const names = new Set(objectsOf(files).map((o) => o.metadata.name));
    for (const n of reasons.keys()) expect(names.has(n), n).toBe(false);
    // Everything else is deployed.
    const deployed = new Set([...byKind(objectsOf(files), "Deployment").keys(), ...byKind(objectsOf(files), "DaemonSet").keys()]);
    expect(k8s.unsupported.length + deployed.size).toBe(generateK8s(config, { baseDir, outDir: "/virtual/out" }).model.containers.length);
  });
});

describe("probes", () => {
  const resources = { limits: { cpus: 0.1, memory: "64M" } };
  const objects = objectsOf(k8sOfConfig(configOf({
    version: 1,
    project: { name: "p" },
    apps: { edgeAgent: { enabled: false }, aiopsAgent: { enabled: false }, healthMonitor: { enabled: false } },
    services: {
      api: { image: "api:1.0", expose: [8000], resources, healthcheck: { test: ["CMD", "curl", "-f", "http://localhost:8000/health"], interval: "30s", timeout: "2s", retries: 3, startPeriod: "60s" } },
      pg: { image: "postgres:16.4", expose: [5432], resources, healthcheck: { test: "pg_isready -U app", interval: "10s", timeout: "5s", retries: 5 } },
      worker: { image: "worker:1.0", resources, healthcheck: { test: ["CMD", "worker", "check"], interval: "20s", timeout: "5s", retries: 3 } },
    },
  })));
  const container = (n: string) => byKind(objects, "Deployment").get(n)?.spec.template.spec.containers[0];

  it("an HTTP healthcheck becomes httpGet readiness/startup probes and a TCP liveness probe; timeouts are raised to 3 s", () => {
    const c = container("api");
    expect(c.readinessProbe).toEqual({ httpGet: { path: "/health", port: 8000, scheme: "HTTP" }, periodSeconds: 30, timeoutSeconds: 3, failureThreshold: 3 });
    expect(c.startupProbe).toEqual({ httpGet: { path: "/health", port: 8000, scheme: "HTTP" }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 9 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 8000 }, periodSeconds: 30, timeoutSeconds: 3, failureThreshold: 6 });
  });

  it("a shell healthcheck becomes an exec probe through /bin/sh; liveness checks the served port", () => {
    const c = container("pg");
    expect(c.readinessProbe.exec).toEqual({ command: ["/bin/sh", "-c", "pg_isready -U app"] });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 5432 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 10 });
    expect(c.startupProbe).toBeUndefined();
  });

  it("with no port, liveness repeats the exec check with twice the period and failure threshold", () => {
    const c = container("worker");
    expect(c.readinessProbe).toEqual({ exec: { command: ["worker", "check"] }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 });
    expect(c.livenessProbe).toEqual({ exec: { command: ["worker", "check"] }, periodSeconds: 40, timeoutSeconds: 5, failureThreshold: 6 });
  });

  it("recognises local curl/wget checks only", () => {
    expect(httpCheckOf(["CMD-SHELL", "curl -fsk https://localhost:9200 || exit 1"])).toEqual({ scheme: "HTTPS", port: 9200, path: "/" });
    expect(httpCheckOf(["CMD", "wget", "--spider", "-q", "http://127.0.0.1:9090/-/healthy"])).toEqual({ scheme: "HTTP", port: 9090, path: "/-/healthy" });
    expect(httpCheckOf(["CMD", "curl", "-f", "http://other-host:80/"])).toBeUndefined();
    expect(httpCheckOf(["CMD-SHELL", "curl -f http://localhost/ && test -f /ready"])).toBeUndefined();
    expect(httpCheckOf(["CMD", "redis-cli", "ping"])).toBeUndefined();
  });
});

describe("units", () => {
  it("converts durations, CPUs and bytes to Kubernetes notation", () => {
    expect(durationSeconds("1m30s")).toBe(90);
    expect(durationSeconds("500ms")).toBe(1);
    expect(durationSeconds("2h")).toBe(7200);
    expect(() => durationSeconds("30 s")).toThrow(RangeError);
    expect(cpuQuantity(0.25)).toBe("250m");
    expect(cpuQuantity(2)).toBe("2");
    expect(cpuQuantity(1.5)).toBe("1500m");
    expect(memoryQuantity(384 * 1024 ** 2)).toBe("384Mi");
    expect(memoryQuantity(8 * 1024 ** 3)).toBe("8Gi");
    expect(memoryQuantity(1000)).toBe("1000");
  });

  it("splits Compose command strings like a shell, unescaping $$", () => {
    expect(splitCommand('server /data --console-address ":9001"')).toEqual(["server", "/data", "--console-address", ":9001"]);
    expect(splitCommand("sh -c 'exec redis-server --requirepass \"$$REDIS_PASSWORD\"'")).toEqual(["sh", "-c", 'exec redis-server --requirepass "$REDIS_PASSWORD"']);
    expect(splitCommand("  a\\ b  c ")).toEqual(["a b", "c"]);
  });
});

describe("what the user creates (UNSUPPORTED.md, secrets.example.env, kustomization generators)", () => {
  const files = k8sOfConfig(configOf({
    version: 1,
    project: { name: "docs" },
    apps: { edgeAgent: { enabled: false }, aiopsAgent: { enabled: false }, healthMonitor: { enabled: false } },
    secrets: { "api-token": { env: "API_TOKEN" }, "tls-key": { file: "./secrets/tls.key" } },
    services: {
      web: {
        image: "web:1.0", expose: [8080], resources: { limits: { cpus: 0.1, memory: "64M" } },
        secrets: ["api-token", "tls-key"],
        env: { DB_PASSWORD: { secretRef: { env: "DB_PASSWORD" } }, MODE: "prod" },
        volumes: ["./conf/app.yml:/etc/web/app.yml:ro", "./static:/srv/static:ro"],
      },
    },
  }));
  const md = files.get("k8s/UNSUPPORTED.md") as string;

  it("lists the env Secret keys without values and the kubectl commands for every Secret and ConfigMap", () => {
    expect(files.get("k8s/secrets.example.env")).toMatch(/^DB_PASSWORD=$/m);
    expect(files.get("k8s/secrets.example.env")).not.toMatch(/^MODE/m);
    expect(md).toContain("kubectl -n soc create secret generic docs-env --from-env-file=secrets.env");
    expect(md).toContain('kubectl -n soc create secret generic api-token --from-literal=api-token="$API_TOKEN"');
    expect(md).toContain("kubectl -n soc create secret generic tls-key --from-file=tls-key=../../cfg/secrets/tls.key");
    expect(md).toContain("kubectl -n soc create configmap web-app-yml --from-file=../../cfg/conf/app.yml");
    expect(md).toContain("kubectl -n soc create configmap web-static --from-file=../../cfg/static");
  });

  it("mounts bind-mounted files from those ConfigMaps (a file with subPath, a folder whole) and comments the generators", () => {
    const pod = byKind(objectsOf(files), "Deployment").get("web")?.spec.template.spec;
    const mounts = pod.containers[0].volumeMounts;
    expect(mounts).toContainEqual({ name: "files-app-yml", mountPath: "/etc/web/app.yml", readOnly: true, subPath: "app.yml" });
    expect(mounts).toContainEqual({ name: "files-static", mountPath: "/srv/static", readOnly: true });
    expect(pod.volumes).toContainEqual({ name: "files-app-yml", configMap: { name: "web-app-yml" } });
    const k = files.get("k8s/kustomization.yaml") as string;
    expect(k).toContain("# secretGenerator:\n#   - name: docs-env\n#     envs: [secrets.env]");
    expect(k).toContain("#   - name: web-app-yml\n#     files: [files/web-app-yml/app.yml]");
  });
});

describe("init and restart", () => {
  it("maps init: true to a shared process namespace, scrape targets to prometheus.io annotations, and notes one-shot restart policies", () => {
    const files = k8sOfConfig(configOf({
      version: 1,
      project: { name: "i" },
      apps: { edgeAgent: { enabled: false }, healthMonitor: { enabled: false }, aiopsAgent: {} },
      volumes: {},
      services: { once: { image: "migrate:1.0", restart: "no", resources: { limits: { cpus: 0.1, memory: "64M" } } } },
    }));
    const deployments = byKind(objectsOf(files), "Deployment");
    expect(deployments.get("aiops-agent")?.spec.template.spec.shareProcessNamespace).toBe(true);
    expect(deployments.get("once")?.spec.template.spec.shareProcessNamespace).toBeUndefined();
    expect(deployments.get("aiops-agent")?.spec.template.metadata.annotations).toMatchObject({ "prometheus.io/scrape": "true", "prometheus.io/port": "9101", "prometheus.io/path": "/metrics" });
    expect(deployments.get("once")?.spec.template.metadata.annotations).toBeUndefined();
    expect(files.get("k8s/UNSUPPORTED.md")).toContain("**once**: restart: no has no Deployment equivalent (pods always restart); run a one-shot task as a Job.");
  });
});

describe("the apps' ConfigMap (examples/pi-edge.yaml)", () => {
  it("is a valid config whose env secret references became files the app pods mount from the env Secret", async () => {
    const file = path.join(EXAMPLES, "pi-edge.yaml");
    const { config, baseDir } = await load(file);
    const { files } = generateK8s(config, { baseDir, outDir: "/virtual/out", configFile: file });
    const objects = objectsOf(files);
    const text = byKind(objects, "ConfigMap").get("soc-config")?.data?.["soc-config.yaml"] as string;
    const doc = parseYaml(text) as Record<string, unknown>;
    expect(() => parseConfig(doc)).not.toThrow();
    expect(text).not.toMatch(/secretRef:\s*\n\s*env:/);
    expect(text).toContain("file: /run/secrets/SOC_ALERT_WEBHOOK_URL");
    expect((doc.apps as { aiopsAgent: { collect: { hostProc: string } } }).aiopsAgent.collect.hostProc).toBe("/proc");
    const aiops = byKind(objects, "Deployment").get("aiops-agent")?.spec.template.spec;
    expect(aiops.containers[0].env ?? []).toEqual([]);
    const projected = aiops.volumes.find((v: { name: string }) => v.name === "secrets").projected;
    expect(projected.sources).toEqual([{ secret: { name: "ids2-edge-env", items: [{ key: "SOC_ALERT_WEBHOOK_HMAC", path: "SOC_ALERT_WEBHOOK_HMAC" }, { key: "SOC_ALERT_WEBHOOK_URL", path: "SOC_ALERT_WEBHOOK_URL" }] } }]);
    // The edge agent's own container env (read by the AWS SDK) stays environment, from the Secret.
    const edge = byKind(objects, "DaemonSet").get("edge-agent")?.spec.template.spec.containers[0];
    expect(edge.env.map((e: { name: string }) => e.name)).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
    expect(edge.env[0].valueFrom.secretKeyRef).toEqual({ name: "ids2-edge-env", key: "AWS_ACCESS_KEY_ID" });
  });
});
