/**
 * The image emitters are pure: these tests build models from configs, parse the emitted Dockerfiles with
 * dockerfile-ast and the bake file with @cdktf/hcl2json (HashiCorp's HCL parser compiled to WebAssembly),
 * and compare them with the config and with the image names the Compose output uses.
 */
import path from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { parseConfig, type SocConfigInput } from "@soc/config";
import { DockerfileParser, type Healthcheck, type Label } from "dockerfile-ast";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { appImages, BAKE_FILE, buildModel, COMPOSE_FILE, DEFAULT_NODE_IMAGE, emitCompose, emitImages, generateAll, GENERATED_DIRS, healthcheckInstruction, hclString, imageSettings, IMAGES_DIR, ImagePlanError, type DeploymentModel } from "../src/index.js";
import { allConfigFiles, FIXTURES, load, loadShuffled } from "./support/configs.js";

const REPO = "/virtual/repo";
const OUT = `${REPO}/out/stack`;
const CUSTOM = path.join(FIXTURES, "images", "custom.yaml");

function modelOf(input: Record<string, unknown>): { model: DeploymentModel; files: Map<string, string>; config: ReturnType<typeof parseConfig> } {
  const config = parseConfig({ version: 1, project: { name: "p" }, ...input } as SocConfigInput);
  const model = buildModel(config, { baseDir: REPO, outDir: OUT });
  return { model, config, files: emitImages(model, imageSettings(config, REPO)) };
}

interface Parsed {
  keywords: string[];
  arg: (name: string) => string | undefined;
  one: (keyword: string) => string;
  all: (keyword: string) => string[];
  labels: Record<string, string>;
  healthFlags: Record<string, string>;
  froms: [string, string | undefined][];
  syntax: string | undefined;
}

function parseDockerfile(text: string): Parsed {
  const d = DockerfileParser.parse(text);
  const ins = d.getInstructions();
  const all = (k: string) => ins.filter((i) => i.getKeyword() === k).map((i) => i.getArgumentsContent() ?? "");
  const labels: Record<string, string> = {};
  for (const l of ins.filter((i) => i.getKeyword() === "LABEL") as Label[]) for (const p of l.getProperties()) labels[p.getName()] = p.getValue() ?? "";
  const hc = ins.find((i) => i.getKeyword() === "HEALTHCHECK") as Healthcheck | undefined;
  return {
    keywords: ins.map((i) => i.getKeyword()),
    arg: (name) => all("ARG").find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1),
    one: (k) => {
      const found = all(k);
      expect(found, `exactly one ${k}`).toHaveLength(1);
      return found[0] as string;
    },
    all,
    labels,
    healthFlags: Object.fromEntries((hc?.getFlags() ?? []).map((f) => [f.getName(), f.getValue() ?? ""])),
    froms: d.getFROMs().map((f) => [f.getImage() ?? "", f.getBuildStage() ?? undefined]),
    syntax: d.getDirectives().find((x) => x.getName() === "syntax")?.getValue(),
  };
}

type BakeJson = {
  variable: Record<string, [{ default: string }]>;
  group: Record<string, [{ targets: string[] }]>;
  target: Record<string, [{ context: string; dockerfile: string; platforms: string[]; tags: string[]; args: Record<string, string> }]>;
};
const parseBake = async (text: string): Promise<BakeJson> => (await parseHcl("docker-bake.hcl", text)) as BakeJson;

/** Resolves `${VAR}` in a bake string with the variables' defaults (what bake does with no overrides). */
function resolveBake(bake: BakeJson, s: string): string {
  return s.replace(/\$\{([A-Z_]+)\}/g, (_, v: string) => bake.variable[v]?.[0].default ?? `<unset ${v}>`);
}

