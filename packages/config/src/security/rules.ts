/**
 * The security rule catalogue shared by compose-gen's lint (config and Compose files) and the health
 * monitor's runtime audit (`docker inspect`): one id, severity, rationale and fix hint per rule, so a finding
 * means the same thing wherever it is reported and a `waive: { rule, reason }` in the config names it.
 * Sources: CIS Docker Benchmark v1.6.0 (section numbers in `cis`), OWASP Docker Security Cheat Sheet
 * (https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html).
 */

/** Severity of a finding; `critical` and `high` fail `compose-gen lint` (exit 1). */
export type Severity = "critical" | "high" | "medium" | "low";

/** Severities from most to least severe. */
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

/** One rule of the catalogue. */
export interface SecurityRule {
  /** Stable id, e.g. `docker-socket`. Used in findings, waivers, metrics labels and SARIF `ruleId`. */
  id: string;
  severity: Severity;
  /** One-line title. */
  title: string;
  /** Why it matters. */
  rationale: string;
  /** How to fix it. */
  hint: string;
  /** CIS Docker Benchmark v1.6.0 recommendation, when one exists. */
  cis?: string;
}

const rule = (id: string, severity: Severity, title: string, rationale: string, hint: string, cis?: string): SecurityRule =>
  ({ id, severity, title, rationale, hint, ...(cis ? { cis } : {}) });

/** The catalogue, in report order. */
export const SECURITY_RULES = [
  rule("privileged", "critical", "Container runs privileged",
    "A privileged container has every capability and all host devices: escaping it is trivial.",
    "Remove `privileged: true`; add only the capabilities and devices the process needs.", "5.5"),
  rule("docker-socket", "critical", "Docker socket mounted",
    "The Docker API is root on the host; mounting the socket read-only does not make the API read-only.",
    "Talk to a socket proxy (e.g. tecnativa/docker-socket-proxy) that allows only the API calls needed, on an internal network.", "5.32"),
  rule("host-pid", "high", "Shares the host PID namespace",
    "The container sees and can signal or ptrace every process on the host.",
    "Remove `pid: host`; read host metrics from a read-only /proc mount if you must.", "5.16"),
  rule("host-ipc", "high", "Shares the host IPC namespace",
    "Shared memory and semaphores of host processes become reachable.", "Remove `ipc: host`.", "5.17"),
  rule("host-network", "high", "Uses the host network namespace",
    "The container can bind any host port and sniff or reach every host interface, bypassing network segmentation.",
    "Use a bridge network; only packet-capture tools need host networking (waive with a reason).", "5.10"),
  rule("sensitive-mount", "high", "Mounts a sensitive host path",
    "Host paths such as /, /proc, /sys, /etc, /var/run or /var/lib/docker expose host configuration, credentials and kernel interfaces.",
    "Mount only the specific files needed, read-only; prefer named volumes.", "5.6"),
  rule("cap-dangerous", "high", "Adds a dangerous capability",
    "SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE and similar capabilities allow container escape or host network control.",
    "Drop ALL capabilities and add back only what the process needs; justify any of these with a waiver.", "5.4"),
  rule("seccomp-unconfined", "high", "Seccomp or AppArmor disabled",
    "`seccomp:unconfined` / `apparmor:unconfined` remove the kernel syscall filter that blocks most escape techniques.",
    "Remove the `unconfined` security option.", "5.22"),
  rule("secret-in-env", "high", "Secret in plain environment",
    "Environment variables leak through `docker inspect`, /proc, logs and crash reports.",
    "Use a secret reference ({ secretRef: ... }) mounted as a file under /run/secrets.", "4.10"),
  rule("root-user", "medium", "Runs as root",
    "A process running as UID 0 turns any container escape into host root.",
    "Set `user:` to a numeric non-root UID:GID (above 10000 avoids clashes with host users).", "4.1"),
  rule("no-memory-limit", "medium", "No memory limit",
    "One leaking container can exhaust host memory and trigger the OOM killer on its neighbours.",
    "Set resources.limits.memory.", "5.11"),
  rule("image-unpinned", "medium", "Image not pinned",
    "`latest` or a missing tag changes under you: builds are not reproducible and a compromised tag is pulled silently.",
    "Pin a version tag, or better a digest (image@sha256:...).", "5.28"),
  rule("port-all-interfaces", "medium", "Port published on all interfaces",
    "A port published without a host IP listens on every interface, and Docker's NAT rules bypass the host firewall.",
    "Bind internal services to 127.0.0.1 (`127.0.0.1:9200:9200`) or do not publish them at all.", "5.14"),
  rule("no-new-privileges", "medium", "Privilege escalation not blocked",
    "Without `no-new-privileges`, setuid binaries in the image can raise privileges.",
    "Add security_opt `no-new-privileges:true`.", "5.26"),
  rule("host-device", "medium", "Host device exposed",
    "Direct device access bypasses the container's isolation for that device.",
    "Remove `devices:` entries that are not required.", "5.18"),
  rule("no-cpu-limit", "low", "No CPU limit",
    "A busy container can starve its neighbours (on a Pi, the IDS itself).",
    "Set resources.limits.cpus.", "5.12"),
  rule("no-pids-limit", "low", "No PIDs limit",
    "A fork bomb in one container exhausts the host's process table.",
    "Set resources.limits.pids (Compose `pids_limit`).", "5.29"),
  rule("no-healthcheck", "low", "No healthcheck",
    "Without a healthcheck, Docker and orchestrators cannot tell a hung service from a healthy one.",
    "Add a healthcheck (it also becomes the Kubernetes readiness probe).", "5.27"),
  rule("writable-rootfs", "low", "Writable root filesystem",
    "A writable root filesystem lets an attacker persist tools and modify binaries.",
    "Set `read_only: true` and mount tmpfs/volumes where the process writes.", "5.13"),
] as const satisfies readonly SecurityRule[];

/** Every rule id. */
export type RuleId = (typeof SECURITY_RULES)[number]["id"];

/** Every rule id, in catalogue order. */
export const RULE_IDS = SECURITY_RULES.map((r) => r.id) as readonly RuleId[] as [RuleId, ...RuleId[]];

const BY_ID = new Map<string, SecurityRule>(SECURITY_RULES.map((r) => [r.id, r]));

/**
 * The rule with this id.
 * @throws {RangeError} for an id that is not in the catalogue.
 */
export function getRule(id: string): SecurityRule {
  const r = BY_ID.get(id);
  if (!r) throw new RangeError(`unknown security rule "${id}" (known: ${RULE_IDS.join(", ")})`);
  return r;
}
