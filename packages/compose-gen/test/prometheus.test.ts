/**
 * The Prometheus emitters are pure: these tests build models from small configs and assert on the parsed
 * prometheus.yml and rules file (jobs, targets, intervals, alertmanagers, rules per enabled app).
 */
import path from "node:path";
import { parseConfig, type SocConfigInput } from "@soc/config";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import {
  alertmanagerTarget,
  buildModel,
  emitPrometheus,
  generatePrometheus,
  prometheusDuration,
  prometheusSettings,
  PrometheusSettingsError,
  PROMETHEUS_FILE,
  RULES_FILE,
  scrapeTimeout,
  type AlertRule,
  type RuleGroup,
  imageRepository,
  prometheusServers,
  reachNotes,
  scrapeJobs,
} from "../src/index.js";
import { allConfigFiles, load, loadShuffled } from "./support/configs.js";

const OUT = "/virtual/out";

function emit(input: Record<string, unknown>): { prom: Record<string, unknown>; groups: RuleGroup[]; files: Map<string, string> } {
  const config = parseConfig({ version: 1, project: { name: "p" }, ...input } as SocConfigInput);
  const files = emitPrometheus(buildModel(config, { baseDir: "/virtual", outDir: OUT }), prometheusSettings(config));
  const prom = parse(files.get(PROMETHEUS_FILE) as string) as Record<string, unknown>;
  const groups = (parse(files.get(RULES_FILE) as string) as { groups: RuleGroup[] }).groups;
  return { prom, groups, files };
}

type Job = { job_name: string; metrics_path: string; scrape_interval?: string; scrape_timeout?: string; static_configs: { targets: string[]; labels: Record<string, string> }[] };
const jobs = (prom: Record<string, unknown>): Job[] => prom.scrape_configs as Job[];
const alerts = (groups: RuleGroup[]): string[] => groups.flatMap((g) => g.rules.map((r) => `${g.name}/${r.alert}`));

describe("prometheus.yml", () => {
  it("scrapes every enabled app on its Compose service name and metrics port", () => {
    const { prom } = emit({ apps: { edgeAgent: { metricsPort: 9200 } } });
    expect(jobs(prom).map((j) => [j.job_name, j.static_configs[0]?.targets, j.metrics_path])).toEqual([
      ["aiops-agent", ["aiops-agent:9101"], "/metrics"],
      ["edge-agent", ["edge-agent:9200"], "/metrics"],
      ["health-monitor", ["health-monitor:9102"], "/metrics"],
    ]);
    expect(prom.rule_files).toEqual(["rules/soc-stack.rules.yml"]);
  });

  it("targets the same names as the Compose services", () => {
    const config = parseConfig({ version: 1, project: { name: "p" }, services: { redis: { image: "redis:7.2", scrape: { port: 9121 } } } });
    const { model, files } = generatePrometheus(config, { baseDir: "/virtual", outDir: OUT });
    const targets = jobs(parse(files.get(PROMETHEUS_FILE) as string) as Record<string, unknown>).map((j) => j.static_configs[0]?.targets[0]?.split(":")[0]);
    const scraped = model.containers.filter((c) => c.scrape !== undefined).map((c) => c.name);
    expect(targets).toEqual(scraped);
    expect(targets).toContain("redis");
  });

  it("leaves disabled apps out", () => {
    const { prom, groups } = emit({ apps: { edgeAgent: { enabled: false }, aiopsAgent: { enabled: false } } });
    expect(jobs(prom).map((j) => j.job_name)).toEqual(["health-monitor"]);
    expect(groups.map((g) => g.name)).toEqual(["soc-health-monitor"]);
  });

  it("emits an empty job list and no rule groups when nothing is scraped", () => {
    const { prom, groups } = emit({ apps: { edgeAgent: { enabled: false }, aiopsAgent: { enabled: false }, healthMonitor: { enabled: false } } });
    expect(jobs(prom)).toEqual([]);
    expect(groups).toEqual([]);
  });

  it("takes the global intervals from monitoring.prometheus in Prometheus notation", () => {
    const { prom } = emit({ monitoring: { prometheus: { scrapeInterval: "90s", evaluationInterval: "1.5m" } } });
    expect(prom.global).toMatchObject({ scrape_interval: "1m30s", scrape_timeout: "10s", evaluation_interval: "1m30s" });
    const fast = emit({ monitoring: { prometheus: { scrapeInterval: "5s" } } }).prom;
    expect(fast.global).toMatchObject({ scrape_interval: "5s", scrape_timeout: "5s", evaluation_interval: "15s" });
  });

  it("keeps a service's own scrape path and interval, with a timeout not above it", () => {
    const { prom } = emit({ services: { exporter: { image: "x:1", scrape: { port: 9999, path: "/probe", interval: "3s" } } } });
    const job = jobs(prom).find((j) => j.job_name === "exporter");
    expect(job).toEqual({ job_name: "exporter", scrape_interval: "3s", scrape_timeout: "3s", metrics_path: "/probe", static_configs: [{ targets: ["exporter:9999"], labels: { kind: "service" } }] });
  });

  it("points at Alertmanager receivers only", () => {
    expect(emit({}).prom.alerting).toBeUndefined();
    const { prom } = emit({
      monitoring: {
        receivers: {
          am: { type: "alertmanager", url: "http://alertmanager:9093" },
          remote: { type: "alertmanager", url: "https://am.example.org/prefix/api/v2/alerts" },
          hook: { type: "webhook", url: "https://hooks.example.org/x" },
        },
      },
    });
    expect(prom.alerting).toEqual({
      alertmanagers: [
        { scheme: "http", api_version: "v2", static_configs: [{ targets: ["alertmanager:9093"] }] },
        { scheme: "https", path_prefix: "/prefix", api_version: "v2", static_configs: [{ targets: ["am.example.org:443"] }] },
      ],
    });
  });

  it("is byte-identical across runs", () => {
    const a = emit({ services: { redis: { image: "redis:7.2", scrape: { port: 9121 } } } }).files;
    const b = emit({ services: { redis: { image: "redis:7.2", scrape: { port: 9121 } } } }).files;
    expect([...a]).toEqual([...b]);
  });
});