describe("image Dockerfiles", () => {
  it("emits a Dockerfile and ignore file per enabled app only, plus the bake file", () => {
    const { files } = modelOf({ apps: { aiopsAgent: { enabled: false } } });
    expect([...files.keys()].sort()).toEqual([BAKE_FILE, "images/edge-agent.Dockerfile", "images/edge-agent.Dockerfile.dockerignore", "images/health-monitor.Dockerfile", "images/health-monitor.Dockerfile.dockerignore"]);
  });

  it("is a two-stage build from a pinnable Node 24 base with pnpm deploy", () => {
    const { files } = modelOf({});
    const df = parseDockerfile(files.get("images/edge-agent.Dockerfile") as string);
    expect(df.syntax).toBe("docker/dockerfile:1");
    expect(df.arg("NODE_IMAGE")).toBe(DEFAULT_NODE_IMAGE);
    expect(df.froms).toEqual([["${NODE_IMAGE}", "build"], ["${NODE_IMAGE}", "runtime"]]);
    const runs = df.all("RUN");
    expect(runs).toContain("corepack enable");
    expect(runs.some((r) => r.endsWith('pnpm install --frozen-lockfile --filter "edge-agent..."'))).toBe(true);
    expect(runs).toContain('pnpm --filter "edge-agent..." build');
    expect(runs.some((r) => r.endsWith('pnpm --filter "edge-agent" deploy --prod --legacy /out'))).toBe(true);
    // dockerfile-ast reports flags apart from the arguments.
    expect(df.all("COPY")).toEqual([". .", "/out ./"]);
    expect(files.get("images/edge-agent.Dockerfile")).toContain("\nCOPY --from=build /out ./\n");
    expect(df.all("WORKDIR")).toEqual(["/repo", "/app"]);
  });

  it("runtime port, user, healthcheck and command follow the config", () => {
    const { files } = modelOf({ apps: { edgeAgent: { metricsPort: 9300, user: "20000:20001" }, aiopsAgent: { user: "30000" } } });
    const edge = parseDockerfile(files.get("images/edge-agent.Dockerfile") as string);
    expect(edge.one("EXPOSE")).toBe("9300/tcp");
    expect(edge.one("USER")).toBe("20000:20001");
    expect(edge.one("HEALTHCHECK")).toBe(`CMD ["node", "-e", "fetch('http://127.0.0.1:9300/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]`);
    expect(edge.healthFlags).toEqual({ interval: "15s", timeout: "5s", "start-period": "20s", retries: "3" });
    expect(JSON.parse(edge.one("ENTRYPOINT"))).toEqual(["node", "dist/cli.js"]);
    expect(JSON.parse(edge.one("CMD"))).toEqual(["run", "--config", "/etc/soc/config.yaml"]);
    // The state volume's mount point exists in the image, owned by the app user, so a new named volume inherits it.
    expect(edge.all("RUN")).toContain("mkdir -p /var/lib/soc/edge-agent && chown 20000:20001 /var/lib/soc/edge-agent");
    const aiops = parseDockerfile(files.get("images/aiops-agent.Dockerfile") as string);
    expect(aiops.one("USER")).toBe("30000:30000");
    expect(aiops.one("EXPOSE")).toBe("9101/tcp");
    const hm = parseDockerfile(files.get("images/health-monitor.Dockerfile") as string);
    expect(hm.one("USER")).toBe("10001:10001");
    // health-monitor keeps no state: no volume folder is prepared.
    expect(hm.all("RUN").filter((r) => r.startsWith("mkdir"))).toEqual([]);
  });

  it("agrees with the Compose service of each app (command, port, healthcheck)", () => {
    const { model, files } = modelOf({ apps: { healthMonitor: { metricsPort: 9555 } } });
    const compose = parseYaml(emitCompose(model).get(COMPOSE_FILE) as string) as { services: Record<string, { image: string; command: string[]; expose: number[]; healthcheck: { test: string[] } }> };
    for (const app of ["edge-agent", "aiops-agent", "health-monitor"]) {
      const svc = compose.services[app];
      if (svc === undefined) throw new Error(`no service ${app}`);
      const df = parseDockerfile(files.get(`${IMAGES_DIR}/${app}.Dockerfile`) as string);
      expect(JSON.parse(df.one("CMD"))).toEqual(svc.command);
      expect(df.one("EXPOSE")).toBe(`${svc.expose[0]}/tcp`);
      expect(df.one("HEALTHCHECK")).toBe(`CMD ${JSON.stringify(svc.healthcheck.test.slice(1)).replace(/","/g, '", "')}`);
    }
  });

  it("carries OCI labels with the configured tag as version", () => {
    const config = parseConfig({ version: 1, project: { name: "p" }, images: { tag: "2.0.1" } } as SocConfigInput);
    const model = buildModel(config, { baseDir: REPO, outDir: OUT });
    const files = emitImages(model, imageSettings(config, REPO, { source: "https://example.com/soc/stack" }));
    const df = parseDockerfile(files.get("images/aiops-agent.Dockerfile") as string);
    expect(df.arg("VERSION")).toBe("2.0.1");
    expect(df.labels).toEqual({
      "org.opencontainers.image.title": "aiops-agent",
      "org.opencontainers.image.description": "AIOps agent: host metrics, streaming anomaly detection and alerting",
      "org.opencontainers.image.version": "${VERSION}",
      "org.opencontainers.image.licenses": "Apache-2.0",
      "org.opencontainers.image.source": "https://example.com/soc/stack",
    });
  });

  it("renders shell-form, exec-form and disabled healthchecks", () => {
    expect(healthcheckInstruction(undefined)).toBe("HEALTHCHECK NONE");
    expect(healthcheckInstruction({ test: ["NONE"], interval: "1s", timeout: "1s", retries: 1 })).toBe("HEALTHCHECK NONE");
    expect(healthcheckInstruction({ test: ["CMD-SHELL", "node x.js || exit 1"], interval: "30s", timeout: "3s", retries: 2, startInterval: "2s" })).toBe("HEALTHCHECK --interval=30s --timeout=3s --start-interval=2s --retries=2 \\\n  CMD node x.js || exit 1");
    const { files } = modelOf({ apps: { edgeAgent: { healthcheck: { test: ["CMD-SHELL", "node /app/hc.js"], interval: "45s" } } } });
    const df = parseDockerfile(files.get("images/edge-agent.Dockerfile") as string);
    expect(df.one("HEALTHCHECK")).toBe("CMD node /app/hc.js");
    expect(df.healthFlags.interval).toBe("45s");
  });

  it("rejects an app container the emitter cannot describe", () => {
    const { model } = modelOf({});
    const broken = { ...model, containers: model.containers.map((c) => (c.name === "edge-agent" ? { ...c, command: "run" } : c)) };
    expect(() => appImages(broken, { registry: "r", tag: "t" })).toThrow(ImagePlanError);
  });
});

