/**
 * Our own deployables (`apps`): the edge IDS agent, the AIOps agent and the Docker health monitor. Each has
 * deployment fields (resources, networks, profiles...) and its own settings; every default is chosen for a
 * Raspberry Pi 5 edge stack.
 */
import { z } from "zod";
import { PlacementFields, SecurityFields } from "./container.js";
import { Cpus, Duration, LogLevel, Memory, Name, Port, SecretRef } from "./primitives.js";

const deployment = (d: { port: number; cpus: number; memory: string; reserveCpus: number; reserveMemory: string }) => ({
  enabled: z.boolean().default(true),
  image: z.string().min(1).optional().describe("Override the image (default: <images.registry>/<app>:<images.tag>)."),
  replicas: z.number().int().min(1).optional().describe("Kubernetes replicas when no HPA owns the workload."),
  logLevel: LogLevel.optional().describe("Overrides logging.level for this app."),
  metricsPort: Port.default(d.port).describe("Port of /metrics, /healthz and /readyz."),
  ...PlacementFields,
  resources: z
    .strictObject({
      limits: z.strictObject({ cpus: Cpus.default(d.cpus), memory: Memory.default(d.memory), pids: z.number().int().positive().default(256) }).prefault({}),
      reservations: z.strictObject({ cpus: Cpus.default(d.reserveCpus), memory: Memory.default(d.reserveMemory) }).prefault({}),
    })
    .prefault({}),
  ...SecurityFields,
});

/** Suricata EVE input of the edge agent. Source: https://docs.suricata.io/en/latest/output/eve/eve-json-output.html */
export const EveInput = z.strictObject({
  paths: z.array(z.string().min(1)).min(1).default(["/var/log/suricata/eve.json"]).describe("EVE files to tail (NDJSON)."),
  socket: z.string().optional().describe("Also accept Suricata's unix_stream EVE output on this socket path."),
  eventTypes: z.array(z.string().regex(/^[a-z0-9_]+$/)).default([]).describe("Event types to ship; empty = all."),
  maxLineBytes: z.number().int().min(1024).default(4 * 1024 * 1024).describe("Longest accepted line in bytes; longer lines are dead-lettered."),
  checkpointDir: z.string().default("/var/lib/soc/edge-agent").describe("Where file checkpoints (identity + offset) are persisted."),
  deadLetterPath: z.string().default("/var/lib/soc/edge-agent/dead-letter.ndjson"),
});

/** Batching and retries of the OpenSearch `_bulk` shipper. */
export const Shipper = z.strictObject({
  batchMaxEvents: z.number().int().min(1).default(5000),
  batchMaxBytes: Memory.default("5M").describe("Maximum _bulk request body size."),
  flushInterval: Duration.default("1s").describe("Send a partial batch after this long."),
  concurrency: z.number().int().min(1).max(64).default(2).describe("Concurrent _bulk requests."),
  requestTimeout: Duration.default("30s"),
  compression: z.boolean().default(true).describe("gzip request bodies."),
  retry: z
    .strictObject({
      initialDelay: Duration.default("200ms"),
      maxDelay: Duration.default("30s"),
      maxAttempts: z.number().int().min(0).default(0).describe("0 = retry forever (the buffer takes over during outages)."),
    })
    .prefault({}),
});

