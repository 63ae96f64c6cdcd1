/**
 * The normalised deployment model: every container of a stack with all defaults resolved, plus the
 * networks, volumes, secrets and configs they use. Built once from a `SocConfig` by `buildModel`; every
 * emitter (Compose today, Kubernetes/images/Prometheus next) reads only this model, never the raw config.
 *
 * Conventions: names are Compose/DNS-label names; durations stay in Go notation (`30s`, `1m30s`) as the
 * config wrote them; CPUs are cores (`0.5` = half a core); memory is bytes. Lists whose order carries no
 * meaning (profiles, networks, secrets, env/label keys) are sorted, so the model is independent of the
 * config's key order.
 */
import type { Waiver } from "@soc/config";

/** What produced a container: one of our apps, a third-party service from the config, or compose-gen itself. */
export type ContainerKind = "app" | "service" | "generated";

/**
 * An environment value: a literal, or a reference to a deploy-time environment variable holding a secret.
 * Secret values are never in the model; `secretEnv` is rendered as `${NAME:?NAME must be set}` by Compose.
 */
export type EnvValue = { kind: "literal"; value: string } | { kind: "secretEnv"; name: string };

/** A published port in Compose long form. `published` may be a `${VAR}` string as the config allows. */
export interface PortSpec {
  /** Container port, or a range such as `"8000-8010"`. */
  target: number | string;
  published?: number | string;
  hostIp?: string;
  protocol: "tcp" | "udp" | "sctp";
  name?: string;
}

/** A mount in Compose long form. `source` is a named volume, a host path (bind) or absent (tmpfs/anonymous). */
export interface MountSpec {
  type: "volume" | "bind" | "tmpfs";
  source?: string;
  target: string;
  readOnly: boolean;
  /** Bind propagation / SELinux / nocopy options from the short syntax, kept verbatim (e.g. `z`, `rslave`). */
  options?: string[];
  /** The config wrote this bind source relative to its own folder: `source` is resolved (absolute), and
   * emitters re-express it relative to the file they write so the output folder stays portable. */
  relative?: boolean;
}

/** A healthcheck; `test` always in exec-array form (`["CMD", ...]` or `["CMD-SHELL", "..."]`). */
export interface HealthcheckSpec {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  startPeriod?: string;
  startInterval?: string;
}

/** CPU cores, memory bytes and a process cap. */
export interface ResourceAmounts {
  cpus?: number;
  memoryBytes?: number;
  pids?: number;
}

/** Limits (hard caps) and reservations (guaranteed share; Kubernetes requests). */
export interface ResourceSpec {
  limits: ResourceAmounts;
  reservations: ResourceAmounts;
}

/** The security context a container runs with (Compose names in camelCase). */
export interface SecuritySpec {
  user?: string;
  readOnly: boolean;
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  pid?: "host";
  ipc?: string;
  securityOpt: string[];
  ulimits: Record<string, number | { soft: number; hard: number }>;
  /** tmpfs mount points (`/tmp`, or `/run:size=16m`). */
  tmpfs: string[];
  devices: string[];
}

/** A resolved start-order dependency (Compose long-form `depends_on`). */
export interface DependencySpec {
  condition: "service_started" | "service_healthy" | "service_completed_successfully";
  /** false when the target may not be started with the dependent (it sits in other profiles). */
  required: boolean;
  restart?: boolean;
}

/** A top-level config file (Compose `configs:`) mounted into a container. */
export interface ConfigMount {
  source: string;
  target: string;
}