describe("docker-bake.hcl", () => {
  it("has one target per enabled app, a default group, the configured platforms and the Compose image names", async () => {
    const { config, baseDir } = await load(CUSTOM);
    const model = buildModel(config, { baseDir, outDir: OUT });
    const bake = await parseBake(emitImages(model, imageSettings(config, REPO)).get(BAKE_FILE) as string);
    expect(Object.keys(bake.target).sort()).toEqual(["edge-agent", "health-monitor"]);
    expect(bake.group.default?.[0].targets).toEqual(["edge-agent", "health-monitor"]);
    const compose = parseYaml(emitCompose(model).get(COMPOSE_FILE) as string) as { services: Record<string, { image: string }> };
    for (const [name, [t]] of Object.entries(bake.target)) {
      expect(t.platforms).toEqual(["linux/arm64"]);
      expect(t.context).toBe("${CONTEXT}");
      expect(resolveBake(bake, t.dockerfile)).toBe(`out/stack/images/${name}.Dockerfile`);
      expect(t.tags.map((tag) => resolveBake(bake, tag))).toEqual([compose.services[name]?.image]);
      expect(t.args).toEqual({ NODE_IMAGE: "${NODE_IMAGE}", VERSION: "${TAG}" });
    }
    expect(bake.target["edge-agent"]?.[0].tags).toEqual(["${REGISTRY}/edge-agent:${TAG}"]);
    expect(bake.target["health-monitor"]?.[0].tags).toEqual(["docker.io/acme/hm:edge"]);
    expect(Object.fromEntries(Object.entries(bake.variable).map(([k, [v]]) => [k, v.default]))).toEqual({ REGISTRY: "registry.example.com/soc", TAG: "1.2.3", NODE_IMAGE: DEFAULT_NODE_IMAGE, CONTEXT: ".", IMAGES_DIR: "out/stack/images" });
  });

  it("defaults to linux/amd64 and linux/arm64", async () => {
    const bake = await parseBake(modelOf({}).files.get(BAKE_FILE) as string);
    expect(Object.keys(bake.target).sort()).toEqual(["aiops-agent", "edge-agent", "health-monitor"]);
    for (const [t] of Object.values(bake.target)) expect(t.platforms).toEqual(["linux/amd64", "linux/arm64"]);
  });

  it("is still valid HCL with no enabled app", async () => {
    const bake = await parseBake(modelOf({ apps: { edgeAgent: { enabled: false }, aiopsAgent: { enabled: false }, healthMonitor: { enabled: false } } }).files.get(BAKE_FILE) as string);
    expect(bake.group.default?.[0].targets).toEqual([]);
    expect(bake.target).toBeUndefined();
  });

  it("quotes HCL strings so ${ and %{ stay literal", async () => {
    expect(hclString('a"b\\c${X}%{y}')).toBe('"a\\"b\\\\c$${X}%%{y}"');
    // hcl2json answers in HCL's JSON syntax, where a literal "${" is written "$${" as well: no reference to X.
    const parsed = (await parseHcl("x.hcl", `v = ${hclString("a${X}")}\n`)) as { v: string };
    expect(parsed.v).toBe("a$${X}");
  });
});

