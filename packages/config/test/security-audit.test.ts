import { describe, expect, it } from "vitest";
import {
  auditContainer, containerScore, type ContainerFacts, getRule, interpolationDefault, isSecretLikeEnvName,
  parseConfig, RULE_IDS, SECURITY_RULES, stackScore,
} from "../src/index.js";

/** A container that passes every rule; tests break one thing at a time. */
const hardened = (over: Partial<ContainerFacts> = {}): ContainerFacts => ({
  name: "app", image: "ghcr.io/x/app:1.2.3", privileged: false, user: "10001:10001", capAdd: [], capDrop: ["ALL"],
  mounts: [], devices: [], memoryLimitBytes: 256 * 1024 ** 2, cpuLimit: 0.5, pidsLimit: 128, hasHealthcheck: true,
  readOnlyRootfs: true, securityOpt: ["no-new-privileges:true"], env: [], ports: [], ...over,
});
const rules = (f: ContainerFacts) => auditContainer(f).map((x) => x.rule);

describe("security rule catalogue", () => {
  it("has unique ids and a severity, hint and rationale for each rule", () => {
    expect(new Set(RULE_IDS).size).toBe(SECURITY_RULES.length);
    for (const r of SECURITY_RULES) expect(r.hint.length * r.rationale.length).toBeGreaterThan(0);
    expect(getRule("docker-socket").severity).toBe("critical");
    expect(() => getRule("nope")).toThrow(/unknown security rule "nope"/);
  });
});

