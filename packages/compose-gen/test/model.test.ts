/** Pure pieces of the model: short-syntax parsing, byte formatting, interpolation, dependency rules. */
import { parseConfig } from "@soc/config";
import { describe, expect, it } from "vitest";
import { buildModel, composeBytes, composeDocument, findInterpolations, ModelError, startedTogether, type ContainerSpec } from "../src/index.js";
import { normalizeMount, normalizePort, splitColons } from "../src/model/normalize.js";

describe("normalizePort", () => {
  it.each([
    ["80", { target: 80, protocol: "tcp" }],
    ["8080:80", { target: 80, published: 8080, protocol: "tcp" }],
    ["127.0.0.1:5601:5601", { target: 5601, published: 5601, hostIp: "127.0.0.1", protocol: "tcp" }],
    ["514:514/udp", { target: 514, published: 514, protocol: "udp" }],
    ["[::1]:9090:9090", { target: 9090, published: 9090, hostIp: "::1", protocol: "tcp" }],
    ["${WEB_PORT:-8080}:8080", { target: 8080, published: "${WEB_PORT:-8080}", protocol: "tcp" }],
    ["8000-8010:8000-8010", { target: "8000-8010", published: "8000-8010", protocol: "tcp" }],
  ])("%s", (short, long) => {
    expect(normalizePort(short, ["p"])).toEqual(long);
  });

  it("keeps the long form", () => {
    expect(normalizePort({ target: 53, published: 5353, hostIp: "127.0.0.1", protocol: "udp" }, [])).toEqual({ target: 53, published: 5353, hostIp: "127.0.0.1", protocol: "udp" });
  });

  it("splits on colons outside brackets and interpolation", () => {
    expect(splitColons("[::1]:${A:-1}:2")).toEqual(["[::1]", "${A:-1}", "2"]);
  });
});

describe("normalizeMount", () => {
  it("reads named volumes, relative and absolute binds, options and anonymous volumes", () => {
    expect(normalizeMount("data:/data", "/cfg")).toEqual({ type: "volume", source: "data", target: "/data", readOnly: false });
    expect(normalizeMount("./conf/x.yml:/etc/x.yml:ro", "/cfg")).toEqual({ type: "bind", source: "/cfg/conf/x.yml", target: "/etc/x.yml", readOnly: true, relative: true });
    expect(normalizeMount("/var/log:/host/log:ro,rslave", "/cfg")).toEqual({ type: "bind", source: "/var/log", target: "/host/log", readOnly: true, options: ["rslave"] });
    expect(normalizeMount("/scratch", "/cfg")).toEqual({ type: "volume", target: "/scratch", readOnly: false });
    expect(normalizeMount({ type: "bind", source: "certs", target: "/certs", readOnly: true }, "/cfg")).toEqual({ type: "bind", source: "/cfg/certs", target: "/certs", readOnly: true, relative: true });
  });
});

describe("composeBytes", () => {
  it("uses the largest exact binary unit", () => {
    expect(composeBytes(512 * 1024 ** 2)).toBe("512M");
    expect(composeBytes(2 * 1024 ** 3)).toBe("2G");
    expect(composeBytes(1536 * 1024 ** 2)).toBe("1536M");
    expect(composeBytes(1000)).toBe("1000");
  });
});

describe("findInterpolations", () => {
  it("finds every form and skips $$ escapes", () => {
    expect(findInterpolations("${A} ${B:-x} ${C-y} ${D:?must} $E $$F ${G:+alt}")).toEqual([
      { name: "A" },
      { name: "B", operator: ":-", argument: "x" },
      { name: "C", operator: "-", argument: "y" },
      { name: "D", operator: ":?", argument: "must" },
      { name: "E" },
      { name: "G", operator: ":+", argument: "alt" },
    ]);
  });
});

describe("startedTogether", () => {
  const c = (profiles: string[]) => ({ profiles }) as unknown as ContainerSpec;
  it("follows `docker compose --profile` semantics on expanded profiles", () => {
    expect(startedTogether(c([]), c([]))).toBe(true);
    expect(startedTogether(c(["elk"]), c([]))).toBe(true);
    expect(startedTogether(c([]), c(["elk"]))).toBe(false);
    expect(startedTogether(c(["elk", "full"]), c(["elk", "full"]))).toBe(true);
    expect(startedTogether(c(["ai", "full"]), c(["elk", "full"]))).toBe(false);
  });
});

