/**
 * A synthetic but realistic stack for the benchmark: `services` services drawn from a seed (mulberry32), over
 * 8 segmented networks (half of them internal), 6 profiles plus a `full` one including them, a mix of
 * well-known images pinned to tags, loopback and public ports, named volumes and read-only bind mounts,
 * healthchecks (exec and HTTP), `dependsOn` edges to earlier services only (so the graph is acyclic), file
 * and env secrets, secret env references, limits/reservations, hardening fields, and a few services that
 * keep an accepted risk with a waiver — the shapes of `examples/ai-soc.yaml`, repeated. The three apps are
 * enabled. Returned as plain data for `parseConfig`, which validates it (references, budget).
 */

/** Deterministic PRNG (mulberry32): same seed, same config. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ImageKind {
  image: string;
  port: number;
  health: "http" | "exec" | "none";
  data?: string;
  user?: string;
}

const IMAGES: ImageKind[] = [
  { image: "redis:7.4.1-alpine", port: 6379, health: "exec", data: "/data", user: "999:999" },
  { image: "postgres:16.4", port: 5432, health: "exec", data: "/var/lib/postgresql/data", user: "70:70" },
  { image: "nginx:1.27.2", port: 8080, health: "http", user: "101:101" },
  { image: "grafana/grafana:11.3.0", port: 3000, health: "http", data: "/var/lib/grafana", user: "472:472" },
  { image: "prom/prometheus:v2.54.1", port: 9090, health: "http", data: "/prometheus", user: "65534:65534" },
  { image: "opensearchproject/opensearch:2.17.1", port: 9200, health: "exec", data: "/usr/share/opensearch/data" },
  { image: "ghcr.io/example/worker@sha256:4f2ca6ee0e7ba6a3f0e9c1a4ed2e7d3f5b3a2c1d0e9f8a7b6c5d4e3f2a1b0c9d", port: 8000, health: "http" },
  { image: "minio/minio:RELEASE.2024-10-13T13-34-11Z", port: 9000, health: "http", data: "/data" },
  { image: "grafana/loki:3.2.1", port: 3100, health: "http", data: "/loki", user: "10001:10001" },
  { image: "rabbitmq:3.13-management", port: 5672, health: "exec", data: "/var/lib/rabbitmq" },
];

const NETWORKS = ["siem-backend", "siem-frontend", "soar-backend", "soar-frontend", "ai-network", "monitoring", "network-analysis", "storage"];
const PROFILES = ["siem", "ai", "soar", "monitoring", "network-analysis", "storage"];
const SECRETS = ["db-password", "api-token", "tls-key", "s3-secret-key"];

/**
 * The config (input form, defaults left to the schema) of a `services`-service stack.
 * @param seed PRNG seed; @param services number of `services` entries (the 3 apps come on top)
 */