describe("auditContainer", () => {
  it("finds nothing on a hardened container and scores it 100", () => {
    expect(auditContainer(hardened())).toEqual([]);
    expect(containerScore([])).toBe(100);
  });

  it("flags the seeds' audit findings: privileged cAdvisor, host-PID node-exporter, socket mounts, /proc and /sys", () => {
    const cadvisor = hardened({ name: "cadvisor", privileged: true, mounts: [
      { type: "bind", source: "/", target: "/rootfs", readOnly: true },
      { type: "bind", source: "/sys", target: "/sys", readOnly: true },
      { type: "bind", source: "/var/run", target: "/var/run", readOnly: true },
    ] });
    expect(rules(cadvisor)).toEqual(expect.arrayContaining(["privileged", "sensitive-mount"]));
    expect(auditContainer(cadvisor).filter((f) => f.rule === "sensitive-mount").map((f) => f.field)).toEqual(["mounts.0", "mounts.1", "mounts.2"]);
    expect(rules(hardened({ pidMode: "host" }))).toContain("host-pid");
    const promtail = hardened({ mounts: [{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true }] });
    const f = auditContainer(promtail);
    expect(f.map((x) => x.rule)).toEqual(["docker-socket"]);
    expect(f[0]?.message).toContain("read-only, which does not restrict the API");
    expect(rules(hardened({ mounts: [{ type: "bind", source: "/proc", target: "/host/proc", readOnly: true }] }))).toEqual(["sensitive-mount"]);
  });

  it("sees a socket mount hidden behind ${VAR:-default} interpolation", () => {
    const f = hardened({ mounts: [{ type: "bind", source: "${DOCKER_SOCK:-/var/run/docker.sock}", target: "/sock", readOnly: false }] });
    expect(rules(f)).toEqual(["docker-socket"]);
    expect(interpolationDefault("${A:-x}/${B-y}/${C}")).toBe("x/y/${C}");
  });

  it("treats named volumes as safe and does not confuse /var/lib/dockerx with /var/lib/docker", () => {
    expect(rules(hardened({ mounts: [{ type: "volume", source: "etc", target: "/etc/app", readOnly: false }] }))).toEqual([]);
    expect(rules(hardened({ mounts: [{ type: "bind", source: "/var/lib/dockerx", target: "/d", readOnly: true }] }))).toEqual([]);
    expect(rules(hardened({ mounts: [{ type: "bind", source: "/var/lib/docker/containers", target: "/c", readOnly: true }] }))).toEqual(["sensitive-mount"]);
  });

  it("flags dangerous capabilities with or without CAP_ prefix, not harmless ones", () => {
    expect(auditContainer(hardened({ capAdd: ["CAP_SYS_ADMIN", "NET_BIND_SERVICE", "net_admin"] })).map((f) => f.field)).toEqual(["capAdd.0", "capAdd.2"]);
  });

  it("flags literal secrets in env, but not references, paths or *_FILE names", () => {
    const f = hardened({ env: [
      { name: "POSTGRES_PASSWORD", literal: "hunter2" },
      { name: "API_TOKEN", literal: "${API_TOKEN}" },
      { name: "DB_PASSWORD_FILE", literal: "/run/secrets/db" },
      { name: "TLS_PRIVATE_KEY", literal: "/etc/tls/key.pem" },
      { name: "REDIS_PASSWORD" },
      { name: "LOG_LEVEL", literal: "info" },
    ] });
    expect(auditContainer(f).map((x) => x.field)).toEqual(["env.POSTGRES_PASSWORD"]);
    expect(isSecretLikeEnvName("GF_SECURITY_ADMIN_PASSWORD__FILE")).toBe(false);
    expect(isSecretLikeEnvName("PASSPORT_ID")).toBe(false);
  });

  it("AUTH names a secret only as the last segment (real files' settings are not secrets)", () => {
    expect(isSecretLikeEnvName("REDIS_AUTH")).toBe(true);
    expect(isSecretLikeEnvName("GF_AUTH_ANONYMOUS_ENABLED")).toBe(false);
    expect(isSecretLikeEnvName("MINIO_PROMETHEUS_AUTH_TYPE")).toBe(false);
    expect(isSecretLikeEnvName("GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET")).toBe(true);
  });

  it("flags root users, unpinned images, all-interface ports and missing limits", () => {
    expect(rules(hardened({ user: undefined }))).toEqual(["root-user"]);
    expect(rules(hardened({ user: undefined, imageUserNonRoot: true }))).toEqual([]);
    expect(rules(hardened({ user: "0:0" }))).toEqual(["root-user"]);
    expect(rules(hardened({ image: "redis" }))).toEqual(["image-unpinned"]);
    expect(rules(hardened({ image: "redis:latest" }))).toEqual(["image-unpinned"]);
    expect(rules(hardened({ image: "localhost:5000/redis" }))).toEqual(["image-unpinned"]);
    expect(rules(hardened({ image: "redis@sha256:" + "a".repeat(64) }))).toEqual([]);
    expect(rules(hardened({ ports: [{ published: "9200", target: 9200 }, { hostIp: "127.0.0.1", published: "1", target: 1 }] }))).toEqual(["port-all-interfaces"]);
    expect(rules(hardened({ memoryLimitBytes: undefined, cpuLimit: undefined, pidsLimit: undefined })))
      .toEqual(["no-memory-limit", "no-cpu-limit", "no-pids-limit"]);
  });

  it("keeps waived findings visible but leaves them out of the score", () => {
    const f = auditContainer(hardened({ networkMode: "host" }), [{ rule: "host-network", reason: "packet capture" }]);
    expect(f).toHaveLength(1);
    expect(f[0]?.waived).toBe("packet capture");
    expect(containerScore(f)).toBe(100);
    expect(containerScore(auditContainer(hardened({ networkMode: "host" })))).toBe(80);
  });

  it("scores a stack as the mean of its containers, floored at 0 per container", () => {
    const worst = auditContainer(hardened({ privileged: true, pidMode: "host", networkMode: "host", ipcMode: "host" }));
    expect(containerScore(worst)).toBe(0);
    expect(stackScore([100, 0, 50])).toBe(50);
    expect(stackScore([])).toBe(100);
  });
});

describe("waivers in the config name catalogue rules", () => {
  it("rejects an unknown rule id and lists the known ones", () => {
    expect(() => parseConfig({ version: 1, project: { name: "x" }, services: { s: { image: "a:1", waive: [{ rule: "host-netwrok", reason: "long enough reason" }] } } }))
      .toThrow(/unknown security rule "host-netwrok"/);
  });
});
