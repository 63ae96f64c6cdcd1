/**
 * `lint --compose` on real files (copied from public repositories, see fixtures/compose/README.md) and on a
 * hand-written messy file: no crash, known facts found at the right YAML path and line, commented-out
 * settings never reported, `!reset`/`!override` handled, env names that hold paths not reported.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ComposeParseError, ComposeOverride, ComposeReset, lintComposeFiles, parseComposeFile } from "../src/index.js";
import { COMPOSE_FIXTURES, findingsOf, lineOfText, lintFixtures } from "./support/lint.js";

const REAL = readdirSync(COMPOSE_FIXTURES).filter((f) => /\.ya?ml$/.test(f) && !f.startsWith("messy")).sort();
const MESSY = "messy.compose.yml";
const messyFile = path.join(COMPOSE_FIXTURES, MESSY);

describe("every real file", () => {
  it("has fixtures to lint (the copies are present)", () => {
    expect(REAL.length).toBeGreaterThanOrEqual(11);
  });

  it.each(REAL)("%s: lints without crashing, one score per service, every finding located", (file) => {
    const r = lintFixtures(file);
    expect(r.services.length).toBeGreaterThan(0);
    for (const s of r.services) expect(s.score).toBeGreaterThanOrEqual(0);
    for (const f of r.findings) {
      expect(f.file).toBe(file);
      expect(f.path).toMatch(new RegExp(`^services\\.${f.service.replace(/[.-]/g, "\\$&")}\\.`));
      expect(f.line).toBeGreaterThan(0);
    }
  });
});

describe("known facts of the real files", () => {
  it("awesome-compose prometheus-grafana: the plaintext Grafana admin password (list-form env)", () => {
    const file = "docker__awesome-compose__prometheus-grafana__compose.yaml";
    const r = lintFixtures(file);
    expect(findingsOf(r, "secret-in-env", "grafana")).toMatchObject([
      { severity: "high", path: "services.grafana.environment.1", line: lineOfText(path.join(COMPOSE_FIXTURES, file), "GF_SECURITY_ADMIN_PASSWORD=grafana") },
    ]);
  });

  it("Loki: MinIO's root password is a literal; MINIO_PROMETHEUS_AUTH_TYPE and GF_AUTH_* settings are not secrets", () => {
    const r = lintFixtures("grafana__loki__production__docker__docker-compose.yaml");
    expect(r.findings.filter((f) => f.rule === "secret-in-env").map((f) => `${f.service} ${f.message}`)).toEqual(["minio minio has a literal value in MINIO_ROOT_PASSWORD"]);
  });

  it("nginx-golang-postgres: POSTGRES_PASSWORD_FILE holds a path, not a secret", () => {
    const r = lintFixtures("docker__awesome-compose__nginx-golang-postgres__compose.yaml");
    expect(r.findings.filter((f) => f.rule === "secret-in-env")).toEqual([]);
  });

  it("docker-elk: ports published on all interfaces; ${VAR:-} passwords are references, not literals", () => {
    const file = "deviantony__docker-elk__docker-compose.yml";
    const r = lintFixtures(file);
    expect(findingsOf(r, "port-all-interfaces", "elasticsearch").map((f) => f.path)).toEqual(["services.elasticsearch.ports.0", "services.elasticsearch.ports.1"]);
    expect(r.findings.filter((f) => f.rule === "secret-in-env")).toEqual([]);
  });

  it("Netbox: env_file is noted as not inspected; the commented-out SUPERUSER_PASSWORD of the override is not a finding", () => {
    const r = lintFixtures("netbox-community__netbox-docker__docker-compose.yml", "netbox-community__netbox-docker__docker-compose.override.yml.example.yml");
    expect(r.notes.filter((n) => n.includes("env_file"))).toHaveLength(6);
    expect(r.findings.some((f) => f.message.includes("SUPERUSER_PASSWORD"))).toBe(false);
  });

  it("override files are judged on what they set, not what they inherit", () => {
    const r = lintFixtures("frappe__frappe_docker__overrides__compose.mariadb.yaml", "deviantony__docker-elk__extensions__heartbeat__heartbeat-compose.yml");
    // frappe's configurator sets only env and depends_on: it inherits image, user and limits from compose.yaml
    expect(findingsOf(r, "no-memory-limit", "configurator")).toEqual([]);
    expect(findingsOf(r, "root-user", "configurator")).toEqual([]);
    // db is a complete service in the override (it has an image), so it is judged in full
    expect(findingsOf(r, "no-memory-limit", "db")).toHaveLength(1);
    expect(r.notes).toContainEqual(expect.stringContaining("configurator has no image or build here (an override)"));
  });
});

describe("messy real-world syntax", () => {
  const r = lintFixtures(MESSY);

  it("a socket mounted through ${DOCKER_SOCK:-/var/run/docker.sock} is still the Docker socket", () => {
    expect(findingsOf(r, "docker-socket", "agent")).toMatchObject([{ severity: "critical", path: "services.agent.volumes.0", line: lineOfText(messyFile, "DOCKER_SOCK") }]);
  });

  it("long-form bind of /proc is a sensitive mount; the named volume is not", () => {
    expect(findingsOf(r, "sensitive-mount", "agent")).toMatchObject([{ path: "services.agent.volumes.1", message: expect.stringContaining("/proc") }]);
  });

  it("commented-out privileged and pid: host are never findings", () => {
    expect(r.findings.filter((f) => f.rule === "privileged" || f.rule === "host-pid")).toEqual([]);
  });

  it("secrets in env: literals only, in list and map form; *_FILE, *_PATH, ${VAR} and pass-through names are not", () => {
    expect(r.findings.filter((f) => f.rule === "secret-in-env").map((f) => f.path).sort()).toEqual(["services.agent.environment.1", "services.web.environment.GRAFANA_ADMIN_PASSWORD"]);
  });

  it("ports: short and long form, explicit 0.0.0.0 and interpolated published ports; 127.0.0.1 is fine", () => {
    expect(findingsOf(r, "port-all-interfaces", "agent").map((f) => f.path)).toEqual(["services.agent.ports.0", "services.agent.ports.2"]);
  });

  it("!override values are taken as written (web binds 127.0.0.1); !reset removes the key (web has no security_opt)", () => {
    expect(findingsOf(r, "port-all-interfaces", "web")).toEqual([]);
    expect(findingsOf(r, "no-new-privileges", "web")).toHaveLength(1);
  });

  it("dangerous capabilities only (SYS_PTRACE, not NET_BIND_SERVICE); unpinned nginx:latest; env_file noted", () => {
    expect(findingsOf(r, "cap-dangerous", "agent").map((f) => f.path)).toEqual(["services.agent.cap_add.0"]);
    expect(findingsOf(r, "image-unpinned", "web")).toHaveLength(1);
    expect(r.notes).toContainEqual(expect.stringMatching(/messy\.compose\.yml:\d+: agent: env_file/));
  });
});

describe("x-soc-waive", () => {
  const text = "services:\n  cadvisor:\n    image: gcr.io/cadvisor/cadvisor:v0.49.1\n    privileged: true\n    x-soc-waive:\n      - { rule: privileged, reason: reads every cgroup of the host }\n      - { rule: no-such-rule, reason: typo in the rule id here }\n      - { rule: host-pid, reason: short }\n";
  const r = lintComposeFiles([parseComposeFile(text, "w.yml")]);

  it("marks findings waived in the Compose file itself (what compose-gen writes for the config's waive)", () => {
    expect(r.findings.find((f) => f.rule === "privileged")).toMatchObject({ waived: "reads every cgroup of the host" });
  });

  it("reports unknown rules and reasons that are too short, with the line", () => {
    expect(r.notes).toContainEqual(expect.stringMatching(/^w\.yml:5: cadvisor: x-soc-waive: unknown rule "no-such-rule"/));
    expect(r.notes).toContainEqual(expect.stringContaining("host-pid needs a reason of at least 10 characters"));
  });
});

describe("parseComposeFile", () => {
  it("turns !reset and !override into markers, whatever node they tag", () => {
    const f = parseComposeFile("services:\n  a:\n    ports: !reset []\n    user: !reset null\n    environment: !override\n      X: '1'\n", "t.yml");
    const a = (f.data.services as Record<string, Record<string, unknown>>).a as Record<string, unknown>;
    expect(a.ports).toBeInstanceOf(ComposeReset);
    expect(a.user).toBeInstanceOf(ComposeReset);
    expect(a.environment).toEqual(new ComposeOverride({ X: "1" }));
  });

  it("reports a YAML syntax error with its line, and a non-mapping top level", () => {
    expect(() => parseComposeFile("services:\n  a: [1, 2\n", "bad.yml")).toThrow(ComposeParseError);
    expect(() => parseComposeFile("- a\n- b\n", "list.yml")).toThrow(/must be a mapping/);
  });

  it("an empty file has no services and no findings", () => {
    expect(parseComposeFile("# nothing\n", "empty.yml").data).toEqual({});
  });
});