/** One container of the stack, every default resolved. */
export interface ContainerSpec {
  name: string;
  kind: ContainerKind;
  /** Where this container comes from in the config (`["apps","edgeAgent"]`, `["services","redis"]`), for messages and lint. */
  origin: string[];
  description?: string;
  image?: string;
  /** Build; `context` resolved to an absolute path when `contextRelative` (written relative to the config). */
  build?: { context: string; contextRelative?: boolean; dockerfile?: string; args?: Record<string, string>; target?: string };
  command?: string[] | string;
  entrypoint?: string[] | string;
  workingDir?: string;
  hostname?: string;
  containerName?: string;
  /** Expanded, sorted profiles; empty = always started. */
  profiles: string[];
  restart: "no" | "always" | "on-failure" | "unless-stopped";
  dependsOn: Record<string, DependencySpec>;
  env: Record<string, EnvValue>;
  ports: PortSpec[];
  /** Ports reachable from other containers only (never published on the host). */
  expose: number[];
  /** Networks joined (sorted); empty with no `networkMode` = the project's default network. */
  networks: string[];
  networkMode?: string;
  mounts: MountSpec[];
  configs: ConfigMount[];
  /** Top-level secrets mounted at `/run/secrets/<name>` (sorted). */
  secrets: string[];
  healthcheck?: HealthcheckSpec;
  resources: ResourceSpec;
  security: SecuritySpec;
  labels: Record<string, string>;
  stopGracePeriod?: string;
  /** Run an init process as PID 1 (reaps zombies, forwards signals to the app's shutdown handlers). */
  init?: boolean;
  shmSize?: string | number;
  extraHosts: string[];
  /** Prometheus scrape target (our apps: their metrics port). */
  scrape?: { port: number; path: string; interval?: string };
  /** Security rules waived in the config, with reasons (for the lint). */
  waivers: Waiver[];
}

/** A network for segmentation. */
export interface NetworkSpec {
  name: string;
  description?: string;
  driver: string;
  internal: boolean;
  subnet?: string;
  external?: boolean;
}

/** A named volume. */
export interface VolumeSpec {
  name: string;
  description?: string;
  driver?: string;
  driverOpts?: Record<string, string>;
  external?: boolean;
}

/**
 * A secret and where its value comes from at deploy time: a host file (absolute path) or an environment
 * variable of the deploying shell. Never the value.
 */
export interface SecretSpec {
  name: string;
  /** `file` is absolute; `relative` when the config wrote it relative to its own folder. */
  source: { file: string; relative: boolean } | { env: string };
  description?: string;
}

/** A config file generated beside the output (e.g. the apps' resolved `soc-config.yaml`). */
export interface ConfigFileSpec {
  name: string;
  /** File name relative to the output's own folder (e.g. `soc-config.yaml` beside `docker-compose.yml`). */
  fileName: string;
  /** The document to serialise (already redacted: secret references only). */
  document: unknown;
  description: string;
}

/** A profile with its `includes` closure. */
export interface ProfileSpec {
  name: string;
  description?: string;
  /** Every profile activated by this one, itself included (sorted). */
  activates: string[];
}

/** One use of an environment variable by the generated files (for `.env.example`). */
export interface EnvVarUse {
  /** Where it is used, as a dotted path in the Compose file (`services.grafana.environment.GF_X`) or `secrets.<name>`. */
  where: string;
  /** true: `${VAR:?…}` / secret — must be set; false: `${VAR}` / `${VAR:-default}`. */
  required: boolean;
  secret: boolean;
  default?: string;
}

/** An environment variable the generated files read at deploy time. */
export interface EnvVarSpec {
  name: string;
  uses: EnvVarUse[];
}

/** Something worth telling the user that does not stop generation. */
export interface ModelWarning {
  /** Config path the warning is about. */
  path: string[];
  message: string;
}

/** The whole stack, normalised. */
export interface DeploymentModel {
  project: { name: string; description?: string; environment: string };
  /** The config file this model was built from, relative to `outDir` (POSIX separators), if known. */
  sourceFile?: string;
  /** Output root the emitters' file names are relative to (absolute path). */
  outDir: string;
  /** Sorted by name. */
  containers: ContainerSpec[];
  networks: NetworkSpec[];
  volumes: VolumeSpec[];
  secrets: SecretSpec[];
  configFiles: ConfigFileSpec[];
  profiles: ProfileSpec[];
  /** Sorted by name. */
  envVars: EnvVarSpec[];
  warnings: ModelWarning[];
}