export function syntheticConfig(seed: number, services: number): Record<string, unknown> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const svcs: Record<string, unknown> = {};
  const volumes: Record<string, unknown> = {};
  const names: string[] = [];
  for (let i = 0; i < services; i++) {
    const kind = pick(IMAGES);
    const name = `${kind.image.split(/[/:@]/)[kind.image.includes("/") ? 1 : 0]}-${i}`.replace(/[^a-z0-9-]/g, "-");
    const nets = [...new Set([pick(NETWORKS), ...(r() < 0.4 ? [pick(NETWORKS)] : [])])];
    const svc: Record<string, unknown> = {
      image: kind.image,
      description: `synthetic ${kind.image.split(/[:@]/)[0]} #${i}`,
      profiles: [pick(PROFILES)],
      restart: pick(["unless-stopped", "always", "on-failure"]),
      networks: nets,
      expose: [kind.port],
      env: {
        LOG_LEVEL: pick(["info", "debug", "warn"]),
        INSTANCE: String(i),
        UPSTREAM_URL: `http://${names.length ? pick(names) : "localhost"}:${kind.port}`,
        ...(r() < 0.5 ? { DB_PASSWORD: { secretRef: { env: `SVC_${i}_DB_PASSWORD` } } } : {}),
        ...(r() < 0.2 ? { LISTEN_PORT: `\${SVC_${i}_PORT:-${kind.port}}` } : {}),
      },
      resources: {
        limits: { cpus: pick([0.25, 0.5, 1]), memory: pick(["128M", "256M", "512M", "1G"]), pids: 256 },
        ...(r() < 0.6 ? { reservations: { cpus: 0.1, memory: "64M" } } : {}),
      },
      readOnly: r() < 0.7,
      capDrop: ["ALL"],
      securityOpt: ["no-new-privileges:true"],
      labels: { "org.example.team": pick(["secops", "platform", "data"]), "org.example.tier": pick(["frontend", "backend"]) },
    };
    if (kind.user !== undefined) svc.user = kind.user;
    if (r() < 0.3) svc.ports = [`127.0.0.1:${20000 + i}:${kind.port}`];
    else if (r() < 0.15) svc.ports = [{ target: kind.port, published: 30000 + i, protocol: "tcp", hostIp: "0.0.0.0" }];
    const mounts: unknown[] = [];
    if (kind.data !== undefined) {
      volumes[`${name}-data`] = { description: `data of ${name}` };
      mounts.push(`${name}-data:${kind.data}`);
    }
    if (r() < 0.4) mounts.push(`./config/${name}/app.yml:/etc/app/app.yml:ro`);
    if (mounts.length) svc.volumes = mounts;
    if (kind.health === "http") svc.healthcheck = { test: ["CMD", "wget", "-qO-", `http://localhost:${kind.port}/health`], interval: "30s", timeout: "5s", retries: 3, startPeriod: "20s" };
    else if (kind.health === "exec") svc.healthcheck = { test: `nc -z localhost ${kind.port} || exit 1`, interval: "15s", retries: 5 };
    if (names.length && r() < 0.6) svc.dependsOn = [...new Set([pick(names), ...(r() < 0.3 ? [pick(names)] : [])])];
    if (r() < 0.25) svc.secrets = [pick(SECRETS)];
    if (r() < 0.2) svc.scrape = { port: kind.port };
    if (i % 50 === 7) {
      svc.volumes = [...mounts, "/var/run/docker.sock:/var/run/docker.sock:ro"];
      svc.waive = [{ rule: "docker-socket", reason: "synthetic: container discovery through the Docker API, accepted risk" }];
    }
    if (i % 67 === 13) {
      svc.privileged = true;
      svc.waive = [{ rule: "privileged", reason: "synthetic: cgroup statistics, accepted risk" }];
    }
    svcs[name] = svc;
    names.push(name);
  }
  return {
    version: 1,
    project: { name: "bench", description: `synthetic ${services}-service stack (seed ${seed})` },
    host: { name: "bench-host", arch: "amd64", cpus: 1024, memory: "4096G" },
    images: { registry: "ghcr.io/soc-stack", tag: "0.1.0" },
    profiles: { ...Object.fromEntries(PROFILES.map((p) => [p, { description: `the ${p} stack` }])), full: { description: "everything", includes: PROFILES } },
    apps: {
      edgeAgent: { profiles: ["network-analysis"], networks: ["network-analysis", "siem-backend", "monitoring"] },
      aiopsAgent: { profiles: ["monitoring"], networks: ["monitoring"] },
      healthMonitor: { networks: ["monitoring"] },
    },
    services: svcs,
    networks: Object.fromEntries(NETWORKS.map((n, i) => [n, { description: `segment ${n}`, subnet: `172.${20 + i}.0.0/24`, ...(i % 2 === 0 ? { internal: true } : {}) }])),
    volumes,
    secrets: {
      "db-password": { env: "DB_PASSWORD" },
      "api-token": { env: "API_TOKEN" },
      "tls-key": { file: "./secrets/tls.key" },
      "s3-secret-key": { file: "./secrets/s3.key" },
    },
    kubernetes: { namespace: "bench" },
  };
}