describe("buildModel", () => {
  const base = { version: 1, project: { name: "p" }, apps: { edgeAgent: { enabled: false }, aiopsAgent: { enabled: false }, healthMonitor: { enabled: false } } };

  it("resolves list dependencies to service_healthy or service_started by the target's healthcheck", () => {
    const config = parseConfig({
      ...base,
      services: {
        db: { image: "postgres:16.4", healthcheck: { test: ["CMD", "pg_isready"] } },
        cache: { image: "memcached:1.6.31" },
        app: { image: "app:1", dependsOn: ["db", "cache"] },
      },
    });
    const app = buildModel(config, { baseDir: "/cfg", outDir: "/out" }).containers.find((x) => x.name === "app");
    expect(app?.dependsOn).toEqual({ cache: { condition: "service_started", required: true }, db: { condition: "service_healthy", required: true } });
  });

  it("leaves out (with a warning) a dependency on a disabled service", () => {
    const config = parseConfig({ ...base, services: { db: { image: "postgres:16.4", enabled: false }, app: { image: "app:1", dependsOn: ["db"] } } });
    const model = buildModel(config, { baseDir: "/cfg", outDir: "/out" });
    expect(model.containers.find((x) => x.name === "app")?.dependsOn).toEqual({});
    expect(model.warnings.map((w) => w.message)).toContainEqual(expect.stringContaining('depends on "db", which is disabled'));
  });

  it("resolves resources to cores and bytes, and a string healthcheck to CMD-SHELL", () => {
    const config = parseConfig({ ...base, services: { s: { image: "s:1", resources: { limits: { cpus: 0.5, memory: "1.5G" } }, healthcheck: { test: "true" } } } });
    const s = buildModel(config, { baseDir: "/cfg", outDir: "/out" }).containers[0];
    expect(s?.resources).toEqual({ limits: { cpus: 0.5, memoryBytes: 1.5 * 1024 ** 3 }, reservations: {} });
    expect(s?.healthcheck?.test).toEqual(["CMD-SHELL", "true"]);
  });

  it("warns when edge-agent reads EVE files no volume provides", () => {
    const config = parseConfig({ version: 1, project: { name: "p" } });
    const model = buildModel(config, { baseDir: "/cfg", outDir: "/out" });
    expect(model.warnings.map((w) => w.message)).toContainEqual(expect.stringContaining("edge-agent reads /var/log/suricata/eve.json"));
  });

  it("warns when the generated socket proxy pushes the stack over the host budget", () => {
    const config = parseConfig({ version: 1, project: { name: "p" }, host: { cpus: 2, headroom: { cpus: 0.25 } } });
    const model = buildModel(config, { baseDir: "/cfg", outDir: "/out" });
    expect(model.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/with the generated docker-socket-proxy, CPU limits of all containers add up to 1\.85 cores, more than the 1\.75 available/));
  });

  it("is a typed error for a reserved network name", () => {
    const config = parseConfig({ version: 1, project: { name: "p" }, networks: { "docker-api": {} } });
    expect(() => buildModel(config, { baseDir: "/cfg", outDir: "/out" })).toThrow(ModelError);
  });
});

describe("relative host paths", () => {
  it("are resolved from the config's folder and written relative to the Compose file", () => {
    const config = parseConfig({
      version: 1, project: { name: "p" },
      apps: { edgeAgent: { enabled: false }, aiopsAgent: { enabled: false }, healthMonitor: { enabled: false } },
      services: { b: { build: { context: "./app" }, volumes: ["./conf/b.yml:/etc/b.yml:ro", "/var/log:/host/log:ro"] } },
    });
    const doc = composeDocument(buildModel(config, { baseDir: "/stack/cfg", outDir: "/stack/out/p" })) as {
      services: { b: { build: { context: string }; volumes: { source: string }[] } };
    };
    expect(doc.services.b.build).toEqual({ context: "../../../cfg/app" });
    expect(doc.services.b.volumes.map((v) => v.source)).toEqual(["../../../cfg/conf/b.yml", "/var/log"]);
  });
});
