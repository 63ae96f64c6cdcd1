/**
 * Container-level settings shared by third-party `services` and our own `apps`: resources, healthcheck,
 * ports, volumes, dependencies and the security context. Field names follow the Compose specification
 * (https://github.com/compose-spec/compose-spec/blob/main/spec.md) in camelCase.
 */
import { z } from "zod";
import { Cpus, Duration, EnvKey, Memory, Name, Port, SecretRef, Waiver } from "./primitives.js";

/** CPU/memory/pids amounts for `limits` (hard caps) or `reservations` (guaranteed share). */
export const ResourceAmounts = z.strictObject({
  cpus: Cpus.optional(),
  memory: Memory.optional(),
  pids: z.number().int().positive().optional().describe("Maximum number of processes (limits only)."),
});

/** Compose `deploy.resources`: limits are enforced caps, reservations the guaranteed minimum (Kubernetes requests). */
export const Resources = z.strictObject({
  limits: ResourceAmounts.optional(),
  reservations: ResourceAmounts.omit({ pids: true }).optional(),
});
/** @see {@link Resources} */
export type Resources = z.infer<typeof Resources>;

/** Compose healthcheck. `test` as an exec array (`["CMD", "curl", "-f", url]`) or a shell string (`CMD-SHELL`). */
export const Healthcheck = z.strictObject({
  test: z.union([z.string().min(1), z.array(z.string()).min(1)]).describe('Exec form ["CMD", ...] / ["CMD-SHELL", "..."] or a shell command string.'),
  interval: Duration.default("30s"),
  timeout: Duration.default("10s"),
  retries: z.number().int().min(1).default(3),
  startPeriod: Duration.optional().describe("Grace period after start during which failures do not count (also the Kubernetes startup probe)."),
  startInterval: Duration.optional(),
});
/** @see {@link Healthcheck} */
export type Healthcheck = z.infer<typeof Healthcheck>;

/** A published port: `"8080:80"`, `"127.0.0.1:8080:80/tcp"`, or the long form. */
export const PortMapping = z.union([
  z.string().regex(/^(?:(?:\[[0-9a-fA-F:.]+\]|[0-9.]+|\$\{[^}]+\}):)?(?:(?:\d+(?:-\d+)?|\$\{[^}]+\}):)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/, "expected [host_ip:][published:]target[/protocol], e.g. 127.0.0.1:8080:80"),
  z.strictObject({
    target: Port,
    published: z.union([Port, z.string().regex(/^\d+(-\d+)?$|^\$\{[^}]+\}$/)]).optional(),
    hostIp: z.string().optional().describe("Interface to bind on the host; 127.0.0.1 keeps an internal service off the network."),
    protocol: z.enum(["tcp", "udp", "sctp"]).default("tcp"),
    name: z.string().optional(),
  }),
]);
/** @see {@link PortMapping} */
export type PortMapping = z.infer<typeof PortMapping>;

/** A mount: Compose short syntax `source:target[:ro]` or the long form. */
export const VolumeMount = z.union([
  z.string().min(1).regex(/^[^:]+(:[^:]+)?(:(ro|rw|z|Z|rslave|rshared|rprivate|slave|shared|private|nocopy)(,[a-zA-Z]+)*)?$/, "expected source:target[:ro]"),
  z.strictObject({
    type: z.enum(["volume", "bind", "tmpfs"]),
    source: z.string().optional(),
    target: z.string().min(1),
    readOnly: z.boolean().default(false),
  }),
]);
/** @see {@link VolumeMount} */
export type VolumeMount = z.infer<typeof VolumeMount>;

/** A dependency condition, as Compose `depends_on.<svc>.condition`. */
export const DependsOnCondition = z.enum(["service_started", "service_healthy", "service_completed_successfully"]);

/** Start-order dependencies: a list of names (condition `service_started`) or a map with conditions. */
export const DependsOn = z.union([
  z.array(Name),
  z.record(Name, z.strictObject({ condition: DependsOnCondition.default("service_started"), restart: z.boolean().optional(), required: z.boolean().optional() })),
]);

/** An environment value: a literal or a {@link SecretRef} (never a secret literal). */
export const EnvValue = z.union([z.string(), z.number(), z.boolean(), SecretRef]);

/** A ulimit: one number for soft = hard, or both. */
export const Ulimit = z.union([z.number().int(), z.strictObject({ soft: z.number().int(), hard: z.number().int() })]);

/** Linux capabilities, with or without the `CAP_` prefix. */
export const Capability = z.string().regex(/^(CAP_)?[A-Z_]+$|^ALL$/, "expected a capability name such as NET_ADMIN or ALL");

/**
 * The security context of a container. Our own apps default to the hardened form (non-root, read-only root
 * filesystem, `cap_drop: [ALL]`, `no-new-privileges`); third-party services keep what their image needs and
 * the security lint reports the rest.
 */
export const SecurityFields = {
  user: z.string().regex(/^[a-zA-Z0-9_.-]+(:[a-zA-Z0-9_.-]+)?$/, "expected user[:group], e.g. 10001:10001").optional(),
  readOnly: z.boolean().optional().describe("Read-only root filesystem (Compose read_only)."),
  capAdd: z.array(Capability).optional(),
  capDrop: z.array(Capability).optional(),
  privileged: z.boolean().optional(),
  pid: z.enum(["host"]).optional().describe("Share the host PID namespace (a security finding unless waived)."),
  ipc: z.enum(["host", "private", "shareable", "none"]).optional(),
  networkMode: z.union([z.enum(["host", "none", "bridge"]), z.string().regex(/^(service|container):[a-zA-Z0-9_.-]+$/)]).optional(),
  securityOpt: z.array(z.string()).optional(),
  ulimits: z.record(z.string(), Ulimit).optional(),
  tmpfs: z.array(z.string()).optional(),
  devices: z.array(z.string()).optional(),
  waive: z.array(Waiver).optional().describe("Security rules waived for this container, each with a reason."),
} as const;

/** Restart policy, as Compose `restart`. */
export const RestartPolicy = z.enum(["no", "always", "on-failure", "unless-stopped"]);

/** Deployment fields an app or service can set: where it runs and how it connects. */
export const PlacementFields = {
  profiles: z.array(Name).optional().describe("Compose profiles this container belongs to; none = always started."),
  networks: z.array(Name).optional().describe("Networks (from the top-level `networks`) to join; none = the default network."),
  volumes: z.array(VolumeMount).optional(),
  ports: z.array(PortMapping).optional(),
  dependsOn: DependsOn.optional(),
  env: z.record(EnvKey, EnvValue).optional().describe("Environment variables; secrets only as { secretRef: ... }."),
  secrets: z.array(Name).optional().describe("Top-level secrets mounted as files under /run/secrets/<name>."),
  resources: Resources.optional(),
  healthcheck: Healthcheck.optional(),
  restart: RestartPolicy.optional(),
  labels: z.record(z.string(), z.string()).optional(),
} as const;
