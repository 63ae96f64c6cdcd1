/**
 * `compose-gen import` on the real Compose files (with their extension/override files merged as `-f`
 * would) and on the messy fixture: every import validates as a config, its regenerated Compose validates
 * against the compose-spec schema with no dangling references, merge rules and tags behave as Compose's,
 * interpolation stays a reference, literal secrets become secretRefs, and what is lost is listed.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { importCompose, parseComposeFile, renderImportedConfig } from "../src/index.js";
import { composeSchemaErrors } from "./support/compose-schema.js";
import { danglingReferences } from "./support/cross-refs.js";
import { COMPOSE_FIXTURES } from "./support/lint.js";
import { fixtureFiles, importFixtures, regenerate } from "./support/import.js";

const SETS: [string, string[]][] = [
  ["docker-elk + heartbeat extension", ["deviantony__docker-elk__docker-compose.yml", "deviantony__docker-elk__extensions__heartbeat__heartbeat-compose.yml"]],
  ["Frappe + mariadb override", ["frappe__frappe_docker__compose.yaml", "frappe__frappe_docker__overrides__compose.mariadb.yaml"]],
  ["Netbox + override example", ["netbox-community__netbox-docker__docker-compose.yml", "netbox-community__netbox-docker__docker-compose.override.yml.example.yml"]],
  ["Loki", ["grafana__loki__production__docker__docker-compose.yaml"]],
  ["Graylog", ["Graylog2__docker-compose__open-core__docker-compose.yml"]],
  ["OpenTelemetry observability overlay", ["open-telemetry__opentelemetry-demo__compose.observability.yaml"]],
  ["awesome-compose nginx-golang-postgres", ["docker__awesome-compose__nginx-golang-postgres__compose.yaml"]],
  ["awesome-compose prometheus-grafana", ["docker__awesome-compose__prometheus-grafana__compose.yaml"]],
  ["messy + override", ["messy.compose.yml", "messy.override.yml"]],
];

type Svc = Record<string, unknown>;
const services = (doc: Record<string, unknown>) => doc.services as Record<string, Svc>;

describe.each(SETS)("%s", (_label, files) => {
  it("imports into a valid config whose regenerated Compose validates against the compose-spec schema", () => {
    const result = importFixtures(...files);
    expect(Object.keys(result.parsed.services).length).toBeGreaterThan(0);
    const doc = regenerate(result, COMPOSE_FIXTURES, `${COMPOSE_FIXTURES}/out`);
    expect(composeSchemaErrors(doc)).toEqual([]);
    expect(danglingReferences(doc)).toEqual([]);
    const merged = new Set(files.flatMap((f) => Object.keys((fixtureFiles(f)[0]?.data.services ?? {}) as object)));
    expect(Object.keys(services(doc)).sort()).toEqual([...merged].sort());
  });

  it("the rendered stack.yaml parses back to the same config, notes in its comment block", () => {
    const result = importFixtures(...files);
    const text = renderImportedConfig(result, files);
    expect(parse(text)).toEqual(result.config);
    for (const n of result.notes) expect(text).toContain(`# - ${n.path}: ${n.message.split("\n")[0]}`);
  });
});

describe("merge rules (-f overrides)", () => {
  it("messy: !reset drops cap_add, env merges list+map forms, !override replaces ports, the override's image and profile win", () => {
    const s = importFixtures("messy.compose.yml", "messy.override.yml").config.services as Record<string, Svc>;
    expect(s.agent?.capAdd).toBeUndefined();
    expect(s.agent?.env).toMatchObject({ LOG_LEVEL: "debug", DB_PASSWORD_FILE: "/run/secrets/db-password" });
    expect(s.agent?.ports).toEqual(["127.0.0.1:8080:8080"]);
    expect(s.web).toMatchObject({ image: "nginx:1.27.2", profiles: ["ui"] });
    expect(s.web?.securityOpt).toBeUndefined();
  });

  it("Frappe: the mariadb override adds db and the configurator's DB env and healthy dependency", () => {
    const s = importFixtures("frappe__frappe_docker__compose.yaml", "frappe__frappe_docker__overrides__compose.mariadb.yaml").config.services as Record<string, Svc>;
    expect(s.configurator?.env).toMatchObject({ DB_HOST: "db", DB_PORT: "3306" });
    expect(s.configurator?.dependsOn).toMatchObject({ db: { condition: "service_healthy" } });
    expect(s.db?.healthcheck).toMatchObject({ interval: "5s", retries: 5, startPeriod: "5s" });
  });

  it("docker-elk: the heartbeat extension's service joins the stack and keeps its dependency on elasticsearch", () => {
    const s = importFixtures("deviantony__docker-elk__docker-compose.yml", "deviantony__docker-elk__extensions__heartbeat__heartbeat-compose.yml").config.services as Record<string, Svc>;
    expect(Object.keys(s)).toContain("heartbeat");
    expect(JSON.stringify(s.heartbeat?.dependsOn)).toContain("elasticsearch");
  });

  it("an extension imported alone: its dangling depends_on is dropped with a note, so the config still validates", () => {
    const r = importFixtures("deviantony__docker-elk__extensions__heartbeat__heartbeat-compose.yml");
    expect(r.notes).toContainEqual({ path: "services.heartbeat.depends_on", message: expect.stringContaining("elasticsearch is not defined in these files") });
  });
});

describe("extends", () => {
  const base = parseComposeFile("services:\n  base:\n    image: busybox:1.36\n    environment: [A=1]\n    cap_drop: [ALL]\n", "common.yml");
  it("same file and `file:`, the extending service's own settings winning", () => {
    const main = parseComposeFile("services:\n  tpl:\n    image: alpine:3.20\n    user: '1000'\n  a:\n    extends: tpl\n    command: [sleep, '1']\n  b:\n    extends: { file: common.yml, service: base }\n    environment: { B: '2' }\n", "main.yml");
    const r = importCompose([main], { readExtendsFile: (f) => (f === "common.yml" ? base : undefined) });
    const s = r.config.services as Record<string, Svc>;
    expect(s.a).toMatchObject({ image: "alpine:3.20", user: "1000", command: ["sleep", "1"] });
    expect(s.b).toMatchObject({ image: "busybox:1.36", env: { A: "1", B: "2" }, capDrop: ["ALL"] });
    expect(r.notes.some((n) => n.path === "services.b.extends")).toBe(true);
  });

  it("a cycle or a missing base is an ExtendsError naming the service", () => {
    expect(() => importCompose([parseComposeFile("services:\n  a: { image: x:1, extends: b }\n  b: { image: x:1, extends: a }\n", "c.yml")])).toThrow(/services\.a\.extends: cycle/);
    expect(() => importCompose([parseComposeFile("services:\n  a: { image: x:1, extends: nope }\n", "c.yml")])).toThrow(/"nope" does not exist/);
  });
});

describe("values", () => {
  it("${VAR:-default} interpolation stays a reference (image, env, ports, volumes)", () => {
    const r = importFixtures("messy.compose.yml");
    const agent = (r.config.services as Record<string, Svc>).agent as Svc;
    expect(agent.image).toBe("${AGENT_IMAGE:-ghcr.io/example/agent}:${AGENT_TAG:-1.2.3}");
    expect(agent.volumes).toContainEqual({ type: "bind", source: "${DOCKER_SOCK:-/var/run/docker.sock}", target: "/var/run/docker.sock", readOnly: true });
    expect(agent.ports).toContainEqual({ target: 9200, published: "${ES_PORT:-9200}", hostIp: "0.0.0.0", protocol: "tcp" });
    const elk = importFixtures("deviantony__docker-elk__docker-compose.yml").config.services as Record<string, Svc>;
    expect((elk.elasticsearch?.env as Record<string, unknown>).ELASTIC_PASSWORD).toBe("${ELASTIC_PASSWORD:-}");
  });

  it("literal secrets become { secretRef: { env } } with a note; paths and references do not", () => {
    const r = importFixtures("messy.compose.yml");
    const s = r.config.services as Record<string, Svc>;
    expect((s.agent?.env as Record<string, unknown>).API_TOKEN).toEqual({ secretRef: { env: "API_TOKEN" } });
    expect((s.web?.env as Record<string, unknown>).GRAFANA_ADMIN_PASSWORD).toEqual({ secretRef: { env: "GRAFANA_ADMIN_PASSWORD" } });
    expect((s.web?.env as Record<string, unknown>).ADMIN_PASSWORD_PATH).toBe("/etc/web/admin-pass");
    expect((s.web?.env as Record<string, unknown>).SESSION_SECRET).toBe("${SESSION_SECRET:?set it}");
    expect(r.notes.filter((n) => n.message.includes("held a literal secret")).map((n) => n.path).sort()).toEqual(["services.agent.environment.API_TOKEN", "services.web.environment.GRAFANA_ADMIN_PASSWORD"]);
    expect(JSON.stringify(r.config)).not.toContain("s3cr3t-literal");
  });

  it("what cannot be represented is listed: env_file, logging, deploy.replicas, extension fields, top-level configs", () => {
    const netbox = importFixtures("netbox-community__netbox-docker__docker-compose.yml").notes.map((n) => n.path);
    expect(netbox).toContain("services.netbox.env_file");
    const loki = importFixtures("grafana__loki__production__docker__docker-compose.yaml").notes.map((n) => n.path);
    expect(loki).toEqual(expect.arrayContaining(["x-loki-common", "services.loki-monolithic.deploy.replicas"]));
    const otel = importFixtures("open-telemetry__opentelemetry-demo__compose.observability.yaml").notes.map((n) => n.path);
    expect(otel).toContain("services.jaeger.logging");
  });

  it("Compose defaults are written out where the config's differ: restart no, healthcheck timeout 30s", () => {
    const r = importCompose([parseComposeFile("services:\n  a:\n    image: x:1\n    healthcheck: { test: [CMD, true] }\n  b:\n    image: x:1\n    restart: always\n", "d.yml")]);
    const s = r.config.services as Record<string, Svc>;
    expect(s.a).toMatchObject({ restart: "no", healthcheck: { test: ["CMD", "true"], interval: "30s", timeout: "30s", retries: 3 } });
    expect(s.b?.restart).toBe("always");
    expect(r.parsed.services.a?.restart).toBe("no");
  });
});