describe("alerting rules", () => {
  it("has one group per enabled app with the rules on its real metrics", () => {
    const { groups } = emit({});
    expect(alerts(groups)).toEqual([
      "soc-aiops-agent/SocTargetDown",
      "soc-aiops-agent/SocAiopsAlertsFiring",
      "soc-aiops-agent/SocAiopsTickOverruns",
      "soc-aiops-agent/SocAiopsCollectErrors",
      "soc-edge-agent/SocTargetDown",
      "soc-edge-agent/SocEdgeShippingFatal",
      "soc-edge-agent/SocEdgeBufferFull",
      "soc-edge-agent/SocEdgeBufferEventsLost",
      "soc-edge-agent/SocEdgeOpenSearchOffline",
      "soc-edge-agent/SocEdgeEventsDeadLettered",
      "soc-health-monitor/SocTargetDown",
      "soc-health-monitor/SocDockerEngineDown",
      "soc-health-monitor/SocContainerUnhealthy",
      "soc-health-monitor/SocContainerOomKilled",
      "soc-health-monitor/SocAutohealCircuitOpen",
    ]);
  });

  it("gives every rule a for, a severity and annotations naming the source metric", () => {
    const { groups } = emit({});
    for (const r of groups.flatMap((g) => g.rules) as AlertRule[]) {
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(["critical", "warning"], r.alert).toContain(r.labels.severity);
      const metric = /^(?:\w+ by \([^)]*\) \()?(?:(?:increase|rate)\()?([a-z_]+)\{/.exec(r.expr)?.[1];
      expect(metric, r.expr).toBeDefined();
      expect(r.annotations.description, r.alert).toContain(`metric: ${metric as string}`);
      expect(r.annotations.summary.length, r.alert).toBeGreaterThan(0);
    }
  });

  it("uses increase()/rate() on counters and compares gauges directly", () => {
    for (const r of emit({}).groups.flatMap((g) => g.rules)) {
      const counter = /soc_\w+_total/.test(r.expr);
      expect(/\b(increase|rate)\(/.test(r.expr), r.expr).toBe(counter);
    }
  });

  it("selects the app's own job in every expression and labels the rule with it", () => {
    for (const g of emit({}).groups) {
      const app = g.name.replace(/^soc-/, "");
      for (const r of g.rules) {
        expect(r.expr, r.alert).toContain(`job="${app}"`);
        expect(r.labels.component, r.alert).toBe(app);
      }
    }
  });

  it("adds a target-down rule per scraped service", () => {
    const { groups } = emit({ apps: { edgeAgent: { enabled: false }, aiopsAgent: { enabled: false }, healthMonitor: { enabled: false } }, services: { redis: { image: "redis:7.2", scrape: { port: 9121 } }, web: { image: "nginx:1.27" } } });
    expect(groups).toHaveLength(1);
    expect(groups[0]?.name).toBe("soc-services");
    expect(groups[0]?.rules.map((r) => [r.alert, r.expr, r.labels.severity])).toEqual([["SocTargetDown", 'up{job="redis"} == 0', "warning"]]);
  });
});

describe("settings", () => {
  it("converts Go durations to Prometheus durations", () => {
    expect(prometheusDuration("15s")).toBe("15s");
    expect(prometheusDuration("90s")).toBe("1m30s");
    expect(prometheusDuration("1.5s")).toBe("1s500ms");
    expect(prometheusDuration("2d")).toBe("2d");
    expect(prometheusDuration("500us")).toBe("1ms");
    expect(() => prometheusDuration("soon")).toThrow(RangeError);
    expect(scrapeTimeout("1m")).toBe("10s");
    expect(scrapeTimeout("2s")).toBe("2s");
  });

  it("rejects a zero interval with the config path", () => {
    const config = parseConfig({ version: 1, project: { name: "p" }, monitoring: { prometheus: { scrapeInterval: "0s" } } });
    expect(() => prometheusSettings(config)).toThrow(PrometheusSettingsError);
    expect(() => prometheusSettings(config)).toThrow(/monitoring\.prometheus\.scrapeInterval/);
  });

  it("reads Alertmanager URLs with default ports and prefixes", () => {
    expect(alertmanagerTarget("a", "http://am:9093/")).toEqual({ receiver: "a", scheme: "http", target: "am:9093", pathPrefix: "/" });
    expect(alertmanagerTarget("b", "http://am/")).toMatchObject({ target: "am:80" });
    expect(() => alertmanagerTarget("c", "ftp://am/")).toThrow(PrometheusSettingsError);
  });
});

describe("reachability notes", () => {
  const model = (input: Record<string, unknown>) => buildModel(parseConfig({ version: 1, project: { name: "p" }, ...input } as SocConfigInput), { baseDir: "/virtual", outDir: OUT });

  it("flags targets outside every network of the Prometheus server, and host-network targets", () => {
    const m = model({
      networks: { monitoring: {}, ids: {} },
      apps: { edgeAgent: { networks: ["ids"] }, aiopsAgent: { networks: ["monitoring", "ids"] }, healthMonitor: { enabled: false } },
      services: {
        prometheus: { image: "prom/prometheus:v2.53.2", networks: ["monitoring"], scrape: { port: 9090 } },
        nodeexp: { image: "quay.io/prometheus/node-exporter:v1.8.2", networkMode: "host", scrape: { port: 9100 } },
      },
    });
    expect(prometheusServers(m).map((c) => c.name)).toEqual(["prometheus"]);
    expect(reachNotes(m, scrapeJobs(m)).map((n) => n.job)).toEqual(["edge-agent", "nodeexp"]);
    const text = emitPrometheus(m, prometheusSettings(parseConfig({ version: 1, project: { name: "p" } }))).get(PROMETHEUS_FILE) as string;
    expect(text).toMatch(/^# WARNING: targets Prometheus probably cannot reach by service name:\n# {3}edge-agent: shares no network with prometheus/m);
  });

  it("says nothing when there is no Prometheus server or all share the default network", () => {
    expect(reachNotes(model({}), scrapeJobs(model({})))).toEqual([]);
    const m = model({ services: { prom: { image: "registry:5000/prom/prometheus@sha256:abc" } } });
    expect(prometheusServers(m).map((c) => c.name)).toEqual(["prom"]);
    expect(reachNotes(m, scrapeJobs(m))).toEqual([]);
  });

  it("reads image repositories without tag or digest", () => {
    expect(imageRepository("registry:5000/prom/prometheus:v2")).toBe("registry:5000/prom/prometheus");
    expect(imageRepository("prom/prometheus@sha256:abc")).toBe("prom/prometheus");
    expect(imageRepository("prometheus")).toBe("prometheus");
  });
});

describe.each(allConfigFiles().map((f) => [path.basename(f), f]))("%s", (_label, file) => {
  it("emits the same bytes whatever the input's key order, each file with a generated-file header", async () => {
    const { config, baseDir } = await load(file);
    const first = generatePrometheus(config, { baseDir, outDir: OUT, configFile: file }).files;
    expect([...first.keys()]).toEqual([PROMETHEUS_FILE, RULES_FILE]);
    for (const [name, text] of first) {
      expect(text.split("\n")[0], name).toMatch(new RegExp(`^# .* generated by compose-gen from .*${path.basename(file).replace(".", "\\.")}\\.$`));
    }
    for (const seed of [1, 2]) {
      const shuffled = generatePrometheus(loadShuffled(file, seed), { baseDir, outDir: OUT, configFile: file }).files;
      for (const [name, text] of first) expect(shuffled.get(name), `${name} (seed ${seed})`).toBe(text);
    }
  });
});

describe("metric names", () => {
  it("every soc_ metric a rule reads is registered by an app of this repo (apps/*/src)", async () => {
    const { readdir, readFile } = await import("node:fs/promises");
    const apps = path.resolve(import.meta.dirname, "../../../apps");
    const sources: string[] = [];
    for (const e of await readdir(apps, { recursive: true, withFileTypes: true })) {
      const dir = e.parentPath;
      const parts = dir.split(path.sep);
      if (e.isFile() && e.name.endsWith(".ts") && parts.includes("src") && !parts.includes("node_modules")) sources.push(await readFile(path.join(dir, e.name), "utf8"));
    }
    const registered = new Set(sources.flatMap((s) => [...s.matchAll(/"(soc_[a-z_]+)"/g)].map((m) => m[1] as string)));
    const used = [...new Set(emit({}).groups.flatMap((g) => g.rules.flatMap((r) => [...r.expr.matchAll(/\b(soc_[a-z_]+)\b/g)].map((m) => m[1] as string))))].sort();
    expect(used.length).toBeGreaterThanOrEqual(12);
    expect(used.filter((m) => !registered.has(m))).toEqual([]);
  });
});
