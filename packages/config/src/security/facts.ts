/**
 * What the security rules look at: a container reduced to the facts that matter, whatever it came from
 * (our config, a Compose file, or `docker inspect`). Producers fill it in; {@link auditContainer} judges it.
 */

/** A mount as the audit sees it. `source` is a host path for binds, a volume name for volumes. */
export interface MountFact {
  type: "bind" | "volume" | "tmpfs" | "npipe" | "unknown";
  source: string;
  target: string;
  readOnly: boolean;
}

/** A published port. `hostIp` undefined or `0.0.0.0`/`::` means all interfaces. */
export interface PortFact {
  hostIp?: string;
  published?: string;
  target: number | string;
}

/** An environment variable: its name and, when it is a literal (not a secret reference), its value. */
export interface EnvFact {
  name: string;
  /** The literal value; undefined when the value is a reference (secretRef, `${VAR}` interpolation). */
  literal?: string;
}

/** The security-relevant facts of one container. Absent numbers mean "not set". */
export interface ContainerFacts {
  /** Service or container name. */
  name: string;
  image?: string;
  privileged: boolean;
  /** `host` when sharing the host PID namespace. */
  pidMode?: string;
  ipcMode?: string;
  networkMode?: string;
  /** `user[:group]`; undefined = the image default (usually root). */
  user?: string;
  /** Whether the image is known to default to a non-root user (Docker inspect can tell; Compose cannot). */
  imageUserNonRoot?: boolean;
  capAdd: string[];
  capDrop: string[];
  mounts: MountFact[];
  devices: string[];
  memoryLimitBytes?: number;
  cpuLimit?: number;
  pidsLimit?: number;
  hasHealthcheck: boolean;
  readOnlyRootfs: boolean;
  securityOpt: string[];
  env: EnvFact[];
  ports: PortFact[];
}

/**
 * Resolves Compose-style interpolation to what it means by default: `${VAR:-default}` and `${VAR-default}`
 * become `default`; a bare `${VAR}` stays as written (unknown). Source:
 * https://docs.docker.com/reference/compose-file/interpolation/
 */
export function interpolationDefault(value: string): string {
  return value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, "$1");
}

/**
 * Names that suggest a secret value: passwords, tokens, keys, credentials. `AUTH` counts only as the last
 * segment (`REDIS_AUTH`, `BASIC_AUTH`): in the middle it names a setting (`GF_AUTH_ANONYMOUS_ENABLED`,
 * `MINIO_PROMETHEUS_AUTH_TYPE`), which real Compose files are full of.
 */
const SECRET_NAME = /(^|_|\.)(PASS(WORD|WD|PHRASE)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)($|_|\.)|(^|_|\.)AUTH$/i;
/** Suffixes that say the variable holds a location, not the secret itself. */
const LOCATION_SUFFIX = /(_FILE|_PATH|_DIR|_FILENAME|__FILE)$/i;

/**
 * True when an environment variable's NAME suggests a secret and its name does not say it holds a path
 * (`POSTGRES_PASSWORD_FILE`, `GF_SECURITY_ADMIN_PASSWORD__FILE` hold paths).
 */
export function isSecretLikeEnvName(name: string): boolean {
  return SECRET_NAME.test(name) && !LOCATION_SUFFIX.test(name);
}