describe("image output of every example", () => {
  it.each(allConfigFiles().map((f) => [path.basename(f), f]))("%s: parses, matches Compose image names and is deterministic", async (_name, file) => {
    const { config, baseDir } = await load(file);
    const opts = { baseDir, outDir: OUT, configFile: file, repoRoot: REPO };
    const { files, model } = generateAll(config, opts);
    const images = [...files].filter(([f]) => f.startsWith(`${IMAGES_DIR}/`));
    const enabled = model.containers.filter((c) => c.kind === "app").map((c) => c.name);
    expect(images.filter(([f]) => f.endsWith(".Dockerfile")).map(([f]) => path.posix.basename(f, ".Dockerfile"))).toEqual(enabled);
    for (const [f, text] of images) if (f.endsWith(".Dockerfile")) expect(parseDockerfile(text).one("ENTRYPOINT")).toBe('["node", "dist/cli.js"]');
    const bake = await parseBake(files.get(BAKE_FILE) as string);
    const byName = new Map(model.containers.map((c) => [c.name, c.image]));
    for (const [name, [t]] of Object.entries(bake.target ?? {})) expect(t.tags.map((tag) => resolveBake(bake, tag))).toEqual([byName.get(name)]);
    expect(GENERATED_DIRS).toContain(IMAGES_DIR);
    expect(generateAll(config, opts).files).toEqual(files);
    // Same bytes whatever the config's key order.
    const onlyImages = (m: Map<string, string>) => [...m].filter(([f]) => f.startsWith(`${IMAGES_DIR}/`));
    for (const seed of [1, 2, 3]) {
      const shuffled = loadShuffled(file, seed);
      expect(onlyImages(emitImages(buildModel(shuffled, opts), imageSettings(shuffled, REPO)))).toEqual(images);
    }
  });
});
