/**
 * Profiles: what `docker compose --profile X up` starts, computed from the GENERATED YAML of the PAKE-style
 * fixture (elk, ai-security, security-monitoring, and full including the other three).
 */
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { COMPOSE_FILE, expandContainerProfiles, generateCompose, profileClosures, servicesStartedBy } from "../src/index.js";
import { FIXTURES, load } from "./support/configs.js";

async function generated() {
  const file = path.join(FIXTURES, "profiles.yaml");
  const { config, baseDir } = await load(file);
  const { files, model } = generateCompose(config, { baseDir, outDir: "/virtual/out", configFile: file });
  return { doc: parse(files.get(COMPOSE_FILE) as string) as unknown, model };
}

const ALWAYS = ["docker-socket-proxy", "health-monitor", "redis"];
const ELK = ["elasticsearch", "kibana", "logstash"];
const AI = ["ai-detector", "aiops-agent"];
const SECMON = ["wazuh-manager"];

describe("docker compose --profile X on the generated file", () => {
  it("starts only the always-on services without a profile", async () => {
    const { doc } = await generated();
    expect(servicesStartedBy(doc, [])).toEqual(ALWAYS);
  });

  it.each([
    ["elk", ELK],
    ["ai-security", AI],
    ["security-monitoring", SECMON],
  ])("--profile %s adds exactly its own services", async (profile, own) => {
    const { doc } = await generated();
    expect(servicesStartedBy(doc, [profile])).toEqual([...ALWAYS, ...own].sort());
  });

  it("--profile full starts every service of the profiles it includes", async () => {
    const { doc } = await generated();
    expect(servicesStartedBy(doc, ["full"])).toEqual([...ALWAYS, ...ELK, ...AI, ...SECMON].sort());
  });

  it("several --profile flags start the union", async () => {
    const { doc } = await generated();
    expect(servicesStartedBy(doc, ["elk", "security-monitoring"])).toEqual([...ALWAYS, ...ELK, ...SECMON].sort());
  });

  it("writes expanded, sorted profiles on each service", async () => {
    const { doc } = await generated();
    const services = (doc as { services: Record<string, { profiles?: string[] }> }).services;
    expect(services.elasticsearch?.profiles).toEqual(["elk", "full"]);
    expect(services["aiops-agent"]?.profiles).toEqual(["ai-security", "full"]);
    expect(services.redis?.profiles).toBeUndefined();
  });

  it("marks a dependency the dependent's profile does not start as required: false, with a warning", async () => {
    const { doc, model } = await generated();
    const dep = (doc as { services: Record<string, { depends_on?: Record<string, { condition: string; required?: boolean }> }> }).services["ai-detector"]?.depends_on;
    // elasticsearch is only in elk/full: `--profile ai-security` starts ai-detector without it
    expect(dep?.elasticsearch).toEqual({ condition: "service_healthy", required: false });
    // redis is always started: a plain required dependency, healthy because it has a healthcheck
    expect(dep?.redis).toEqual({ condition: "service_healthy" });
    expect(model.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/--profile ai-security starts ai-detector without elasticsearch/));
    // kibana and elasticsearch share elk and full: required
    const kib = (doc as { services: Record<string, { depends_on?: Record<string, unknown> }> }).services.kibana?.depends_on;
    expect(kib?.elasticsearch).toEqual({ condition: "service_healthy" });
  });
});

describe("profile expansion", () => {
  const config = {
    profiles: {
      elk: { includes: [] },
      siem: { includes: ["elk"] },
      full: { includes: ["siem", "ai"] },
      ai: { includes: [] },
      other: { includes: [] },
    },
  };

  it("follows includes transitively", () => {
    const closures = profileClosures(config);
    expect(closures.find((p) => p.name === "full")?.activates).toEqual(["ai", "elk", "full", "siem"]);
    expect(expandContainerProfiles(["elk"], closures)).toEqual(["elk", "full", "siem"]);
    expect(expandContainerProfiles(["ai"], closures)).toEqual(["ai", "full"]);
    expect(expandContainerProfiles(["other"], closures)).toEqual(["other"]);
  });

  it("keeps always-on containers without profiles", () => {
    expect(expandContainerProfiles([], profileClosures(config))).toEqual([]);
  });
});