/** The durable buffer used while OpenSearch is unreachable. */
export const Buffer = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("disk"),
    dir: z
      .string()
      .min(1)
      .optional()
      .describe("Spool directory (one agent per directory; relative to the config file). Default: <eve.checkpointDir>/spool, beside the checkpoints it goes with."),
    maxBytes: Memory.default("1G"),
  }),
  z.strictObject({
    type: z.literal("redis"),
    url: z.union([z.string().regex(/^rediss?:\/\/|^unix:\/\//, "expected redis://host:port, rediss://... or unix:///path"), SecretRef]).default("redis://redis:6379"),
    stream: z
      .string()
      .min(1)
      .optional()
      .describe("Redis Stream key (one stream per sensor: the agent drains its whole stream). Default: soc:eve:<sensorId>, so several sensors can share one Redis."),
    maxLen: z.number().int().min(1000).default(1_000_000).describe("XADD MAXLEN: entries kept before reading pauses."),
    consumerGroup: z.string().min(1).default("edge-agent"),
  }),
]);

/** Hysteresis thresholds: act above `high`, release below `low`. */
const Hysteresis = (high: number, low: number, max: number) =>
  z.strictObject({ high: z.number().min(0).max(max).default(high), low: z.number().min(0).max(max).default(low) }).prefault({})
    .refine((h) => h.low < h.high, { message: "`low` must be below `high`", path: ["low"] });

/** The edge IDS agent: ships Suricata EVE events to OpenSearch. */
export const EdgeAgent = z.strictObject({
  ...deployment({ port: 9100, cpus: 1, memory: "512M", reserveCpus: 0.25, reserveMemory: "128M" }),
  sensorId: z.string().min(1).optional().describe("Sensor identity in document ids and fields (default: host.name or project.name)."),
  eve: EveInput.prefault({}),
  shipper: Shipper.prefault({}),
  buffer: Buffer.default({ type: "disk", maxBytes: "1G" }),
  connectivity: z
    .strictObject({
      interval: Duration.default("10s"),
      timeout: Duration.default("3s"),
      failuresToOffline: z.number().int().min(1).default(3),
      successesToOnline: z.number().int().min(1).default(2),
      dnsNames: z.array(z.string()).default([]).describe("Names to resolve as a DNS probe."),
    })
    .prefault({}),
  memory: z
    .strictObject({
      collectEvery: z
        .union([Memory, z.literal("off")])
        .default("off")
        .describe(
          "Run a full V8 garbage collection when the V8 heap and Buffer memory grew by this much since the last one (checked after each chunk read). Keeps RSS near the live data: on its own V8 lets dead read buffers and _bulk bodies pile up to ~64 MiB above it. 'off' (default) leaves collection to V8: the collections cost CPU (at 10,000 EVE events/s, 8M took RSS from ~160 to ~120 MiB for ~5 % of a core), and on a sensor CPU is usually the scarcer resource.",
        ),
      collectMaxShare: z
        .number()
        .gt(0)
        .max(1)
        .default(0.02)
        .describe("Largest share of one core those collections may use (their CPU time over wall time; each marks the whole heap, ~60 ms of CPU on a small VM); a due collection waits while it would exceed it, and none runs while input is so fast that V8 collects as often by itself. 1 = no bound."),
    })
    .prefault({}),
  throttle: z
    .strictObject({
      cpuPercent: Hysteresis(85, 60, 100),
      memoryPercent: Hysteresis(85, 70, 100),
      temperatureC: Hysteresis(75, 65, 120).describe("SoC temperature; the Pi 5 firmware throttles at 80-85 °C."),
      interval: Duration.default("5s"),
    })
    .prefault({}),
});

/** A static threshold rule of the AIOps agent, like a Prometheus alert rule with `for`. */
export const StaticRule = z.strictObject({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  metric: z.string().min(1),
  op: z.enum([">", ">=", "<", "<="]),
  value: z.number(),
  for: Duration.default("0s"),
  severity: z.enum(["critical", "warning", "info"]).default("warning"),
});

/**
 * Default of `apps.aiopsAgent.detectors.scoreThreshold`: the raw combined anomaly score (0–1) at or above
 * which the AIOps agent alerts. It must equal `DEFAULT_DETECTOR_PARAMS.alertThreshold` of the `aiops-agent`
 * app (its production detector parameter set, checked by that app's tests); the config value is the
 * authoritative one at run time.
 */
export const AIOPS_ALERT_SCORE_THRESHOLD = 0.65;

/** The AIOps agent: host metrics, anomaly detection and alerting. */
export const AiopsAgent = z.strictObject({
  ...deployment({ port: 9101, cpus: 0.5, memory: "256M", reserveCpus: 0.1, reserveMemory: "64M" }),
  collect: z
    .strictObject({
      interval: Duration.default("10s"),
      hostProc: z.string().default("/host/proc").describe("Where the host's /proc is mounted read-only inside the container."),
      mounts: z.array(z.string()).default([]).describe("Mount points to watch; empty = all real filesystems."),
      interfaces: z.array(z.string()).default([]).describe("Network interfaces to watch; empty = all but loopback."),
    })
    .prefault({}),
  detectors: z
    .strictObject({
      static: z.array(StaticRule).default([]),
      adaptive: z
        .boolean()
        .default(true)
        .describe("Robust EWMA/MAD baseline of the combined detector. Off: the point and shift tests use the seasonal model alone (nothing is scored until it has learnt two days)."),
      seasonal: z
        .boolean()
        .default(true)
        .describe("Time-of-day baseline of the combined detector (scores once two days are seen). Off: the point and shift tests use the adaptive baseline alone."),
      changePoint: z
        .boolean()
        .default(true)
        .describe("Level-shift (residual CUSUM) and flatline tests of the combined detector. Off: only the point test scores. With adaptive, seasonal and changePoint all off, only the static rules run."),
      scoreThreshold: z
        .number()
        .min(0)
        .max(1)
        .default(AIOPS_ALERT_SCORE_THRESHOLD)
        .describe(
          "The one alert threshold: a series past its warm-up is anomalous when its raw combined anomaly score (0-1, before the detector's hold-down) is at or above this. Authoritative: the agent passes it to the detector as its alertThreshold. The default 0.65 equals the production detector parameter set (DEFAULT_DETECTOR_PARAMS.alertThreshold of aiops-agent, which stays below it on clean synthetic noise after warm-up); raise it for fewer alerts, lower it for earlier ones.",
        ),
    })
    .prefault({}),
  alerting: z
    .strictObject({
      receivers: z.array(Name).default([]).describe("Names from monitoring.receivers."),
      cooldown: Duration.default("15m"),
      resolveAfter: Duration.default("5m"),
      outboxDir: z.string().default("/var/lib/soc/aiops-agent/outbox"),
    })
    .prefault({}),
});

/** The Docker health monitor: container health, runtime audit and autoheal. */
export const HealthMonitor = z.strictObject({
  ...deployment({ port: 9102, cpus: 0.25, memory: "128M", reserveCpus: 0.05, reserveMemory: "32M" }),
  docker: z
    .strictObject({
      host: z.string().default("unix:///var/run/docker.sock").describe("DOCKER_HOST of the engine (unix:// or tcp:// with TLS)."),
      socketProxy: z.boolean().default(true).describe("Reach the engine through a read-only socket proxy service instead of mounting the socket."),
      tls: z.strictObject({ ca: z.string(), cert: z.string(), key: z.string() }).optional(),
    })
    .prefault({}),
  reconcileInterval: Duration.default("60s"),
  labelSelector: z.array(z.string().regex(/^[^=]+(=.*)?$/)).default([]),
  autoheal: z
    .strictObject({
      enabled: z.boolean().default(false),
      label: z.string().default("soc.autoheal"),
      gracePeriod: Duration.default("30s"),
      initialBackoff: Duration.default("10s"),
      maxBackoff: Duration.default("5m"),
      maxRestarts: z.number().int().min(1).default(3),
      window: Duration.default("10m"),
      dryRun: z.boolean().default(false),
    })
    .prefault({}),
  auditInterval: Duration.default("5m"),
});

/** The `apps` section. Every app is enabled by default; turn one off with `enabled: false`. */
export const Apps = z
  .strictObject({
    edgeAgent: EdgeAgent.prefault({}),
    aiopsAgent: AiopsAgent.prefault({}),
    healthMonitor: HealthMonitor.prefault({}),
  })
  .prefault({});

/** App keys as they appear in `apps`, with their deployable (image/service) names. */
export const APP_NAMES = { edgeAgent: "edge-agent", aiopsAgent: "aiops-agent", healthMonitor: "health-monitor" } as const;
/** One of the keys of {@link APP_NAMES}. */
export type AppKey = keyof typeof APP_NAMES;
