/**
 * Security defaults of our apps in the generated Compose, the Docker socket proxy of health-monitor, and
 * third-party services keeping exactly what they declare.
 */
import path from "node:path";
import { parseConfig } from "@soc/config";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { COMPOSE_FILE, generateCompose, SOCKET_PROXY_IMAGE } from "../src/index.js";
import { FIXTURES, load } from "./support/configs.js";

type Svc = Record<string, unknown> & {
  user?: string; read_only?: boolean; tmpfs?: string[]; cap_drop?: string[]; cap_add?: string[]; security_opt?: string[];
  environment?: Record<string, string>; networks?: string[]; volumes?: { type: string; source?: string; target: string; read_only?: boolean }[];
  ports?: unknown[]; expose?: number[]; healthcheck?: { test: string[] }; configs?: { source: string; target: string }[]; image?: string; command?: string[];
};

function compose(input: unknown, baseDir = FIXTURES) {
  const config = parseConfig(input);
  const { files, model } = generateCompose(config, { baseDir, outDir: "/virtual/out" });
  const doc = parse(files.get(COMPOSE_FILE) as string) as { services: Record<string, Svc>; networks?: Record<string, { internal?: boolean }> };
  return { doc, model, services: doc.services };
}

describe("our apps run hardened", () => {
  it.each(["edge-agent", "aiops-agent", "health-monitor"])("%s: non-root, read-only root fs + /tmp tmpfs, cap_drop ALL, no-new-privileges", async (app) => {
    const { config, baseDir } = await load(path.join(FIXTURES, "minimal.yaml"));
    const { files } = generateCompose(config, { baseDir, outDir: "/virtual/out" });
    const s = (parse(files.get(COMPOSE_FILE) as string) as { services: Record<string, Svc> }).services[app] as Svc;
    expect(s.user).toBe("10001:10001");
    expect(s.read_only).toBe(true);
    expect(s.tmpfs).toContain("/tmp");
    expect(s.cap_drop).toEqual(["ALL"]);
    expect(s.cap_add).toBeUndefined();
    expect(s.security_opt).toContain("no-new-privileges:true");
    expect(s.ports).toBeUndefined(); // metrics exposed, not published
    expect(s.image).toBe(`ghcr.io/soc-stack/${app}:0.1.0`);
    expect(s.command).toEqual(["run", "--config", "/etc/soc/config.yaml"]);
    expect(s.init).toBe(true);
    expect(s.configs).toEqual([{ source: "soc-config", target: "/etc/soc/config.yaml" }]);
    expect(s.healthcheck?.test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
  });

  it("uses images.registry/tag, metricsPort for expose and healthcheck, and an image override", () => {
    const { services } = compose({
      version: 1, project: { name: "p" }, images: { registry: "registry.local/soc", tag: "2.3.4" },
      apps: { edgeAgent: { metricsPort: 9200 }, aiopsAgent: { image: "mirror.local/aiops:9.9.9" } },
    });
    expect(services["edge-agent"]?.image).toBe("registry.local/soc/edge-agent:2.3.4");
    expect(services["edge-agent"]?.expose).toEqual([9200]);
    expect(services["edge-agent"]?.healthcheck?.test[3]).toContain("http://127.0.0.1:9200/healthz");
    expect(services["aiops-agent"]?.image).toBe("mirror.local/aiops:9.9.9");
  });

  it("gives the agents a named state volume and aiops-agent the host's /proc read-only", () => {
    const { services, doc } = compose({ version: 1, project: { name: "p" } });
    expect(services["edge-agent"]?.volumes).toContainEqual({ type: "volume", source: "edge-agent-data", target: "/var/lib/soc/edge-agent" });
    expect(services["aiops-agent"]?.volumes).toContainEqual({ type: "volume", source: "aiops-agent-data", target: "/var/lib/soc/aiops-agent" });
    expect(services["aiops-agent"]?.volumes).toContainEqual({ type: "bind", source: "/proc", target: "/host/proc", read_only: true });
    expect(Object.keys((doc as { volumes?: object }).volumes ?? {})).toEqual(["aiops-agent-data", "edge-agent-data"]);
  });

  it("lets an app relax a default explicitly (and keeps no-new-privileges)", () => {
    const { services } = compose({ version: 1, project: { name: "p" }, apps: { edgeAgent: { user: "0:0", readOnly: false, capAdd: ["NET_RAW"] } } });
    const s = services["edge-agent"] as Svc;
    expect(s.user).toBe("0:0");
    expect(s.read_only).toBeUndefined();
    expect(s.cap_add).toEqual(["NET_RAW"]);
    expect(s.security_opt).toEqual(["no-new-privileges:true"]);
  });
});

describe("health-monitor reaches Docker through a read-only socket proxy", () => {
  it("adds the proxy on an internal network shared only with health-monitor", () => {
    const { services, doc } = compose({ version: 1, project: { name: "p" }, networks: { monitoring: { internal: true } }, apps: { healthMonitor: { networks: ["monitoring"] } } });
    const proxy = services["docker-socket-proxy"] as Svc;
    expect(proxy.image).toBe(SOCKET_PROXY_IMAGE);
    expect(proxy.image).toMatch(/:v\d+\.\d+\.\d+$/);
    expect(proxy.volumes).toEqual([{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", read_only: true }]);
    expect(proxy.environment).toEqual({ CONTAINERS: "1", EVENTS: "1", INFO: "1", PING: "1", VERSION: "1" });
    expect(proxy.networks).toEqual(["docker-api"]);
    expect(proxy.ports).toBeUndefined();
    expect(doc.networks?.["docker-api"]?.internal).toBe(true);
    const onDockerApi = Object.entries(services).filter(([, s]) => (s.networks ?? []).includes("docker-api")).map(([n]) => n).sort();
    expect(onDockerApi).toEqual(["docker-socket-proxy", "health-monitor"]);
    const hm = services["health-monitor"] as Svc;
    expect(hm.environment?.DOCKER_HOST).toBe("tcp://docker-socket-proxy:2375");
    expect(hm.networks).toEqual(["docker-api", "monitoring"]);
    expect(hm.volumes ?? []).not.toContainEqual(expect.objectContaining({ source: "/var/run/docker.sock" }));
    expect(hm.depends_on).toEqual({ "docker-socket-proxy": { condition: "service_healthy" } });
  });

  it("allows POST only when autoheal is enabled", () => {
    const on = compose({ version: 1, project: { name: "p" }, apps: { healthMonitor: { autoheal: { enabled: true } } } });
    expect(on.services["docker-socket-proxy"]?.environment?.POST).toBe("1");
    const off = compose({ version: 1, project: { name: "p" }, apps: { healthMonitor: { autoheal: { enabled: false } } } });
    expect(off.services["docker-socket-proxy"]?.environment?.POST).toBeUndefined();
  });

  it("keeps health-monitor on the default network when it declares none", () => {
    const { services } = compose({ version: 1, project: { name: "p" } });
    expect(services["health-monitor"]?.networks).toEqual(["default", "docker-api"]);
  });

  it("points the in-container config at the proxy", () => {
    const config = parseConfig({ version: 1, project: { name: "p" } });
    const { files } = generateCompose(config, { baseDir: FIXTURES, outDir: "/virtual/out" });
    const inner = parseConfig(parse(files.get("compose/soc-config.yaml") as string));
    expect(inner.apps.healthMonitor.docker.host).toBe("tcp://docker-socket-proxy:2375");
  });

  it("without the proxy mounts the socket read-only and warns", () => {
    const { services, model } = compose({ version: 1, project: { name: "p" }, apps: { healthMonitor: { docker: { socketProxy: false }, waive: [{ rule: "docker-socket", reason: "test: direct socket mount accepted" }] } } });
    expect(services["docker-socket-proxy"]).toBeUndefined();
    expect(services["health-monitor"]?.volumes).toContainEqual({ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", read_only: true });
    expect(model.warnings.map((w) => w.message)).toContainEqual(expect.stringContaining("mounts the Docker socket"));
  });

  it("refuses a health-monitor with its own networkMode (it could not reach the proxy)", () => {
    expect(() => compose({ version: 1, project: { name: "p" }, apps: { healthMonitor: { networkMode: "host" } } })).toThrow(/cannot join the socket proxy/);
  });

  it("refuses a service that takes the proxy's reserved name", () => {
    expect(() => compose({ version: 1, project: { name: "p" }, services: { "docker-socket-proxy": { image: "x:1" } } })).toThrow(/reserved/);
  });
});

describe("third-party services keep what they declare", () => {
  it("adds no user, read_only, cap_drop or security_opt of its own", () => {
    const { services } = compose({ version: 1, project: { name: "p" }, services: { web: { image: "nginx:1.27.2", ports: ["8080:80"] } } });
    const s = services.web as Svc;
    for (const k of ["user", "read_only", "cap_drop", "cap_add", "security_opt", "privileged"]) expect(s[k], k).toBeUndefined();
    expect(s.ports).toEqual([{ target: 80, published: 8080, protocol: "tcp" }]);
    expect(s.labels).toEqual({ "org.soc-stack.component": "web", "org.soc-stack.project": "p" });
  });

  it("keeps host networking, capabilities and privileged as declared", () => {
    const { services } = compose({
      version: 1, project: { name: "p" },
      services: { cadvisor: { image: "gcr.io/cadvisor/cadvisor:v0.49.1", privileged: true, pid: "host", networkMode: "host", capAdd: ["SYS_ADMIN"], waive: [{ rule: "privileged", reason: "test: the security gate stops unwaived critical findings" }] } },
    });
    const s = services.cadvisor as Svc;
    expect(s).toMatchObject({ privileged: true, pid: "host", network_mode: "host", cap_add: ["SYS_ADMIN"] });
    expect(s.networks).toBeUndefined();
  });
});
